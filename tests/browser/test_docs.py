"""The docs site (`make docs`, tools/build_docs.py) in a real browser.

Builds the site when it is older than its sources (incremental), serves _docs/ on localhost and opens every page:
no broken internal link (the page and its #anchor exist), every image loads, no console error, nothing asked of a
host outside localhost, maths typeset by the bundled MathJax, plotly figures drawn by the bundled plotly.js, and every
notebook page carries its Open-in-Colab link. Screenshots: outputs/browser/docs_*.png."""
import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from browser_util import ROOT, SCREENS

sys.path.insert(0, str(ROOT / 'tools'))
import build_docs  # noqa: E402
import colab_badges  # noqa: E402

CFG = colab_badges.settings(ROOT)
SITE = ROOT / CFG.get('doc_path', '_docs')
NBS = ROOT / CFG.get('nbs_path', 'nbs')
SHOTS = {'index', '10_sds_2d', '34_mesh_pipeline'}    # screenshots of these pages
_re_id = re.compile(r'\bid="([^"]+)"')


def newest_source():
    "mtime of the newest file the site is built from"
    files = [*NBS.glob('*.ipynb'), *(ROOT / 'docs').rglob('*'), *(ROOT / 'tools').glob('*.py'),
             *(ROOT / CFG['lib_path']).rglob('*.py'), ROOT / 'settings.ini']
    return max(f.stat().st_mtime for f in files if f.is_file())


@pytest.fixture(scope='module')
def site():
    "The built site (built now when missing or older than its sources)"
    index = SITE / 'index.html'
    if not index.exists() or index.stat().st_mtime < newest_source():
        t0 = time.time()
        build_docs.main([])
        print(f'docs build: {time.time() - t0:.0f} s')
    return SITE


def test_site_has_a_page_per_notebook(site):
    names = [p.stem for p in build_docs.notebooks(CFG)]
    missing = [n for n in names if not (site / f'{n}.html').exists()]
    assert not missing, f'notebooks without a page: {missing}'
    home = (site / 'index.html').read_text(encoding='utf-8')
    # the sidebar lists the notebooks in file-name order after the home page
    hrefs = [h for h in re.findall(r'class="reference internal" href="([^"#]+)\.html"', home) if h in names]
    order = list(dict.fromkeys(hrefs))
    assert order == names[1:], f'sidebar order {order}'


def test_processing_of_a_notebook(tmp_path):
    "The docs copy: Colab link after the title, widget note, plotly as HTML, nbdev directives, API section, toctree"
    plotly_fig = {'data': [{'type': 'scatter', 'x': [0, 1], 'y': [1, 0]}], 'layout': {}}
    nb = {'cells': [
        {'cell_type': 'markdown', 'id': 'a', 'metadata': {}, 'source': ['# Title\n', '\n', '> summary']},
        {'cell_type': 'code', 'id': 'b', 'metadata': {}, 'outputs': [], 'execution_count': None,
         'source': ['#| default_exp toy.world']},
        {'cell_type': 'code', 'id': 'c', 'metadata': {}, 'execution_count': None, 'source': ['#| export\n', 'x = 1'],
         'outputs': [{'output_type': 'display_data', 'metadata': {},
                      'data': {'application/vnd.jupyter.widget-view+json': {'model_id': 'm'}, 'text/plain': ['VBox()']}},
                     {'output_type': 'display_data', 'metadata': {},
                      'data': {'application/vnd.plotly.v1+json': plotly_fig, 'text/plain': ['Figure']}}]},
        {'cell_type': 'code', 'id': 'd', 'metadata': {}, 'outputs': [], 'execution_count': None,
         'source': ['#| hide\n', 'secret = 1']}],
        'metadata': {'widgets': {'state': {}}}, 'nbformat': 4, 'nbformat_minor': 5}
    path = tmp_path / '99_demo.ipynb'
    path.write_text(json.dumps(nb))
    out = build_docs.process(path, CFG, ['01_a', '02_b'], set())
    cells = out['cells']
    assert cells[0]['id'] == 'a' and cells[1]['id'] == colab_badges.CELL_ID
    assert colab_badges.colab_url('99_demo.ipynb', CFG) in ''.join(cells[1]['source'])
    assert colab_badges.colab_url('99_demo.ipynb', CFG).startswith('https://colab.research.google.com/github/')
    code = [c for c in cells if c['cell_type'] == 'code']
    assert [c['id'] for c in code] == ['c']                      # default_exp and hide cells dropped
    assert code[0]['source'] == 'x = 1'
    widget, fig = code[0]['outputs']
    assert 'text/markdown' in widget['data'] and 'application/vnd.jupyter.widget-view+json' not in widget['data']
    html = fig['data']['text/html']
    assert html.startswith('<script src="_static/plotly.min.js">') and 'id="plotly-99_demo-1"' in html
    assert 'cdn' not in html.lower()
    assert 'automodule:: vsd_tutorial.toy.world' in cells[-2]['source'] and '01_a\n02_b' in cells[-1]['source']
    assert 'widgets' not in out['metadata']


