"""The geometry stage (stage 2) against the true objects (issue 17): for each stage-1 run, the meshes as first extracted
(stage 1's iso-surface) and after the geometry stage, per setting. Silhouette IoU (8 turntable views at 64²), surface
error (mean |SDF| at face centres) and normal error (mean angle to ∇SDF), each particle against its own mode.

    python benchmarks/geometry_stage.py --runs DIR --name NAME [key=value ...]

--runs: a folder of stage-1 runs, one per prompt (`benchmarks/mesh_stages.py --out DIR` leaves them, e.g. `--preset
default` or `--preset fidelity`); key=value: `MeshConfig` settings (e.g. normal_prior=toy geometry_guidance=20). Each
prompt appends one row to benchmarks/results/fidelity_geometry_stage.jsonl (or --jsonl)."""
import argparse, json, time
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from _settings import settings as key_values
from vsd_tutorial.toy.world import Primitive, render_primitive
from vsd_tutorial.pipeline import load_run, evaluate_field, parse_toy_prompt
from vsd_tutorial.mesh.stages import MeshConfig, GeometryStage
from vsd_tutorial.mesh.raster import render_mesh
from vsd_tutorial.fidelity import shape_errors
from vsd_tutorial.views import turntable_cameras

RESULTS = Path(__file__).parent / 'results'
ap = argparse.ArgumentParser()
ap.add_argument('--runs', required=True); ap.add_argument('--name', required=True)
ap.add_argument('--prompts', nargs='+', default=None, help='only these runs (folder names start with the prompt)')
ap.add_argument('--jsonl', default=str(RESULTS / 'fidelity_geometry_stage.jsonl'))
ap.add_argument('settings', nargs='*', help='MeshConfig key=value')
a = ap.parse_args()

settings = key_values(a.settings)
prior = ToyPrior.from_pretrained()
cams = turntable_cameras(8)

def mesh_iou(meshes, prompt, modes) -> float:
    "Mean silhouette IoU of meshes against the true object in each one's mode."
    shape, colour = parse_toy_prompt(prompt)
    ious = []
    for (v, f), mode in zip(meshes, modes):
        true = render_primitive(Primitive(shape, colour, mode), cams.c2w, cams.fovy, res=64)[1][:, 0] > 0.5
        with torch.no_grad(): seen = render_mesh(v, f, cams, 64)['mask'][:, 0] > 0.5
        ious.append(((seen & true).flatten(1).sum(1) / (seen | true).flatten(1).sum(1)).mean().item())
    return sum(ious) / len(ious)

for run in sorted(p for p in Path(a.runs).iterdir() if (p / 'checkpoints').is_dir()):
    cfg, field, _ = load_run(run)
    if a.prompts and cfg.prompt not in a.prompts: continue
    modes = [p['iou_mode'] for p in evaluate_field(field, cfg.prompt)['particles']]
    mc = MeshConfig(cfg.prompt, seed=cfg.seed, **settings)
    geo = GeometryStage(prior, field, mc)
    first = geo.meshes()
    t0 = time.perf_counter()
    for _ in range(mc.geometry_steps): geo.step()
    seconds = time.perf_counter() - t0
    after = geo.meshes()
    row = dict(name=a.name, prompt=cfg.prompt, seed=cfg.seed, runs=str(a.runs), settings=settings, modes=modes, seconds=seconds,
               before=dict(iou=mesh_iou(first, cfg.prompt, modes), **shape_errors(first, cfg.prompt, modes)),
               after=dict(iou=mesh_iou(after, cfg.prompt, modes), **shape_errors(after, cfg.prompt, modes)))
    with open(a.jsonl, 'a') as f: f.write(json.dumps(row) + '\n')
    b, e = row['before'], row['after']
    print(f"{a.name} | {cfg.prompt}: IoU {b['iou']:.3f} -> {e['iou']:.3f}, surface {b['surface_error']:.4f} -> {e['surface_error']:.4f}, "
          f"normals {b['normal_error']:.1f} -> {e['normal_error']:.1f} deg ({seconds:.0f} s)", flush=True)
