"""How far are the toy prior's own samples from the truth at each CFG scale? (34b_fidelity, "What limits the shape")

For each prompt and CFG: 32 samples (50 steps, seed 0); their Fréchet distance to 64 true renders in the toy judge's
features, and their mean object area (pixels off the white background) over the true renders'.

    python benchmarks/prior_cfg.py [--prompts "a red cube" "a green cone"] [--cfg 1 2 3 5 7.5]     (~25 s per row, 2-core CPU)
Writes benchmarks/results/prior_cfg.json."""
import argparse, json
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.fidelity import true_renders, speckle
from vsd_tutorial.image_distillation import object_mask, frechet_distance

RESULTS = Path(__file__).parent / 'results'
ap = argparse.ArgumentParser()
ap.add_argument('--prompts', nargs='+', default=['a red cube', 'a green cone'])
ap.add_argument('--cfg', nargs='+', type=float, default=[1., 2., 3., 5., 7.5])
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
rows = []
for prompt in a.prompts:
    true = true_renders(prompt, n=64)
    with torch.no_grad(): real = judge.features(true)
    true_area = object_mask(true).float().sum((1, 2)).mean().item()
    for g in a.cfg:
        s = prior.sample(prompt, n=32, guidance_scale=g, steps=50, seed=0).clamp(0, 1)
        with torch.no_grad(): fd = frechet_distance(judge.features(s), real)
        rows.append(dict(prompt=prompt, cfg=g, fd=fd, area_ratio=object_mask(s).float().sum((1, 2)).mean().item() / true_area, speckle=speckle(s)))
        print(f"{prompt:>14} CFG {g:>4}: FD {fd:.2f}, area x{rows[-1]['area_ratio']:.2f}", flush=True)
(RESULTS / 'prior_cfg.json').write_text(json.dumps(rows, indent=1))
print(f"wrote {RESULTS / 'prior_cfg.json'}")
