"""Diversity without knowing the answer (issue 17): stage 1 with the default blobs of spread proportions (init_aspect=3,
which is the toy world's hidden tall/squat axis), with round blobs (init_aspect=1), and with round blobs plus a smooth
random perturbation per particle (init_noise, as a hash grid's random start gives), each with the FIDELITY preset.
Judge's mode split and diversity.

    python benchmarks/init_diversity.py [--prompts "a red cube" "a blue cylinder"] [--seed 0]
Writes benchmarks/results/init_diversity.json (34b_fidelity reads it)."""
import argparse, json, time
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer, FIDELITY
from vsd_tutorial.pipeline import evaluate_field

SETTINGS = {'spread blobs (init_aspect 3, default)': {}, 'round blobs': dict(init_aspect=1.), 'round blobs + noise 2': dict(init_aspect=1., init_noise=2.)}   # each with FIDELITY
ap = argparse.ArgumentParser()
ap.add_argument('--prompts', nargs='+', default=['a red cube', 'a blue cylinder']); ap.add_argument('--seed', type=int, default=0)
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
rows = []
for name, kw in SETTINGS.items():
    for prompt in a.prompts:
        cfg = ParticleConfig(prompt, seed=a.seed, **{**FIDELITY, **kw})
        po = ParticleOptimizer(prior, cfg)
        t0 = time.time()
        for _ in range(cfg.steps): po.step()
        m = evaluate_field(po.field, prompt, judge)
        po.close()
        rows.append(dict(setting=name, config=kw, prompt=prompt, seed=a.seed, modes=m['modes'], diversity=m['diversity'], accuracy=m['accuracy'],
                         iou=m['silhouette_iou'], tall_views=[p['tall_views'] for p in m['particles']], seconds=time.time() - t0))
        print(f"{name:>40} {prompt:>16}: modes {m['modes']}, diversity {m['diversity']:.2f}, accuracy {m['accuracy']:.0%}, IoU {m['silhouette_iou']:.2f}", flush=True)
        (Path(__file__).parent / 'results' / 'init_diversity.json').write_text(json.dumps(rows, indent=1))
