"""Stage 1's hidden-mode coverage: the share of VSD particles judged tall, per setting, against the prior's own share.

    python benchmarks/diversity.py [--parts main,knobs,"n = 32"] [--cache benchmarks/results/stage1_modes.jsonl] [--fresh]

Runs the sweeps of `vsd_tutorial.diversity.SWEEPS` (the ones notebook 25_diversity shows). Each run is cached as one
JSON line keyed by its whole config, so an interrupted sweep continues where it stopped and the notebook reads the
same rows; --fresh ignores (and replaces) the cache. About 40 s per 4-particle run on a 2-core CPU."""
import argparse, statistics
from pathlib import Path
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.diversity import SWEEPS, run_sweeps, summarise_modes, print_modes, prior_mode_split

ap = argparse.ArgumentParser()
ap.add_argument('--parts', default=','.join(SWEEPS), help=f"comma-separated parts of SWEEPS: {', '.join(SWEEPS)}")
ap.add_argument('--cache', default=str(Path(__file__).parent / 'results' / 'stage1_modes.jsonl'))
ap.add_argument('--fresh', action='store_true')
a = ap.parse_args()
parts = [p.strip() for p in a.parts.split(',')]
unknown = [p for p in parts if p not in SWEEPS]
if unknown: ap.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(SWEEPS)}")
if a.fresh and Path(a.cache).exists(): Path(a.cache).unlink()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
split = prior_mode_split(prior, judge)
print("the prior's samples judged tall:", {p: f'{v:.0%}' for p, v in split.items()}, f'mean {statistics.mean(split.values()):.0%}', flush=True)
rows = run_sweeps(prior, judge, {p: SWEEPS[p] for p in parts}, cache=a.cache)
print_modes(summarise_modes(rows))
