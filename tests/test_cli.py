"The installed `vsd-tutorial` console script, run as a user would."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest

EXE = shutil.which('vsd-tutorial', path=str(Path(sys.executable).parent)) or 'vsd-tutorial'

def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)

@pytest.mark.parametrize('cmd', [[], ['dataset'], ['sample-prior']])
def test_help(cmd):
    r = run(*cmd, '--help')
    assert r.returncode == 0 and 'usage: vsd-tutorial' in r.stdout

def test_dataset(tmp_path):
    r = run('dataset', '--n', '6', '--res', '24', '--seed', '3', '--out', str(tmp_path))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in (tmp_path / 'captions.jsonl').read_text().splitlines()]
    assert len(rows) == 6 and len(list((tmp_path / 'images').glob('*.png'))) == 6
    for row in rows:
        assert row['mode'] in ('tall', 'squat') and row['mode'] not in row['caption']
        assert row['caption'].endswith(f"{row['view']} view") and row['shape'] in row['caption']
        assert set(row['camera']) >= {'azimuth', 'elevation', 'distance', 'fovy', 'c2w'}
    # deterministic from the seed
    r2 = run('dataset', '--n', '6', '--res', '24', '--seed', '3', '--out', str(tmp_path / 'again'))
    assert (tmp_path / 'again' / 'captions.jsonl').read_text() == (tmp_path / 'captions.jsonl').read_text()
    assert (tmp_path / 'again/images/000005.png').read_bytes() == (tmp_path / 'images/000005.png').read_bytes()

def test_sample_prior(tmp_path):
    r = run('sample-prior', 'a red cube', '', '--n', '2', '--steps', '3', '--out', str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert len(list(tmp_path.glob('prompt*_sample*.png'))) == 4 and (tmp_path / 'grid.png').exists()

@pytest.mark.parametrize('args, message', [
    (['sample-prior', 'a pink elephant'], "error: the toy prior does not know 'pink', 'elephant'"),
    (['sample-prior', 'a red cube', '--n', '0'], 'error: --n must be a positive integer, got 0'),
    (['sample-prior', 'a red cube', '--steps', '-3'], 'error: --steps must be a positive integer'),
    (['sample-prior', 'a red cube', '--guidance', '-1'], 'error: --guidance must be >= 0'),
    (['sample-prior', 'a red cube', '--prior', '/no/such/prior'], 'error: no toy prior at /no/such/prior'),
    (['dataset', '--n', '-2'], 'error: --n must be a positive integer'),
    (['dataset', '--out', '/proc/version'], 'error: --out /proc/version exists and is not a folder'),
])
def test_bad_input_one_line(args, message, tmp_path):
    if '--out' not in args: args = [*args, '--out', str(tmp_path / 'o')]
    r = run(*args)
    assert r.returncode == 2
    assert r.stderr.startswith(message) and r.stderr.count('\n') == 1, r.stderr
    assert not (tmp_path / 'o').exists()           # nothing written on bad input

def test_unknown_word_lists_vocabulary():
    r = run('sample-prior', 'a red pyramid')
    for word in ('red', 'cube', 'sphere', 'cylinder', 'cone', 'torus', 'front', 'overhead'):
        assert word in r.stderr
