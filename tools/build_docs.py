#!/usr/bin/env python
"""Build the static docs site in _docs/ from the notebooks with their saved outputs, offline (Sphinx + myst-nb).

Nothing is executed. The notebooks are not edited: processed copies go to build/docs/src/, where each copy gets
- an "Open in Colab" link right after its title (URL from settings.ini's git_url and branch, badge image bundled),
- its interactive-widget outputs replaced by one line saying how to use them (a static page cannot run Python),
- its plotly figures turned into HTML drawn by a bundled plotly.js (no CDN),
- an API section: autodoc of the module its `#| default_exp` names (entries from the docstrings).
index.ipynb (the README notebook) is the home page and lists every other notebook, in file-name order, in its toctree.
MathJax 3 comes from the django-static-mathjax package (static files only, no Django), plotly.js from the plotly package: the site works offline.

    python tools/build_docs.py            # incremental: only changed notebooks are re-read
    python tools/build_docs.py --clean    # from scratch
Where Quarto is installed, `make docs` runs nbdev's own `nbdev_docs` instead (`make docs-sphinx` forces this one).
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab_badges  # noqa: E402

ROOT = colab_badges.ROOT
BUILD = ROOT / 'build' / 'docs'
SRC = BUILD / 'src'
STATIC = BUILD / 'static'          # generated static files (mathjax, plotly.js); docs/_static holds the committed ones
DOCTREES = BUILD / 'doctrees'
HTML = BUILD / 'html'              # Sphinx writes here (myst-nb puts its jupyter_execute/ beside it), then _docs/ is a copy
BADGE_IMG = '_static/colab-badge.svg'
WIDGET_MIME = 'application/vnd.jupyter.widget-view+json'
PLOTLY_MIME = 'application/vnd.plotly.v1+json'
WIDGET_NOTE = ('*Interactive widget: it needs a running Python kernel. Open this notebook in Colab or Jupyter '
               '(or run `make classroom`) to use it.*')
_re_directive = re.compile(r'^\s*#\|\s*(.*?)\s*$')
_re_default_exp = re.compile(r'^\s*#\|\s*default_exp\s+(\S+)', re.MULTILINE)


def notebooks(cfg):
    "Every notebook in nbs/, index first, then in file-name order (nbdev's sidebar order)"
    nbs = ROOT / cfg.get('nbs_path', 'nbs')
    paths = sorted(p for p in nbs.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    index = [p for p in paths if p.name == cfg.get('readme_nb', 'index.ipynb')]
    if not index:
        raise SystemExit(f"error: no {cfg.get('readme_nb', 'index.ipynb')} in {nbs}: it is the home page")
    return index + [p for p in paths if p not in index]


def module_of(nb, cfg):
    "The module a notebook exports to (`#| default_exp x.y` -> vsd_tutorial.x.y), or None"
    for cell in nb['cells']:
        if cell['cell_type'] != 'code':
            continue
        m = _re_default_exp.search(''.join(cell['source']))
        if m:
            return cfg['lib_path'] + '.' + m.group(1)
    return None


def md_cell(text, cid):
    return {'cell_type': 'markdown', 'id': cid, 'metadata': {}, 'source': text}


def plotly_html(fig, first, div_id):
    "A plotly figure as a div drawn by the bundled plotly.js (loaded once per page, before the first figure)"
    import plotly.io as pio
    html = pio.to_html(fig, include_plotlyjs=False, full_html=False, config={'responsive': True}, div_id=div_id)
    if first:
        html = '<script src="_static/plotly.min.js"></script>\n' + html
    return html


def process_outputs(cell, state):
    "Widget outputs -> one explaining line; plotly outputs -> HTML (bundled plotly.js)"
    outs = []
    for out in cell.get('outputs', []):
        data = out.get('data', {})
        if WIDGET_MIME in data:
            out = {**out, 'data': {'text/markdown': WIDGET_NOTE}, 'metadata': {}}
        elif PLOTLY_MIME in data:
            state['plotly'] += 1
            html = plotly_html(data[PLOTLY_MIME], state['plotly'] == 1, f"plotly-{state['name']}-{state['plotly']}")
            out = {**out, 'data': {'text/html': html}, 'metadata': {}}
        outs.append(out)
    return {**cell, 'outputs': outs}


def directives(cell):
    "nbdev's `#| ...` lines at the top of a code cell, and the source without them"
    lines = ''.join(cell['source']).splitlines(keepends=True)
    found = []
    while lines and _re_directive.match(lines[0]):
        found.append(_re_directive.match(lines[0]).group(1))
        lines.pop(0)
    return found, ''.join(lines)


def as_nbdev_shows(cell):
    "A code cell as nbdev's docs show it: no `#|` lines; `hide` and `default_exp` cells dropped; `echo: false` hides code"
    if cell['cell_type'] != 'code':
        return cell
    found, src = directives(cell)
    words = [d.split()[0].rstrip(':') for d in found if d]
    if 'hide' in words or 'default_exp' in words:
        return None
    tags = list(cell.get('metadata', {}).get('tags', []))
    if any(d.replace(' ', '') in ('echo:false', 'include:false') for d in found) or not src.strip():
        tags.append('remove-input')
    return {**cell, 'source': src, 'metadata': {**cell.get('metadata', {}), 'tags': tags}}


def process(path, cfg, toc, documented):
    "The docs copy of one notebook (a dict)"
    nb = json.loads(path.read_text(encoding='utf-8'))
    nb = colab_badges.with_badge(nb, path.name, cfg)
    for cell in nb['cells']:
        if cell.get('id') == colab_badges.CELL_ID:
            # the badge image is bundled (raw HTML: a markdown image path would be resolved as a source file)
            url = colab_badges.colab_url(path.name, cfg)
            cell['source'] = [f'<a class="colab-link" href="{url}"><img src="{BADGE_IMG}" alt="Open in Colab" '
                              f'width="117" height="20"></a>']
    state = {'plotly': 0, 'name': path.stem}
    cells = [process_outputs(c, state) if c['cell_type'] == 'code' else c for c in nb['cells']]
    cells = [c for c in map(as_nbdev_shows, cells) if c is not None]
    mod = module_of(nb, cfg)
    if mod:
        # a module exported by two notebooks is indexed once (Sphinx warns about duplicate objects otherwise)
        noindex = '   :no-index:\n' if mod in documented else ''
        documented.add(mod)
        api = (f'## API: `{mod}`\n\nEntries from the docstrings of the module this notebook exports.\n\n'
               f'```{{eval-rst}}\n.. automodule:: {mod}\n   :members:\n{noindex}```\n')
        cells.append(md_cell(api, 'docs-api'))
    if toc is not None:
        entries = '\n'.join(toc)
        cells.append(md_cell(f'```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```\n', 'docs-toc'))
    nb['cells'] = cells
    # the notebook-level widget state is of no use without a kernel (and would make myst-nb load JS from a CDN)
    nb['metadata'] = {k: v for k, v in nb.get('metadata', {}).items() if k != 'widgets'}
    # nbdev_clean strips these; myst-nb picks the code highlighting from them
    nb['metadata']['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nb['metadata']['language_info'] = {'name': 'python', 'pygments_lexer': 'ipython3'}
    return nb


def write_if_changed(path, text):
    "Write only when the content changed, so Sphinx re-reads only changed pages"
    if path.exists() and path.read_text(encoding='utf-8') == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')
    return True


def copy_tree_once(src, dst, ignore=None):
    "Copy a package's asset folder into the build folder once (they only change with the package version)"
    stamp = dst / '.source'
    if stamp.exists() and stamp.read_text() == str(src):
        return
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=ignore)
    stamp.write_text(str(src))


def _mathjax_ignore(folder, names):
    "Of MathJax 3's es5/ folder keep the one component the site loads and what it loads lazily (no speech maps)"
    if Path(folder).name == 'es5':
        return [n for n in names if n.endswith('.js') and n != 'tex-mml-chtml.js'] + ['sre', 'node-main.js']
    return []


def bundle_assets():
    "MathJax 3 (the django-static-mathjax package: static files only) and plotly.js into build/docs/static/"
    import importlib.util
    import plotly
    spec = importlib.util.find_spec('mathjax')
    es5 = Path(spec.origin).parent / 'static' / 'mathjax' / 'es5' if spec and spec.origin else None
    if es5 is None or not (es5 / 'tex-mml-chtml.js').exists():
        raise SystemExit('error: MathJax 3 not installed: pip install django-static-mathjax (in dev_requirements)')
    copy_tree_once(es5, STATIC / 'mathjax', ignore=_mathjax_ignore)
    js = Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js'
    dst = STATIC / 'plotly.min.js'
    if not dst.exists() or dst.stat().st_size != js.stat().st_size:
        shutil.copyfile(js, dst)


def prepare(cfg):
    "Write the processed notebooks; return their names (the page order)"
    paths = notebooks(cfg)
    names = [p.stem for p in paths]
    documented = set()
    changed = 0
    for i, path in enumerate(paths):
        nb = process(path, cfg, names[1:] if i == 0 else None, documented)
        changed += write_if_changed(SRC / path.name, colab_badges.nb_text(nb))
    for old in SRC.glob('*.ipynb'):
        if old.stem not in names:
            old.unlink()
    bundle_assets()
    print(f'docs: {len(paths)} notebooks, {changed} changed since the last build')
    return names


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--clean', action='store_true', help='rebuild from scratch')
    p.add_argument('--out', default=None, help='output folder (default: settings.ini doc_path, _docs)')
    p.add_argument('-j', default='1', help='Sphinx parallel jobs (default 1)')
    a = p.parse_args(argv)
    cfg = colab_badges.settings()
    out = Path(a.out) if a.out else ROOT / cfg.get('doc_path', '_docs')
    if a.clean:
        shutil.rmtree(BUILD, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    t0 = time.time()
    prepare(cfg)
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-j', str(a.j), '-c', str(ROOT / 'docs'),
           '-d', str(DOCTREES), str(SRC), str(HTML)]
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(f'error: sphinx-build failed (exit {r.returncode}): {" ".join(cmd)}')
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(HTML, out)
    print(f'docs: built {out}/index.html in {time.time() - t0:.0f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
