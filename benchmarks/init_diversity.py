"""Diversity without knowing the answer (issue 17): stage 1 with the default blobs of spread proportions (init_aspect=3,
which is the toy world's hidden tall/squat axis), with round blobs (init_aspect=1), and with round blobs plus a smooth
random perturbation per particle (init_noise, as a hash grid's random start gives), and with round blobs each stretched
along x, y and z by its own random amounts (init_stretch: no axis is special), each with the FIDELITY preset.
Judge's mode split and diversity.

    python benchmarks/init_diversity.py [--prompts "a red cube" "a blue cylinder"] [--seed 0] [--settings NAME ...]
--settings: only those settings; their rows replace the same setting's and prompt's rows in the results.
Writes benchmarks/results/init_diversity.json (34b_fidelity reads it)."""
import argparse, json, time
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer, FIDELITY
from vsd_tutorial.pipeline import evaluate_field

SETTINGS = {'spread blobs (init_aspect 3, default)': {}, 'round blobs': dict(init_aspect=1.), 'round blobs + noise 2': dict(init_aspect=1., init_noise=2.),
            'round blobs, random stretch 0.5': dict(init_aspect=1., init_stretch=0.5)}   # each with FIDELITY
PATH = Path(__file__).parent / 'results' / 'init_diversity.json'
ap = argparse.ArgumentParser()
ap.add_argument('--prompts', nargs='+', default=['a red cube', 'a blue cylinder']); ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--settings', nargs='+', default=list(SETTINGS), choices=list(SETTINGS))
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
rows = json.loads(PATH.read_text()) if PATH.exists() and set(a.settings) != set(SETTINGS) else []
for name, kw in SETTINGS.items():
    if name not in a.settings: continue
    for prompt in a.prompts:
        cfg = ParticleConfig(prompt, seed=a.seed, **{**FIDELITY, **kw})
        po = ParticleOptimizer(prior, cfg)
        t0 = time.time()
        for _ in range(cfg.steps): po.step()
        m = evaluate_field(po.field, prompt, judge)
        po.close()
        rows = [r for r in rows if (r['setting'], r['prompt']) != (name, prompt)]
        rows.append(dict(setting=name, config=kw, prompt=prompt, seed=a.seed, modes=m['modes'], diversity=m['diversity'], accuracy=m['accuracy'],
                         iou=m['silhouette_iou'], tall_views=[p['tall_views'] for p in m['particles']], seconds=time.time() - t0))
        print(f"{name:>40} {prompt:>16}: modes {m['modes']}, diversity {m['diversity']:.2f}, accuracy {m['accuracy']:.0%}, IoU {m['silhouette_iou']:.2f}", flush=True)
        order = list(SETTINGS)
        PATH.write_text(json.dumps(sorted(rows, key=lambda r: order.index(r['setting'])), indent=1))
