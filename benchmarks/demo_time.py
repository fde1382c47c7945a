"""How long `make demo` spends optimising (issue 17's target: 120 s on a quiet 2-core CPU), per stage, from the
metrics.json it writes; one row appended to benchmarks/results/demo_time.jsonl.

    python benchmarks/demo_time.py [--run] [--out outputs/demo] [--note TEXT]

--run: run `make demo` first (about 4 minutes on a 2-core CPU; run nothing else meanwhile). Without it, the last
demo's folder is read. The row records the demo's settings, so a row made with other settings says so."""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ap = argparse.ArgumentParser()
ap.add_argument('--run', action='store_true', help='run make demo first')
ap.add_argument('--out', default=str(ROOT / 'outputs' / 'demo'))
ap.add_argument('--jsonl', default=str(ROOT / 'benchmarks' / 'results' / 'demo_time.jsonl'))
ap.add_argument('--note', default='', help='how the machine was (e.g. "quiet")')
a = ap.parse_args()
if a.run:
    t0 = time.time()
    subprocess.run(['make', '-C', str(ROOT), 'demo'], check=True)
    wall = time.time() - t0
else: wall = None
path = Path(a.out) / 'metrics.json'
if not path.exists(): sys.exit(f'error: no {path}: run make demo first, or pass --run')
m = json.loads(path.read_text())
if 'mesh' not in m: sys.exit(f'error: {path} has no mesh stages; make demo runs nerf,geometry,texture')
seconds = dict(stage1=m['seconds'], **m['mesh']['seconds'])
row = dict(seconds=seconds, optimising=sum(seconds.values()), wall=wall, cores=os.cpu_count(), note=a.note,
           config=m['config'], mesh_config=m['mesh'].get('config'), accuracy=m['accuracy'], mesh_accuracy=m['mesh'].get('accuracy'),
           silhouette_iou=m['silhouette_iou'], background_clean=m['background_clean'])
with open(a.jsonl, 'a') as f: f.write(json.dumps(row) + '\n')
print(f"make demo optimising: {row['optimising']:.0f} s (target 120 s): " + ', '.join(f'{k} {v:.1f} s' for k, v in seconds.items())
      + (f'; {wall:.0f} s wall' if wall else '') + f"; judge accuracy {m['accuracy']:.0%} (meshes {row['mesh_accuracy']:.0%}), IoU {m['silhouette_iou']:.3f}, background {m['background_clean']:.1%}")
