"""Quality of the shipped toy prior, judged by the shipped toy judge.

    python benchmarks/prior_quality.py [--n 16] [--guidance 7.5] [--steps 50] [--sampler ddpm|ddim] [--json PATH] [--samples PATH]

Prints per-prompt shape/colour accuracy and the hidden-mode split, the means, the prompts below the bar of a good
prior (`PRIOR_BAR`), and the sampling speed. Notebook 04 reads benchmarks/results/prior_quality.json (--json) and
the first two samples of each prompt (--samples, a uint8 .npz)."""
import argparse, json, time
import numpy as np
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge, evaluate_prior, summarise, judge_accuracy, prior_misses

ap = argparse.ArgumentParser()
ap.add_argument('--n', type=int, default=16); ap.add_argument('--guidance', type=float, default=7.5)
ap.add_argument('--steps', type=int, default=50); ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--sampler', choices=('ddpm', 'ddim'), default='ddpm')
ap.add_argument('--json', default=None, help='also write the results here')
ap.add_argument('--samples', default=None, help='also write the first two samples of each prompt here (.npz, uint8)')
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
print('judge held-out accuracy:', {k: f'{v:.1%}' for k, v in judge_accuracy(judge).items()})
t0 = time.time()
rows, images = evaluate_prior(prior, judge, n=a.n, guidance_scale=a.guidance, steps=a.steps, seed=a.seed, sampler=a.sampler,
                              progress=True, return_images=True)
dt = time.time() - t0
print(f"\n{'prompt':20s} {'shape':>6s} {'colour':>6s} {'tall':>6s}")
for r in rows: print(f"{r['prompt']:20s} {r['shape_acc']:6.0%} {r['colour_acc']:6.0%} {r['tall_frac']:6.0%}")
s = summarise(rows)
print(f"\nguidance {a.guidance}, {a.steps} {a.sampler.upper()} steps, {a.n} samples x {len(rows)} prompts on {torch.get_num_threads()} threads")
print(f"shape accuracy {s['shape_acc']:.1%} (worst prompt {s['min_shape_acc']:.0%}), colour accuracy {s['colour_acc']:.1%} "
      f"(worst {s['min_colour_acc']:.0%}), tall fraction {s['tall_frac']:.1%} (per prompt {s['tall_frac_range'][0]:.0%}-{s['tall_frac_range'][1]:.0%})")
print(f"sampling: {dt / (a.n * len(rows)):.3f} s per image ({dt:.0f} s in all)")
for m in prior_misses(rows, a.n):
    print(f"below the bar: {m['prompt']:20s} {m['measure']:12s} {m['value']:5.0%} (95% interval {m['interval'][0]:.0%}-{m['interval'][1]:.0%})"
          f"{' clearly' if m['clear'] else ''}")
if a.samples:
    first = torch.cat([images[i * a.n: i * a.n + 2] for i in range(len(rows))]).clamp(0, 1)
    np.savez_compressed(a.samples, images=first.mul(255).round().to(torch.uint8).numpy())
if a.json: json.dump(dict(rows=rows, summary=s, seconds=dt, args=vars(a)), open(a.json, 'w'), indent=1)
