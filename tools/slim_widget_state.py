"""Drop inlined plotly.js (~5 MB per copy) from the widget state a notebook saves, keeping everything else.

    python tools/slim_widget_state.py nbs/*.ipynb        (`make sync-check` runs it: CI fails on a notebook it would change)

`MeshViewer` (34_mesh_pipeline) inlines plotly.js once per page so it draws offline in a live kernel and in Voilà.
Saved into the notebook's widget state, that copy only makes the file 10 MB; a saved page cannot run it anyway."""
import json, sys

def slim(path) -> int:
    "Empty every saved Output widget whose contents define `window.Plotly`; returns how many."
    nb = json.load(open(path))
    state = nb.get('metadata', {}).get('widgets', {}).get('application/vnd.jupyter.widget-state+json', {}).get('state', {})
    n = 0
    for model in state.values():
        outs = model.get('state', {}).get('outputs', [])
        if any('window.Plotly) { var _amd' in json.dumps(o) for o in outs):
            model['state']['outputs'] = []
            n += 1
    if n:
        with open(path, 'w') as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write('\n')
    return n

if __name__ == '__main__':
    for p in sys.argv[1:]:
        n = slim(p)
        if n: print(f'{p}: {n} plotly.js copies dropped')
