"""Silhouette IoU against the true object with each particle's size factored out (`iou_up_to_scale`; 34b_fidelity, "Is
the size pinned?"), beside the plain IoU, and the haze beyond each particle's own silhouette (`haze`) beside the clean
background, for a folder of stage-1 runs, one per prompt (`benchmarks/mesh_stages.py --out DIR` or
`benchmarks/stage1_prompts.py --out DIR` leave them).

    python benchmarks/shape_up_to_scale.py --runs DIR --name NAME     (~40 s per run on a 2-core CPU)

Each run appends one row to benchmarks/results/fidelity_up_to_scale.jsonl (or --jsonl)."""
import argparse, json
from pathlib import Path
from vsd_tutorial.pipeline import load_run, evaluate_field
from vsd_tutorial.fidelity import iou_up_to_scale, silhouette_sizes, haze

RESULTS = Path(__file__).parent / 'results'
ap = argparse.ArgumentParser()
ap.add_argument('--runs', required=True); ap.add_argument('--name', required=True)
ap.add_argument('--jsonl', default=str(RESULTS / 'fidelity_up_to_scale.jsonl'))
a = ap.parse_args()
for run in sorted(p for p in Path(a.runs).iterdir() if (p / 'checkpoints').is_dir()):
    cfg, field, _ = load_run(run)
    m = evaluate_field(field, cfg.prompt)
    sizes, fit, hz = silhouette_sizes(field, cfg.prompt, metrics=m), iou_up_to_scale(field, cfg.prompt), haze(field)
    row = dict(name=a.name, prompt=cfg.prompt, seed=cfg.seed, runs=str(a.runs), sizes=sizes, up_to_scale=fit,
               iou=sum(s['iou'] for s in sizes) / len(sizes), iou_up_to_scale=sum(f['iou'] for f in fit) / len(fit),
               background=m['background_clean'], haze=sum(hz) / len(hz))
    with open(a.jsonl, 'a') as f: f.write(json.dumps(row) + '\n')
    scales, areas = (' '.join(f'{v:.2f}' for v in vs) for vs in ([f['scale'] for f in fit], [s['area_ratio'] for s in sizes]))
    print(f"{a.name} | {cfg.prompt}: IoU {row['iou']:.3f}, up to scale {row['iou_up_to_scale']:.3f} at scales {scales} (areas {areas}); "
          f"clean background {row['background']:.1%}, haze {row['haze']:.2%}", flush=True)
