"""Stage 1's hidden-mode coverage: the share of VSD particles judged tall, per setting, against the prior's own share.

    python benchmarks/diversity.py [--parts main,knobs,"n = 32",eps_phi,anneal] [--prior-split] [--pictures]
                                   [--cache benchmarks/results/stage1_modes.jsonl] [--fresh]

Runs the sweeps of `vsd_tutorial.diversity.SWEEPS` (the ones notebook 25_diversity shows; --parts "" runs none).
Each run is cached as one JSON line keyed by its whole config, so an interrupted sweep continues where it stopped and
the notebook reads the same rows; --fresh ignores (and replaces) the cache. 30 s (150 steps) to about a minute
(300 steps) per 4-particle run on an idle 2-core CPU, several times that under load.
--prior-split writes the prior's own tall share (results/prior_modes.json; also written when missing);
--pictures the two example runs of the notebook (results/diversity_pictures/)."""
import argparse, json, statistics
from pathlib import Path
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.diversity import SWEEPS, run_sweeps, summarise_modes, print_modes, prior_mode_split, picture_runs

RESULTS = Path(__file__).parent / 'results'
ap = argparse.ArgumentParser()
ap.add_argument('--parts', default=','.join(SWEEPS), help=f"comma-separated parts of SWEEPS: {', '.join(SWEEPS)} (\"\": none)")
ap.add_argument('--cache', default=str(RESULTS / 'stage1_modes.jsonl'))
ap.add_argument('--fresh', action='store_true')
ap.add_argument('--prior-split', action='store_true', help="recompute the prior's own split (results/prior_modes.json)")
ap.add_argument('--pictures', action='store_true', help="(re)compute the notebook's two example runs where their config changed")
a = ap.parse_args()
parts = [p.strip() for p in a.parts.split(',') if p.strip()]
unknown = [p for p in parts if p not in SWEEPS]
if unknown: ap.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(SWEEPS)}")
if a.fresh and Path(a.cache).exists(): Path(a.cache).unlink()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
split_file = RESULTS / 'prior_modes.json'
if a.prior_split or not split_file.exists():
    split = prior_mode_split(prior, judge)
    split_file.write_text(json.dumps(split, indent=1) + '\n')
split = json.loads(split_file.read_text())
print("the prior's samples judged tall:", {p: f'{v:.0%}' for p, v in split.items()}, f'mean {statistics.mean(split.values()):.0%}', flush=True)
if a.pictures: picture_runs(prior, RESULTS / 'diversity_pictures')
if parts:
    rows = run_sweeps(prior, judge, {p: SWEEPS[p] for p in parts}, cache=a.cache)
    print_modes(summarise_modes(rows))
