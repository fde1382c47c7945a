"""Sphinx configuration of the offline docs site (built by tools/build_docs.py from build/docs/src/ into _docs/)."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import colab_badges  # noqa: E402

cfg = colab_badges.settings(ROOT)
project = cfg['title']
author = cfg['author']
copyright = cfg['copyright']
release = cfg['version']
root_doc = 'index'

extensions = ['myst_nb', 'sphinx.ext.autodoc', 'sphinx.ext.mathjax']
exclude_patterns = ['**.ipynb_checkpoints']

# the notebooks are read with the outputs they were saved with: nothing is executed
nb_execution_mode = 'off'
nb_render_markdown_format = 'myst'        # displayed Markdown(...) outputs may hold $math$
nb_ipywidgets_js = {}                     # no widget manager from a CDN (widget outputs are replaced by a note)
nb_merge_streams = True
myst_enable_extensions = ['dollarmath', 'amsmath', 'colon_fence']
myst_dmath_double_inline = True           # $$...$$ inside a paragraph is display maths, as in Jupyter
myst_heading_anchors = 3
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type', 'misc.highlighting_failure']

# autodoc: import the package as installed, documenting what each module's __all__ exports
autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'
autodoc_default_options = {'exclude-members': '__init__'}
autodoc_inherit_docstrings = False        # torch's own docstrings (e.g. Function.forward) are not ours to render


def _markdown_code(app, what, name, obj, options, lines):
    "nbdev docstrings are Markdown: `x` means code, which reStructuredText writes ``x``"
    for i, line in enumerate(lines):
        # a literal followed by a letter (`Mesh`es, `size`²) needs an escaped space in reStructuredText
        lines[i] = re.sub(r'(?<![`:])`([^`]+)`(?!`)(?=([^\s.,;:!?)\]\'"-])?)',
                          lambda m: '``' + m.group(1) + '``' + ('\\ ' if m.group(2) else ''), line)


def setup(app):
    app.connect('autodoc-process-docstring', _markdown_code)

# MathJax 3 from the django-static-mathjax package (copied to _static/mathjax by tools/build_docs.py): no CDN.
# myst-parser adds its own options (maths only in the .math spans) to mathjax3_config.
mathjax_path = 'mathjax/tex-mml-chtml.js'

html_theme = 'sphinx_book_theme'
html_title = cfg['title']
html_favicon = str(ROOT / 'docs' / '_static' / 'favicon.svg')   # else the browser asks for /favicon.ico (a 404)
html_static_path = [str(ROOT / 'docs' / '_static'), str(ROOT / 'build' / 'docs' / 'static')]
html_theme_options = {
    'repository_url': cfg['git_url'],
    'repository_branch': cfg.get('branch', 'main'),
    'path_to_docs': cfg.get('nbs_path', 'nbs'),
    'use_repository_button': True,
    'use_download_button': False,
    'use_fullscreen_button': False,
    'home_page_in_toc': True,
    'show_toc_level': 2,
}
html_context = {'default_mode': 'light'}  # else the theme logs "Got invalid theme mode" as a console error
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
