#!/usr/bin/env python
"""Add or refresh an "Open in Colab" link in every notebook, built from settings.ini's git_url and branch.

The link goes in its own markdown cell (id `colab-badge`) right after the notebook's title cell: nbdev reads the
title and summary from the first markdown cell and drops that cell from the docs, so a link inside it would be lost.
Idempotent: a second run changes nothing. `--check` changes nothing and exits 1 when a notebook lacks the current link.

    python tools/colab_badges.py            # every nbs/*.ipynb
    python tools/colab_badges.py --check    # CI-style check
    python tools/colab_badges.py nbs/10_sds_2d.ipynb
Run `nbdev_clean` afterwards if you like; the cell is written the way nbdev writes notebooks.
"""
import argparse
import configparser
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = 'colab-badge'
# any earlier version of the link: a markdown line that links to a Colab notebook
_re_colab_line = re.compile(r'^\s*\[!?\[?Open in Colab.*colab\.research\.google\.com/github/.*$', re.IGNORECASE | re.MULTILINE)


def settings(root=ROOT):
    "settings.ini's DEFAULT section as a dict"
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(Path(root) / 'settings.ini', encoding='utf-8')
    return dict(cfg['DEFAULT'])


def colab_url(nb_name, cfg=None):
    "https://colab.research.google.com/github/<user>/<repo>/blob/<branch>/<nbs_path>/<nb_name>"
    cfg = cfg or settings()
    m = re.match(r'https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$', cfg['git_url'])
    if m is None:
        raise SystemExit(f"error: settings.ini git_url is not a GitHub repository URL: {cfg['git_url']}")
    user = m.group(1)
    repo = m.group(2)
    branch = cfg.get('branch', 'main')
    nbs_path = cfg.get('nbs_path', 'nbs')
    return f'https://colab.research.google.com/github/{user}/{repo}/blob/{branch}/{nbs_path}/{nb_name}'


def badge_markdown(nb_name, cfg=None, img=None):
    "The markdown line of the link: plain text (a notebook opened offline asks no server for a badge image), or the badge image `img`"
    if img is None: return f'[Open in Colab]({colab_url(nb_name, cfg)})'
    return f'[![Open in Colab]({img})]({colab_url(nb_name, cfg)})'


def is_badge_cell(cell):
    "A cell this script wrote (by id) or an older hand-made Colab link cell"
    if cell.get('cell_type') != 'markdown':
        return False
    if cell.get('id') == CELL_ID:
        return True
    src = ''.join(cell.get('source', ''))
    return bool(_re_colab_line.fullmatch(src.strip()))


def title_index(cells):
    "Index of the title cell (the first markdown cell starting with `# `), or -1 when there is none"
    for i, cell in enumerate(cells):
        if cell.get('cell_type') == 'markdown':
            src = ''.join(cell.get('source', '')).lstrip()
            return i if src.startswith('# ') else -1
    return -1


def with_badge(nb, nb_name, cfg=None, img=None):
    "A copy of notebook dict `nb` with exactly one badge cell, right after the title cell"
    cells = [c for c in nb['cells'] if not is_badge_cell(c)]
    cell = {'cell_type': 'markdown', 'id': CELL_ID, 'metadata': {}, 'source': [badge_markdown(nb_name, cfg, img)]}
    at = title_index(cells) + 1
    cells.insert(at, cell)
    return {**nb, 'cells': cells}


def nb_text(nb):
    "Notebook JSON the way nbdev writes it"
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n'


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help='notebooks (default: every notebook in nbs/)')
    p.add_argument('--check', action='store_true', help='change nothing; exit 1 when a notebook lacks the current link')
    a = p.parse_args(argv)
    cfg = settings()
    paths = [Path(n) for n in a.notebooks] or sorted((ROOT / cfg.get('nbs_path', 'nbs')).glob('*.ipynb'))
    stale = []
    for path in paths:
        if not path.exists():
            raise SystemExit(f'error: no notebook {path}')
        old = path.read_text(encoding='utf-8')
        nb = json.loads(old)
        new = with_badge(nb, path.name, cfg)
        if new['cells'] == nb['cells']:
            continue
        stale.append(path)
        if not a.check:
            path.write_text(nb_text(new), encoding='utf-8')
    verb = 'lack the current Colab link' if a.check else 'updated'
    for path in stale:
        print(f'{verb}: {path}')
    if a.check and stale:
        print(f'error: {len(stale)} notebook(s) lack the current Colab link: run python tools/colab_badges.py')
        return 1
    if not stale:
        print(f'all {len(paths)} notebook(s) carry the current Colab link')
    return 0


if __name__ == '__main__':
    sys.exit(main())
