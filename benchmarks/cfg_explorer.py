"""Recompute the CFG explorer's cache (nbs/40_cfg_explorer.ipynb, the classroom dashboard): prior samples at every scale
of the slider for a few prompts, SDS/VSD image-distillation particles and VSD's ε_φ at a handful of scales.

    OMP_NUM_THREADS=1 python benchmarks/cfg_explorer.py [--out benchmarks/results/cfg_explorer/cache.npz]

The settings are vsd_tutorial.cfg_explorer.CACHE_CONFIG; the time each phase took is written into the cache's meta."""
import argparse, json, time
from pathlib import Path
import numpy as np
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.cfg_explorer import CACHE_CONFIG, compute_cache, save_cache

ROOT = Path(__file__).resolve().parents[1]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default=str(ROOT / 'benchmarks/results/cfg_explorer/cache.npz'))
    args = ap.parse_args()
    torch.set_num_threads(1)
    t0 = time.time()
    arrays = compute_cache(ToyPrior.from_pretrained(), CACHE_CONFIG, progress=True)
    meta = json.loads(str(arrays['meta']))
    meta['seconds']['total'] = time.time() - t0
    arrays['meta'] = np.array(json.dumps(meta))
    path = save_cache(arrays, args.out)
    print(f'wrote {path} ({path.stat().st_size / 1e6:.2f} MB) in {meta["seconds"]["total"] / 60:.1f} min; phases (s): {meta["seconds"]}')
