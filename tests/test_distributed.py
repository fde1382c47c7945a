"""Particles across processes (34a_distributed): 2 gloo processes on the CPU against 1.

Each 2-process case is a `torchrun --standalone` launch of this file (the worker at the bottom) or of
`python -m vsd_tutorial`, one thread per process: the CLI with 4 particles (2 per process) through the mesh stages,
and a resume chain with 3 particles (uneven shards: 1 and 2). Tolerance: particles on 2 processes differ from 1
process by float rounding only (a batch of 2 against a batch of 4 in the prior's convolutions, lifted by Adam's
normalisation in voxels with a near-zero gradient): measured 1e-5 in any rendered pixel and 2e-5 relative in the grids
after 23 steps (benchmarks/results/distributed.json); checked with RENDER_TOL and GRID_TOL, 10x and 50x that.
"""
import json, os, subprocess, sys, time
from pathlib import Path
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
TINY = dict(prompt='a red cube', particles=3, steps=3, grid_res=16, samples=16)
RENDER_TOL, GRID_TOL = 1e-4, 1e-3
TIMEOUT = 20                                              # seconds a collective waits (VSD_TIMEOUT)


def torchrun(procs:int, *args, timeout:int=300):
    "`torchrun --standalone --nproc_per_node procs ARGS` (ARGS: a script and its arguments, or -m MODULE ...)."
    env = dict(os.environ, OMP_NUM_THREADS='1', VSD_TIMEOUT=str(TIMEOUT))
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={procs}', *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)


def worker_run(procs:int, out, *flags):
    r = torchrun(procs, __file__, out, *flags)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def last(out) -> dict:
    return torch.load(Path(out) / 'checkpoints' / 'last.pt', weights_only=False)['optimizer']


def renders(sd) -> torch.Tensor:
    from vsd_tutorial.particles import ParticleConfig, make_field
    from vsd_tutorial.renderer import render_views
    from vsd_tutorial.views import turntable_cameras
    f = make_field(ParticleConfig(**sd['config']))
    f.load_state_dict(sd['field'])
    return render_views(f, turntable_cameras(4), res=32)['rgb']


def assert_same_particles(a:dict, b:dict):
    "Two checkpoints of all particles agree within the measured tolerance (and hold the same step and settings)."
    assert a['step'] == b['step'] and a['config'] == b['config']
    grid = (a['field']['grid'] - b['field']['grid']).norm() / a['field']['grid'].norm()
    assert grid < GRID_TOL, grid
    assert (renders(a) - renders(b)).abs().max() < RENDER_TOL


CLI = ['generate', 'a red cube', '--particles', '4', '--steps', '3', '--grid-res', '12', '--samples', '16', '--tet-res', '12',
       '--geometry-steps', '2', '--texture-steps', '2', '--checkpoint-every', '2', '--stages', 'nerf,geometry,texture']


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    "The CLI with 4 particles through the mesh stages: in this process, and on 2 processes by torchrun."
    from vsd_tutorial.cli import main
    d = tmp_path_factory.mktemp('dist')
    torch.set_num_threads(1)
    main([*CLI, '--out', str(d / 'one')])
    two = torchrun(2, '-m', 'vsd_tutorial', *CLI, '--out', d / 'two')
    assert two.returncode == 0, two.stderr[-3000:]
    return d, two


def test_two_processes_equal_one(runs):
    d, _ = runs
    assert_same_particles(last(d / 'one'), last(d / 'two'))
    one, two = last(d / 'one'), last(d / 'two')
    for k in one['phi']: torch.testing.assert_close(one['phi'][k], two['phi'][k], rtol=0, atol=1e-4)


def test_cli_torchrun_writes_what_one_process_writes(runs):
    "`torchrun -m vsd_tutorial generate ... --stages nerf,geometry,texture`: the same files, rank 0 speaks once."
    d, two = runs
    assert two.stdout.count('VSD x4 done') == 1 and two.stdout.count('meshes (geometry+texture) done') == 1, two.stdout
    files = lambda p: sorted(str(f.relative_to(p)) for f in p.rglob('*') if f.is_file())
    assert files(d / 'two') == files(d / 'one')
    for f in ('grid.png', 'metrics.json', 'checkpoints/last.pt', 'checkpoints/previous.pt', 'particle_0/mesh.glb', 'particle_3/mesh.glb'):
        assert (d / 'two' / f).exists(), f
    assert json.loads((d / 'two' / 'metrics.json').read_text())['processes'] == 2


