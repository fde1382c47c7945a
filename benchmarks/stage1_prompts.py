"""Stage 1 with one setting on the benchmark's prompts (issue 17): every stage-1 number of 34b_fidelity per prompt, so a
lever first measured on one prompt (the lever table's red cube) is seen on all five.

    python benchmarks/stage1_prompts.py --name NAME [--prior toy|toy-fixed-camera|DIR] [--prompts "a red cube" ...] [--out DIR] [key=value ...]

key=value: `ParticleConfig` settings over the defaults (e.g. guidance=3). 4 particles, seed 0, 300 steps unless set.
Each prompt appends one row to benchmarks/results/fidelity_stage1_prompts.jsonl (or --jsonl); the defaults' rows are
the stage-1 rows of benchmarks/results/fidelity_default.json. --out keeps the runs (for the mesh stages). --prior: the
prior distilled (its camera ranges and its own samples, the Fréchet yardstick, come with it).
Each row also carries the IoU with each particle's size factored out (`iou_up_to_scale`) and the haze (`haze`)."""
import argparse, json, tempfile, time
from pathlib import Path
import torch
from vsd_tutorial.sd import load_prior
from _settings import settings as key_values, reference_cache
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig
from vsd_tutorial.pipeline import generate, load_run
from vsd_tutorial.fidelity import prior_reference, stage1_fidelity, iou_up_to_scale, haze

RESULTS = Path(__file__).parent / 'results'
ap = argparse.ArgumentParser()
ap.add_argument('--name', required=True)
ap.add_argument('--prompts', nargs='+', default=['a red cube', 'a blue cylinder', 'a yellow sphere', 'a green cone', 'a purple torus'])
ap.add_argument('--seed', type=int, default=0); ap.add_argument('--particles', type=int, default=4)
ap.add_argument('--out', default=None, help='keep the runs here (default: a temporary folder)')
ap.add_argument('--jsonl', default=str(RESULTS / 'fidelity_stage1_prompts.jsonl'))
ap.add_argument('--prior', default='toy', help='the toy prior: toy, toy-fixed-camera or a folder')
ap.add_argument('settings', nargs='*', help='ParticleConfig key=value')
a = ap.parse_args()
if any('=' in p for p in a.prompts):   # key=value after --prompts lands in it: a prompt never has '='
    a.settings, a.prompts = a.settings + [p for p in a.prompts if '=' in p], [p for p in a.prompts if '=' not in p]

settings = {**key_values(a.settings), **({} if a.prior == 'toy' else dict(prior=a.prior))}
prior, judge = load_prior(a.prior), ToyJudge.load()
refs = reference_cache(RESULTS, a.prior)   # the prior's own samples
root = Path(a.out) if a.out else Path(tempfile.mkdtemp())
for prompt in a.prompts:
    cfg = ParticleConfig(prompt, particles=a.particles, seed=a.seed, **settings)
    out = root / f"{prompt.replace(' ', '_')}_{a.seed}"
    t0 = time.time()
    generate(prior, cfg, out, judge=judge, progress=False)
    seconds = time.time() - t0
    field = load_run(out)[1]
    m = stage1_fidelity(field, prompt, prior_reference(prior, judge, prompt, cache=refs), judge)
    row = dict(name=a.name, prompt=prompt, seed=a.seed, settings=settings, seconds=seconds,
               **{k: m[k] for k in ('accuracy', 'iou', 'background', 'speckle_ratio', 'fd_ratio', 'surface_error', 'normal_error', 'modes', 'sizes')},
               iou_up_to_scale=float(sum(f['iou'] for f in iou_up_to_scale(field, prompt)) / field.n), haze=float(sum(haze(field)) / field.n))
    with open(a.jsonl, 'a') as f: f.write(json.dumps(row) + '\n')
    print(f"{a.name} | {prompt}: IoU {m['iou']:.3f} ({row['iou_up_to_scale']:.3f} up to scale), haze {row['haze']:.1%}, background {m['background']:.1%}, speckle x{m['speckle_ratio']:.2f}, "
          f"FD x{m['fd_ratio']:.2f}, accuracy {m['accuracy']:.0%}, areas {' '.join(f'{s:.2f}' for s in [q['area_ratio'] for q in m['sizes']])} ({seconds:.0f} s)", flush=True)