def ids_of(path, cache={}):
    "The element ids of a built page"
    if path not in cache:
        cache[path] = set(_re_id.findall(path.read_text(encoding='utf-8', errors='replace')))
    return cache[path]


LINKS_JS = '() => [...document.querySelectorAll("a[href]")].map(a => a.href)'
IMAGES_JS = '''async () => {
  const imgs = [...document.images];
  for (const img of imgs) img.loading = "eager";
  await Promise.all(imgs.map(img => img.complete ? null :
    new Promise(r => { img.addEventListener("load", r); img.addEventListener("error", r); setTimeout(r, 10000); })));
  return imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.currentSrc || img.src);
}'''
MATH_JS = '''async () => {
  const n = document.querySelectorAll(".math").length;
  if (!n) return {math: 0};
  const ready = () => window.MathJax && MathJax.startup && MathJax.startup.promise;
  for (let t = 0; t < 200 && !ready(); t++) await new Promise(r => setTimeout(r, 50));
  if (!ready()) return {math: -1};
  await MathJax.startup.promise;
  return {math: n, typeset: document.querySelectorAll("mjx-container").length,
          errors: document.querySelectorAll("mjx-merror").length};
}'''


def check_page(page, base, site, path):
    "Problems found on one page (a list of strings)"
    problems = []
    for href in page.evaluate(LINKS_JS):
        url, frag = urldefrag(href)
        u = urlparse(url)
        if not url.startswith(base):
            continue
        target = site / unquote(u.path[len(urlparse(base).path):])
        if target.is_dir():
            target = target / 'index.html'
        if not target.exists():
            problems.append(f'{path}: broken link {href}')
        elif frag and target.suffix == '.html' and unquote(frag) not in ids_of(target):
            problems.append(f'{path}: link to a missing anchor {href}')
    for src in page.evaluate(IMAGES_JS):
        problems.append(f'{path}: image did not load: {src[:120]}')
    math = page.evaluate(MATH_JS)
    if math['math'] == -1:
        problems.append(f'{path}: MathJax never loaded')
    elif math['math'] and (math['typeset'] < math['math'] or math['errors']):
        problems.append(f'{path}: maths not typeset: {json.dumps(math)}')
    figures = len(re.findall(r'<div id="plotly-', (site / path).read_text(encoding='utf-8', errors='replace')))
    drawn = page.locator('.js-plotly-plot .main-svg').count()
    if drawn < figures:
        problems.append(f'{path}: {drawn} of {figures} plotly figures drawn')
    return problems


def test_every_page_in_a_browser(site, page_watch, static_site):
    base = static_site(site)
    page = page_watch.page
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob('*.html'))
    notebooks = [p.stem for p in build_docs.notebooks(CFG)]
    problems = []
    times = {}
    for path in pages:
        t0 = time.time()
        page_watch.reset()
        page.goto(base + path, wait_until='load', timeout=60_000)
        problems += check_page(page, base, site, path)
        stem = path[:-len('.html')]
        if stem in notebooks:
            colab = page.locator('a.colab-link')
            want = colab_badges.colab_url(f'{stem}.ipynb', CFG)
            if colab.count() != 1 or colab.first.get_attribute('href') != want:
                problems.append(f'{path}: no Open-in-Colab link to {want}')
        if stem in SHOTS:
            page.screenshot(path=str(SCREENS / f'docs_{stem}.png'))
        problems += page_watch.problems(f'{path}: ')
        times[path] = time.time() - t0
    slowest = sorted(times.items(), key=lambda kv: -kv[1])[:3]
    print(f'docs: {len(pages)} pages checked in {sum(times.values()):.0f} s; slowest ' +
          ', '.join(f'{p} {t:.1f} s' for p, t in slowest))
    assert not problems, '\n'.join(problems[:50])
    assert len(pages) >= len(notebooks)
