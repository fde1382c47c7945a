"""Mesh stages on the toy prior: time per stage (geometry, texture, export) for n particles, judge accuracy of the exported
meshes over the turntable views, silhouette IoU against the true object and against the stage-1 NeRF.

    python benchmarks/mesh_stages.py [--prompts "a red cube" "a blue cylinder"] [--seed 0] [--particles 4] [--json FILE]

For each prompt: stage 1 with the defaults (VSD, 400 steps), then geometry + texture with the defaults (MeshConfig), then
the export. The stage-1 numbers are printed beside the mesh numbers so the two can be compared. Goal (issue 9): stages
2+3 <= 3 min for 4 particles at 32² on a 2-core CPU; judge accuracy of the mesh renders >= 90%."""
import argparse, json, tempfile, time
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig
from vsd_tutorial.pipeline import generate, load_run
from vsd_tutorial.mesh.stages import MeshConfig
from vsd_tutorial.mesh.pipeline import mesh_stages

ap = argparse.ArgumentParser()
ap.add_argument('--prompts', nargs='+', default=['a red cube', 'a blue cylinder', 'a yellow sphere', 'a green cone', 'a purple torus'])
ap.add_argument('--seed', type=int, default=0); ap.add_argument('--particles', type=int, default=4)
ap.add_argument('--steps', type=int, default=400, help='stage-1 steps')
ap.add_argument('--geometry-steps', type=int, default=None); ap.add_argument('--texture-steps', type=int, default=None)
ap.add_argument('--out', default=None, help='keep the runs here (default: a temporary folder)')
ap.add_argument('--json', default=None)
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
root = Path(a.out) if a.out else Path(tempfile.mkdtemp())
rows = []
for prompt in a.prompts:
    out = root / prompt.replace(' ', '_')
    s1 = generate(prior, ParticleConfig(prompt, particles=a.particles, steps=a.steps, seed=a.seed), out, judge=judge, progress=False)
    kw = {k: v for k, v in (('geometry_steps', a.geometry_steps), ('texture_steps', a.texture_steps)) if v is not None}
    m = mesh_stages(prior, load_run(out)[1], MeshConfig(prompt, seed=a.seed, **kw), out, judge=judge, progress=False)
    row = dict(prompt=prompt, nerf_seconds=s1['seconds'], nerf_accuracy=s1['accuracy'], nerf_iou=s1['silhouette_iou'],
               **{f'{k}_seconds': v for k, v in m['seconds'].items()}, mesh_accuracy=m['accuracy'], mesh_iou=m['silhouette_iou'],
               iou_vs_nerf=m['iou_vs_nerf'], modes=m['modes'], faces=m['faces'])
    rows.append(row)
    print(f"{prompt:>18}: stage 1 {row['nerf_seconds']:.0f} s (accuracy {row['nerf_accuracy']:.0%}, IoU {row['nerf_iou']:.2f}) | "
          f"geometry {row['geometry_seconds']:.0f} s, texture {row['texture_seconds']:.0f} s, export {row['export_seconds']:.1f} s | "
          f"mesh accuracy {row['mesh_accuracy']:.0%}, IoU {row['mesh_iou']:.2f} (vs NeRF {row['iou_vs_nerf']:.2f}), modes {row['modes']}, "
          f"faces {row['faces']}", flush=True)
n = len(rows)
mean = lambda k: sum(r[k] for r in rows) / n
print(f"mean over {n} prompts: stages 2+3 {mean('geometry_seconds') + mean('texture_seconds'):.0f} s (+ export {mean('export_seconds'):.1f} s) "
      f"for {a.particles} particles; mesh judge accuracy {mean('mesh_accuracy'):.1%} (stage 1 {mean('nerf_accuracy'):.1%}); "
      f"IoU vs true object {mean('mesh_iou'):.2f} (stage 1 {mean('nerf_iou'):.2f}); IoU mesh vs NeRF {mean('iou_vs_nerf'):.2f}")
if a.json: Path(a.json).write_text(json.dumps(dict(rows=rows, runs=str(root)), indent=1))
