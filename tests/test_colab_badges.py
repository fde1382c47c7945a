"tools/colab_badges.py: one Colab link after the title, idempotent, --check fails before and passes after."
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / 'tools' / 'colab_badges.py'


def run(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_colab_badges_idempotent(tmp_path):
    nb = tmp_path / '10_sds_2d.ipynb'
    shutil.copyfile(ROOT / 'nbs' / 'index.ipynb', nb)
    original = json.loads(nb.read_text())
    original['cells'] = [c for c in original['cells'] if c.get('id') != 'colab-badge']   # index carries its own link: start without one
    nb.write_text(json.dumps(original))
    assert run('--check', nb).returncode == 1
    assert run(nb).returncode == 0
    first = nb.read_text()
    assert run('--check', nb).returncode == 0
    assert run(nb).returncode == 0 and nb.read_text() == first          # a second run changes nothing
    cells = json.loads(first)['cells']
    assert cells[0] == original['cells'][0]                              # the title cell stays first (nbdev's title)
    assert cells[1]['id'] == 'colab-badge'
    src = ''.join(cells[1]['source'])
    assert '](https://colab.research.google.com/github/vsd-tutorial/vsd-tutorial/blob/main/nbs/10_sds_2d.ipynb)' in src
    assert cells[2:] == original['cells'][1:]                            # nothing else moved or changed
    # an outdated link (another branch) is refreshed in place, not duplicated
    stale = json.loads(first)
    stale['cells'][1]['source'] = [src.replace('/blob/main/', '/blob/old/')]
    nb.write_text(json.dumps(stale))
    assert run('--check', nb).returncode == 1
    run(nb)
    assert nb.read_text() == first
