"""Stage-1 particles across processes (34a_distributed): steps/s and particle·steps/s for 1 and 2 processes, and the
difference between 4 particles on 1 and on 2 processes (the tolerance tests/test_distributed.py checks).

    python benchmarks/distributed.py                 # CPU: gloo, one thread per process; writes benchmarks/results/distributed.json
    python benchmarks/distributed.py --device cuda   # one process per GPU (NCCL): writes benchmarks/results/distributed_cuda.json

Each configuration is a fresh `torchrun --standalone` launch of this file with --worker: a few warm-up steps, then
--steps timed steps of the toy-prior defaults (32² renders, 32³ grid, 32 samples per ray).
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / 'benchmarks' / 'results'


def worker(a):
    "One process of a run: time `steps` steps after `warmup`; rank 0 prints a JSON line (and saves the state when asked)."
    import torch
    torch.set_num_threads(a.threads)
    from vsd_tutorial.sd import load_prior
    from vsd_tutorial.particles import ParticleConfig
    from vsd_tutorial.distributed import init_distributed, close_distributed, ShardedParticleOptimizer, all_gather
    rank, size = init_distributed(a.device)
    prior = load_prior('toy', device=a.device)
    po = ShardedParticleOptimizer(prior, ParticleConfig('a red cube', particles=a.particles, steps=a.warmup + a.steps))
    for _ in range(a.warmup): po.step()
    t0 = time.perf_counter()
    parts = {}
    for _ in range(a.steps):
        for k, v in po.step().items(): parts[k] = parts.get(k, 0.) + v
    seconds = time.perf_counter() - t0
    seconds = max(all_gather(seconds))                                   # the slowest process sets the pace
    sd = po.state_dict()
    lora = torch.cat([v.flatten() for v in sd['phi'].values()])
    same_lora = all(torch.equal(x, lora) for x in all_gather(lora))
    if rank == 0:
        if a.save: torch.save(sd, a.save)
        share = {k: v / a.steps for k, v in parts.items() if not k.endswith('loss')}
        print('RESULT ' + json.dumps(dict(processes=size, particles=a.particles, steps=a.steps, seconds=seconds,
                                          steps_per_s=a.steps / seconds, particle_steps_per_s=a.particles * a.steps / seconds,
                                          seconds_per_step_parts_rank0=share, lora_identical_on_ranks=same_lora)), flush=True)
    po.close()
    close_distributed()


def launch(procs, particles, a, save=None) -> dict:
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={procs}', __file__, '--worker',
           '--particles', str(particles), '--steps', str(a.steps), '--warmup', str(a.warmup), '--device', a.device, '--threads', str(a.threads)]
    if save: cmd += ['--save', str(save)]
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    lines = [l for l in p.stdout.splitlines() if l.startswith('RESULT ')]
    if p.returncode or not lines: raise SystemExit(f'run failed ({procs} processes, {particles} particles):\n{p.stderr[-3000:]}')
    r = json.loads(lines[0][7:])
    print(f"{procs} process(es), {particles} particles: {r['steps_per_s']:.2f} steps/s, {r['particle_steps_per_s']:.2f} particle·steps/s", flush=True)
    return r


def tolerance(one, two) -> dict:
    "How far 4 particles on 2 processes are from 4 on 1: field parameters and the rendered turntable."
    import torch
    from vsd_tutorial.particles import ParticleConfig, make_field
    from vsd_tutorial.renderer import render_views
    from vsd_tutorial.views import turntable_cameras
    a, b = torch.load(one, weights_only=False), torch.load(two, weights_only=False)
    views = []
    for sd in (a, b):
        f = make_field(ParticleConfig(**sd['config']))
        f.load_state_dict(sd['field'])
        views.append(render_views(f, turntable_cameras(8), res=64)['rgb'])
    grid = (a['field']['grid'] - b['field']['grid'])
    return dict(steps=a['step'], render_max_abs=(views[0] - views[1]).abs().max().item(),
                grid_relative=(grid.norm() / a['field']['grid'].norm()).item(), grid_max_abs=grid.abs().max().item(),
                lora_max_abs=max((a['phi'][k] - b['phi'][k]).abs().max().item() for k in a['phi']))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    ap.add_argument('--save', default=None, help=argparse.SUPPRESS)
    ap.add_argument('--particles', type=int, default=4)
    ap.add_argument('--steps', type=int, default=20, help='timed steps per run (after --warmup)')
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=1, help='torch threads per process (the CPU has 2 cores: 1 each)')
    a = ap.parse_args()
    if a.worker: return worker(a)
    import torch
    procs = (1, 2) if a.device == 'cpu' else tuple(sorted({1, torch.cuda.device_count()}))
    load = os.getloadavg()[0]                                            # other jobs on the machine (1-minute load average)
    runs = [launch(p, n, a) for n in (4, 8) for p in procs]
    tmp = RESULTS / '_distributed_tmp'
    tmp.mkdir(parents=True, exist_ok=True)
    result = dict(device=a.device, cpus=os.cpu_count(), threads_per_process=a.threads, torch=torch.__version__,
                  load_average_before=load, load_average_after=os.getloadavg()[0], runs=runs)
    if len(procs) > 1:
        for p in procs[:2]: launch(p, 4, a, save=tmp / f'{p}.pt')
        result['tolerance'] = tolerance(tmp / f'{procs[0]}.pt', tmp / f'{procs[1]}.pt')
        print('4 particles, 1 vs 2 processes:', json.dumps(result['tolerance']))
    for f in tmp.glob('*.pt'): f.unlink()
    tmp.rmdir()
    out = RESULTS / ('distributed.json' if a.device == 'cpu' else f'distributed_{torch.device(a.device).type}.json')
    out.write_text(json.dumps(result, indent=1) + '\n')
    print(f'wrote {out.relative_to(ROOT)}')


if __name__ == '__main__':
    main()
