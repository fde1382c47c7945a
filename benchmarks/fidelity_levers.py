"""Re-measure rows of 34b_fidelity's lever table (stage 1 on the toy prior, 4 particles, seed 0, 300 steps unless the row
says otherwise) and update them in benchmarks/results/fidelity_levers.jsonl.

    python benchmarks/fidelity_levers.py                 # every row that is a library setting (minutes each on a 2-core CPU)
    python benchmarks/fidelity_levers.py decay combo     # those rows

Rows whose `config` is null were measured with experimental code that is not a library setting (the lit field without
smoothed normals, threestudio's opacity entropy); they are kept as measured and cannot be re-run here."""
import json, sys, time
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
from vsd_tutorial.fidelity import prior_reference, stage1_fidelity

RESULTS = Path(__file__).parent / 'results'
path = RESULTS / 'fidelity_levers.jsonl'
rows = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
names = sys.argv[1:] or [r['name'] for r in rows if r['config'] is not None]
unknown = [n for n in names if n not in {r['name'] for r in rows}]
if unknown: raise SystemExit(f"error: unknown row {', '.join(unknown)}; rows: {', '.join(r['name'] for r in rows)}")
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
for r in rows:
    if r['name'] not in names: continue
    if r['config'] is None: print(f"{r['name']}: experimental code, kept as measured"); continue
    kw = {'prompt': 'a red cube', 'particles': 4, 'seed': 0, 'steps': 300, **r['config']}
    cfg = ParticleConfig(**kw)
    po = ParticleOptimizer(prior, cfg)
    t0 = time.time()
    for _ in range(cfg.steps): po.step()
    r['seconds'] = time.time() - t0
    m = stage1_fidelity(po.field, cfg.prompt, prior_reference(prior, judge, cfg.prompt, cache=RESULTS / 'fidelity_prior'), judge)
    po.close()
    r.update({k: m[k] for k in ('accuracy', 'iou', 'background', 'speckle_ratio', 'fd_ratio', 'surface_error', 'normal_error', 'modes', 'sizes')})
    print(f"{r['name']:>12}: IoU {r['iou']:.3f}, speckle x{r['speckle_ratio']:.2f}, background {r['background']:.1%}, FD x{r['fd_ratio']:.2f}", flush=True)
    path.write_text(''.join(json.dumps(q) + '\n' for q in rows))
