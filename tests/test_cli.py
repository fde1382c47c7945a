"The installed `vsd-tutorial` console script, run as a user would."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest

EXE = shutil.which('vsd-tutorial', path=str(Path(sys.executable).parent)) or 'vsd-tutorial'

def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)

@pytest.mark.parametrize('cmd', [[], ['dataset'], ['sample-prior'], ['generate']])
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

def test_sample_prior_named_toy_prior(tmp_path):
    "The shipped toy priors by name: 'toy-fixed-camera' is the one that sees size (03_train_toy_prior)."
    r = run('sample-prior', 'a red cube', '--prior', 'toy-fixed-camera', '--n', '1', '--steps', '2', '--out', str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / 'grid.png').exists()

@pytest.mark.parametrize('args, message', [
    (['sample-prior', 'a pink elephant'], "error: the toy prior does not know 'pink', 'elephant'"),
    (['sample-prior', 'a red cube', '--n', '0'], 'error: --n must be a positive integer, got 0'),
    (['sample-prior', 'a red cube', '--steps', '-3'], 'error: --steps must be a positive integer'),
    (['sample-prior', 'a red cube', '--guidance', '-1'], 'error: --guidance must be a finite number >= 0, got -1.0'),
    (['sample-prior', 'a red cube', '--prior', '/no/such/prior'], 'error: no prior at /no/such/prior'),
    (['dataset', '--n', '-2'], 'error: --n must be a positive integer'),
    (['dataset', '--out', '/proc/version'], 'error: --out /proc/version exists and is not a folder'),
    (['generate', 'a red blob'], "error: the toy prior does not know 'blob'"),
    (['generate', ''], 'error: the prompt is empty'),
    (['generate', 'a red cube', '--particles', '0'], 'error: particles must be a positive integer'),
    (['generate', 'a red cube', '--steps', '-5'], 'error: steps must be a positive integer'),
    (['generate', 'a red cube', '--lr', 'nan'], "error: argument --lr: must be a finite number, got 'nan'"),
    (['generate', 'a red cube', '--guidance', 'nan'], "error: argument --guidance: must be a finite number, got 'nan'"),
    (['generate', 'a red cube', '--guidance', 'inf'], "error: argument --guidance: must be a finite number"),
    (['generate', 'a red cube', '--blob-radius', 'nan'], "error: argument --blob-radius: must be a finite number"),
    (['generate', 'a red cube', '--lr', '0'], 'error: lr must be a positive number, got 0.0'),
    (['generate', 'a red cube', '--guidance', '-1'], 'error: guidance must be a finite number >= 0'),
    (['generate', 'a red cube', '--particles', 'nan'], "error: argument --particles: invalid int value: 'nan'"),
    (['sample-prior', 'a red cube', '--guidance', 'nan'], "error: argument --guidance: must be a finite number"),
    (['generate', 'a red cube', '--method', 'nerf'], "error: argument --method: invalid choice: 'nerf'"),
    (['generate'], 'error: the following arguments are required: PROMPT'),
    (['generate', 'a red cube', '--resume'], 'error: nothing to resume'),
    (['generate', 'a red cube', '--out', '/proc/version'], 'error: --out /proc/version exists and is not a folder'),
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

TINY = ['--particles', '2', '--steps', '40', '--grid-res', '12', '--samples', '16', '--checkpoint-every', '5']

def _final_grid(out):
    import torch
    return torch.load(out / 'checkpoints' / 'last.pt', weights_only=False)['optimizer']['field']['grid']

def test_generate_kill_and_resume(tmp_path):
    "A run killed with SIGKILL and resumed ends bit-for-bit where an uninterrupted run with the same seed ends."
    import time, torch
    a, b = tmp_path / 'a', tmp_path / 'b'
    r = run('generate', 'a red cube', *TINY, '--out', str(a))
    assert r.returncode == 0, r.stderr
    assert 'results in' in r.stdout
    for f in ['grid.png', 'turntable.gif', 'metrics.json', 'particle_1/view_7.png', 'checkpoints/last.pt']: assert (a / f).exists(), f
    m = json.loads((a / 'metrics.json').read_text())
    assert len(m['particles']) == 2 and 0 <= m['background_clean'] <= 1 and 0 <= m['silhouette_iou'] <= 1
    p = subprocess.Popen([EXE, 'generate', 'a red cube', *TINY, '--out', str(b)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ck = b / 'checkpoints' / 'last.pt'
    t0 = time.time()
    while not ck.exists() and time.time() - t0 < 300: time.sleep(0.05)
    p.kill(); p.wait()
    assert ck.exists() and not (b / 'metrics.json').exists(), 'the run should have been killed mid-way'
    step = torch.load(ck, weights_only=False)['optimizer']['step']
    assert 0 < step < 40
    r = run('generate', 'a red cube', *TINY, '--out', str(b))
    assert r.returncode == 2 and 'pass --resume' in r.stderr            # never overwrites a run by accident
    r = run('generate', 'a red cube', *TINY, '--out', str(b), '--resume')
    assert r.returncode == 0, r.stderr
    assert torch.equal(_final_grid(a), _final_grid(b))


def test_generate_view_prompt_not_suffixed_twice(tmp_path):
    "A prompt that already names its view runs (it is not turned into 'a red cube, side view, front view')."
    r = run('generate', 'a red cube, side view', '--particles', '1', '--steps', '2', '--grid-res', '8', '--samples', '8',
            '--out', str(tmp_path / 'v'))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / 'v' / 'metrics.json').read_text())['prompt'] == 'a red cube, side view'

def test_resume_from_corrupt_checkpoint(tmp_path):
    "A truncated last.pt: one warning line, the run resumes from previous.pt and ends where an unbroken run ends."
    a, b = tmp_path / 'a', tmp_path / 'b'
    args = ['generate', 'a red cube', '--particles', '1', '--steps', '6', '--grid-res', '8', '--samples', '8', '--checkpoint-every', '1']
    assert run(*args, '--out', str(a)).returncode == 0
    assert run(*args, '--out', str(b)).returncode == 0
    ck = b / 'checkpoints'
    assert (ck / 'previous.pt').exists()
    data = (ck / 'last.pt').read_bytes(); (ck / 'last.pt').write_bytes(data[: len(data) // 3])
    (b / 'metrics.json').unlink()
    r = run(*args, '--out', str(b), '--resume')
    assert r.returncode == 0, r.stderr
    warn = [l for l in r.stderr.splitlines() if l.startswith('warning:')]
    assert len(warn) == 1 and 'last.pt is corrupt or truncated' in warn[0] and 'resuming from previous.pt (step 5)' in warn[0], r.stderr
    assert 'Traceback' not in r.stderr
    assert (ck / 'last.pt.corrupt').exists()
    assert _final_grid(a).equal(_final_grid(b))
    json.loads((b / 'metrics.json').read_text())                    # valid JSON
    # both broken: one line, exit 2
    (ck / 'last.pt').write_bytes(b'garbage'); (ck / 'previous.pt').write_bytes(b'')
    r = run(*args, '--out', str(b), '--resume')
    assert r.returncode == 2 and r.stderr.startswith('error: cannot resume from') and r.stderr.count('\n') == 1, r.stderr


def test_generate_mesh_stages(tmp_path):
    "nerf,geometry,texture from the shell: textured meshes that load back, pictures, mesh metrics; a killed mesh stage resumes."
    import time, trimesh
    out = tmp_path / 'm'
    args = ['generate', 'a red cube', '--particles', '2', '--steps', '6', '--grid-res', '12', '--samples', '16', '--tet-res', '12',
            '--geometry-steps', '40', '--texture-steps', '4', '--checkpoint-every', '1', '--out', str(out)]
    p = subprocess.Popen([EXE, *args, '--stages', 'nerf,geometry,texture'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ck = out / 'checkpoints' / 'geometry' / 'last.pt'
    t0 = time.time()
    while not ck.exists() and time.time() - t0 < 300: time.sleep(0.05)
    p.kill(); p.wait()
    assert ck.exists() and not (out / 'particle_0' / 'mesh.glb').exists(), 'the run should have been killed in the geometry stage'
    r = run(*args, '--stages', 'nerf,geometry,texture', '--resume')
    assert r.returncode == 0, r.stderr
    assert 'meshes (geometry+texture) done' in r.stdout
    for i in range(2):
        for f in ('mesh.glb', 'mesh.obj', 'mesh.mtl', 'mesh.png', 'mesh_view_0.png'): assert (out / f'particle_{i}' / f).exists(), f
        m = trimesh.load(out / f'particle_{i}' / 'mesh.glb', force='mesh')
        assert len(m.faces) > 0 and m.visual.uv is not None
    for f in ('mesh_grid.png', 'mesh_turntable.gif'): assert (out / f).exists(), f
    metrics = json.loads((out / 'metrics.json').read_text())
    assert 'accuracy' in metrics and 0 <= metrics['mesh']['accuracy'] <= 1 and len(metrics['mesh']['particles']) == 2
    # everything finished: --resume has nothing left to do but the export
    r = run(*args, '--stages', 'nerf,geometry,texture', '--resume')
    assert r.returncode == 0 and 'VSD x2 done' not in r.stdout, r.stdout
