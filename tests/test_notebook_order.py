"The lesson's order: a notebook uses only vsd_tutorial modules (and the `vsd-tutorial` command) taught in notebooks before it."
import json, re
from pathlib import Path

NBS = Path(__file__).parent.parent / 'nbs'
# known look-aheads, each to be removed when its notebook is fixed (notebook, module)
KNOWN = set()                                       # notebooks allowed to look ahead (none)

def notebooks(): return sorted(p for p in NBS.glob('*.ipynb') if p.name != 'index.ipynb')

def code_cells(p): return [''.join(c['source']) for c in json.loads(p.read_text())['cells'] if c['cell_type'] == 'code']

def owners(nbs) -> dict:
    "module -> (position, notebook) from each notebook's `#| default_exp`."
    out = {}
    for i, p in enumerate(nbs):
        for src in code_cells(p):
            m = re.search(r'#\|\s*default_exp\s+(\S+)', src)
            if m: out['vsd_tutorial.' + m.group(1)] = (i, p.name)
    return out

def used_modules(src:str) -> set:
    "vsd_tutorial modules a cell imports, plus vsd_tutorial.cli when it runs the command."
    mods = set(re.findall(r'(?:from|import)\s+(vsd_tutorial(?:\.\w+)*)', src))
    mods |= {f'vsd_tutorial.{m}' for m in re.findall(r'from\s+vsd_tutorial\s+import\s+(\w+)', src)}
    if re.search(r'vsd-tutorial\s+(generate|dataset|sample-prior)|vsd_tutorial\.cli', src): mods.add('vsd_tutorial.cli')
    return mods

def look_aheads(nbs) -> set:
    "(notebook, module) pairs where a notebook uses a module taught later."
    own, bad = owners(nbs), set()
    for i, p in enumerate(nbs):
        for src in code_cells(p):
            for m in used_modules(src):
                while m not in own and '.' in m: m = m.rsplit('.', 1)[0]       # vsd_tutorial.toy.world.X -> toy.world
                if m in own and own[m][0] > i: bad.add((p.name, m))
    return bad

def test_order():
    bad = look_aheads(notebooks())
    assert bad <= KNOWN, f'notebooks using a module taught later: {sorted(bad - KNOWN)}'

def test_order_check_can_fail(tmp_path):
    cell = lambda s: dict(cell_type='code', source=[s], metadata={}, outputs=[], execution_count=None)
    for name, src in (('01_a.ipynb', 'from vsd_tutorial.b import f'), ('02_b.ipynb', '#| default_exp b')):
        (tmp_path / name).write_text(json.dumps(dict(cells=[cell(src)])))
    assert look_aheads(sorted(tmp_path.glob('*.ipynb'))) == {('01_a.ipynb', 'vsd_tutorial.b')}
