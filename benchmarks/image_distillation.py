"""The image-distillation runs of notebooks 12_image_distillation and 12a_toward_ancestral, cached for them.

    python benchmarks/image_distillation.py [12] [12a] [12-eps-phi]

Runs `vsd_tutorial.image_distillation.EXPERIMENTS[name]` (ancestral samples, a reference set of them, SDS and VSD
runs) and writes benchmarks/results/image_distillation_{name}.npz, which the notebooks read. Each takes several
minutes on an idle 2-core CPU (the runs' own seconds are stored with them), far longer on a busy one."""
import argparse, time
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.image_distillation import EXPERIMENTS, run_experiment, save_runs

ap = argparse.ArgumentParser()
ap.add_argument('names', nargs='*', default=['12', '12a', '12-eps-phi'], help=f"experiments: {', '.join(EXPERIMENTS)}")
ap.add_argument('--threads', type=int, default=None)
a = ap.parse_args()
unknown = [n for n in a.names if n not in EXPERIMENTS]
if unknown: ap.error(f"unknown experiment(s) {', '.join(unknown)}; choose from {', '.join(EXPERIMENTS)}")
if a.threads: torch.set_num_threads(a.threads)
prior = ToyPrior.from_pretrained()
for name in a.names:
    t0 = time.time()
    runs = run_experiment(prior, EXPERIMENTS[name], progress=False)
    path = save_runs(runs, Path(__file__).parent / 'results' / f'image_distillation_{name}.npz', EXPERIMENTS[name])
    print(name + ': ' + ', '.join(f"{k} {r['seconds']:.0f} s" for k, r in runs.items()) + f'; {time.time() - t0:.0f} s in all -> {path}', flush=True)