def test_tolerance_can_fail(runs):
    "The comparison tells different particles apart: the same run with particles 0 and 1 swapped."
    a = last(runs[0] / 'one')
    b = dict(a, field={k: v[[1, 0, 2, 3]] for k, v in a['field'].items()})
    with pytest.raises(AssertionError): assert_same_particles(a, b)


def test_resume_across_process_counts(tmp_path):
    "3 particles stopped after step 1 on 2 processes, resumed in this process to step 2, on 2 processes to the end:"
    # the uninterrupted run's particles, and ε_φ identical on both ranks
    from vsd_tutorial.distributed import generate_sharded
    from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
    from vsd_tutorial.sd import load_prior
    torch.set_num_threads(1)
    prior = load_prior('toy', device='cpu')
    cfg = ParticleConfig(**TINY)
    ref = ParticleOptimizer(prior, cfg)
    for _ in range(cfg.steps): ref.step()
    ref.close()
    worker_run(2, tmp_path / 'run', '--stop-after', '1')
    assert last(tmp_path / 'run')['step'] == 1 and not (tmp_path / 'run' / 'metrics.json').exists()
    generate_sharded(prior, cfg, tmp_path / 'run', resume=True, checkpoint_every=1, stop_after=2, progress=False)
    assert last(tmp_path / 'run')['step'] == 2
    worker_run(2, tmp_path / 'run', '--resume')
    assert_same_particles(ref.state_dict(), last(tmp_path / 'run'))
    assert json.loads((tmp_path / 'run' / 'lora.json').read_text()) == dict(identical_on_ranks=True, processes=2)


def test_mismatched_setting_stops_every_rank(tmp_path):
    "Rank r gets seed r: both processes stop with one error line, well within the collectives' timeout."
    t0 = time.time()
    r = torchrun(2, __file__, tmp_path / 'x', '--seed-by-rank', timeout=120)
    assert r.returncode != 0
    lines = [l for l in r.stderr.splitlines() if l.startswith('error: ')]
    assert len(lines) == 2 and all('the processes disagree on the settings' in l for l in lines), r.stderr[-2000:]
    assert time.time() - t0 < 60


@pytest.mark.parametrize('setting, message', [(dict(repulsion=1.0), '--repulsion couples the particles'),
                                              (dict(update='random'), "update='random' moves one particle per step"),
                                              (dict(particles=1), '1 particles on 2 processes')])
def test_refused_across_processes(monkeypatch, setting, message):
    "Settings that couple the particles, or leave a process without one, are one line on every process (checked before any collective)."
    from vsd_tutorial import distributed
    from vsd_tutorial.core import UserError
    from vsd_tutorial.particles import ParticleConfig
    from vsd_tutorial.priors import ToyPrior
    monkeypatch.setattr(distributed, 'world', lambda: (1, 2))
    monkeypatch.setattr(distributed, 'check_same', lambda *a: None)
    with pytest.raises(UserError, match=message.replace('(', r'\(')):
        distributed.ShardedParticleOptimizer(ToyPrior.random(), ParticleConfig(**{**TINY, **setting}))


def worker():
    "One process of a torchrun launch: generate_sharded on TINY into OUT (evaluation off), then compare ε_φ across ranks."
    import argparse
    from vsd_tutorial.core import UserError
    from vsd_tutorial.distributed import init_distributed, close_distributed, generate_sharded, all_gather
    from vsd_tutorial.particles import ParticleConfig
    from vsd_tutorial.sd import load_prior
    ap = argparse.ArgumentParser()
    ap.add_argument('out'); ap.add_argument('--stop-after', type=int); ap.add_argument('--resume', action='store_true')
    ap.add_argument('--seed-by-rank', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(1)
    rank, size = init_distributed('cpu')
    cfg = ParticleConfig(**TINY, seed=rank if a.seed_by_rank else 0)
    phi = {}
    keep_phi = lambda step, po, info: phi.update(flat=torch.cat([p.detach().flatten().clone() for p in po.phi.lora_parameters()]))
    try:
        generate_sharded(load_prior('toy', device='cpu'), cfg, a.out, resume=a.resume, checkpoint_every=1, stop_after=a.stop_after,
                         progress=False, evaluate=False, callback=keep_phi)
    except UserError as e:
        print(f'error: {e}', file=sys.stderr)
        raise SystemExit(2)
    if a.stop_after is None:
        same = all(torch.equal(x, phi['flat']) for x in all_gather(phi['flat']))   # every rank's own ε_φ after the last step
        if rank == 0: (Path(a.out) / 'lora.json').write_text(json.dumps(dict(identical_on_ranks=same, processes=size)))
    close_distributed()


if __name__ == '__main__':
    worker()
