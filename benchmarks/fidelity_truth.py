"""Is the true object a fixed point of VSD with the toy prior? (34b_fidelity, "What limits the shape")

For each prompt, the 4 particles start AS the true object (tall, squat, tall, squat; `primitive_particles`: sharp,
no blob) instead of the blob, then run stage 1 with the defaults (300 steps, seed 0). Measured at the start and at
the end: everything `stage1_fidelity` measures, each particle's mode and silhouette size included.
If the optimisation keeps the truth, the prior and VSD do not pull away from it, and what stage 1 misses from the
blob start is the path, not the goal.

    python benchmarks/fidelity_truth.py [--prompts "a red cube" ...] [--steps 300] [--scale 1] [--json PATH] [--prior NAME] [key=value ...]
(~3 min per prompt, 2-core CPU.) Writes benchmarks/results/fidelity_truth.json (or --json) and, per prompt, a picture
of the start (top 4 rows) and the end (bottom 4 rows) from 6 turntable views:
benchmarks/results/fidelity_pictures/truth_PROMPT.png (truth_PROMPT_xSCALE.png).

--scale S starts from the truth scaled by S about the centre: does VSD bring the size back to the truth's (34b, "Is
the size pinned?")? Its rows also carry `iou_up_to_scale`. 34b reads
`python benchmarks/fidelity_truth.py --prompts "a red cube" "a yellow sphere" --scale S --json benchmarks/results/fidelity_truth_xS.json`
for S = 0.85 and 1.15. --prior toy-fixed-camera (with guidance=3, a ParticleConfig key=value) asks the same of the prior
that sees size (34b, "A prior that sees size"); its pictures are truth_PROMPT_xSCALE_PRIOR.png."""
import argparse, json, time
from pathlib import Path
import torch
from vsd_tutorial.sd import load_prior
from _settings import settings as key_values, reference_cache, prior_suffix
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
from vsd_tutorial.fidelity import prior_reference, stage1_fidelity, primitive_particles, iou_up_to_scale
from vsd_tutorial.renderer import render_views
from vsd_tutorial.views import turntable_cameras
from vsd_tutorial.core import image_grid, save_image

RESULTS = Path(__file__).parent / 'results'
ap = argparse.ArgumentParser()
ap.add_argument('--prompts', nargs='+', default=['a red cube', 'a blue cylinder', 'a yellow sphere', 'a green cone', 'a purple torus'])
ap.add_argument('--steps', type=int, default=300)
ap.add_argument('--json', default=str(RESULTS / 'fidelity_truth.json'))
ap.add_argument('--scale', type=float, default=1.0, help='start from the truth scaled by this about the centre')
ap.add_argument('--prior', default='toy', help='the toy prior: toy, toy-fixed-camera or a folder')
ap.add_argument('settings', nargs='*', help='ParticleConfig key=value')
a = ap.parse_args()
settings = {**key_values(a.settings), **({} if a.prior == 'toy' else dict(prior=a.prior))}
prior, judge = load_prior(a.prior), ToyJudge.load()
refs = reference_cache(RESULTS, a.prior)   # the prior's own samples
MODES = ['tall', 'squat', 'tall', 'squat']

def views(field):
    with torch.no_grad(): return render_views(field, turntable_cameras(6), res=64)['rgb'].clamp(0, 1).flatten(0, 1)   # (n*6,3,64,64)

def measure(field, prompt, ref):
    m = stage1_fidelity(field, prompt, ref, judge)                   # its `sizes`: each particle's mode and silhouette area
    m.pop('iou_modes')
    if a.scale != 1: m['iou_up_to_scale'] = [f['iou'] for f in iou_up_to_scale(field, prompt)]    # the shape, its size factored out
    return m

rows = []
for prompt in a.prompts:
    ref = prior_reference(prior, judge, prompt, cache=refs)
    cfg = ParticleConfig(prompt, particles=len(MODES), steps=a.steps, seed=0, blob_strength=0., **settings)    # no blob: the truth is the start
    po = ParticleOptimizer(prior, cfg)
    with torch.no_grad(): po.field.grid.copy_(primitive_particles(prompt, MODES, scale=a.scale).grid)
    start, first = measure(po.field, prompt, ref), views(po.field)
    t0 = time.time()
    for _ in range(cfg.steps): po.step()
    seconds = time.time() - t0
    end = measure(po.field, prompt, ref)
    save_image(image_grid(torch.cat([first, views(po.field)]), nrow=6), RESULTS / 'fidelity_pictures' / f"truth_{prompt.split()[-1]}{'' if a.scale == 1 else f'_x{a.scale:g}'}{prior_suffix(a.prior)}.png")
    po.close()
    rows.append(dict(prompt=prompt, steps=cfg.steps, scale=a.scale, prior=a.prior, settings=settings, start=start, end=end, seconds=seconds))
    for k, m in (('start', start), ('end', end)):
        print(f"{prompt:>16} {k:>5}: IoU {m['iou']:.3f} bg {m['background']:.1%} FD x{m['fd_ratio']:.2f} speckle x{m['speckle_ratio']:.2f} "
              f"acc {m['accuracy']:.0%} modes {m['modes']} sizes {[round(s['area_ratio'], 2) for s in m['sizes']]}", flush=True)
    Path(a.json).write_text(json.dumps(dict(rows=rows, modes=MODES), indent=1))
print(f'wrote {a.json}')
