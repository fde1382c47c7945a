"""Stage-1 text-to-3D on the toy prior: step-time breakdown, time to a good object, and what precision/compilation buy.

    python benchmarks/stage1.py [--part all|step|speed|precision] [--prompts 5] [--json FILE]

Results go to benchmarks/results/stage1.json (the parts run are replaced, the others kept); 23_particles and
24_text_to_3d read their numbers from there.

step:      time per VSD step (4 particles, the defaults, with phi_pass='shared' and the default 'separate') split into render, prior passes (the CFG pass of 2n and ε_φ's
           forward of n, which is also its training forward), particle backward and ε_φ's backward + AdamW step, and the
           ratio of the step time to those U-Net passes timed alone on random inputs.
speed:     SDS (1 particle) and VSD (4 particles) with the defaults on "a red cube"; every 10 steps the run is judged
           (untimed) and the first step where judge accuracy over all turntable views is >= 90% with background
           clean >= 95% is reported; then the defaults' final accuracy over --prompts prompts.
precision: the CFG pass of 8 through the toy U-Net, interleaved repeats: fp32 eager, bf16 autocast, channels_last,
           torch.jit.trace, torch.compile (with its compile time).
Hidden-mode coverage is benchmarks/diversity.py."""
import argparse, json, time, statistics, os, platform
from dataclasses import asdict
from pathlib import Path
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
from vsd_tutorial.pipeline import evaluate_field
from vsd_tutorial.diversity import PROMPTS
from vsd_tutorial.views import sample_cameras, camera_condition

ap = argparse.ArgumentParser()
ap.add_argument('--part', choices=('all', 'step', 'speed', 'precision'), default='all')
ap.add_argument('--prompts', type=int, default=5)
ap.add_argument('--json', default=str(Path(__file__).parent / 'results' / 'stage1.json'))
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
results = json.loads(Path(a.json).read_text()) if a.json and Path(a.json).exists() else {}
results['meta'] = dict(defaults=asdict(ParticleConfig()), torch=torch.__version__, threads=torch.get_num_threads(),
                       cpu=platform.processor() or platform.machine(), cores=os.cpu_count(), date=time.strftime('%Y-%m-%d'))

def unet_alone(po, n, reps=20):
    "Seconds for the step's unavoidable U-Net passes alone (CFG pass of 2n; ε_φ forward + backward of n), random inputs."
    x = torch.randn(n, *prior.latent_shape); t = torch.randint(20, 980, (n,)); g = torch.Generator().manual_seed(0)
    emb = po.embeddings(sample_cameras(n, g)); cond = camera_condition(sample_cameras(n, g))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        with torch.no_grad(): prior.predict_noise(x, t, emb, 7.5, po.null)
        loss = (po.phi(x, t, emb, cond) - x).pow(2).mean(); po.phi_opt.zero_grad(); loss.backward()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

if a.part in ('all', 'step'):
    for key, kw in (('step', dict(phi_pass='shared')), ('step_separate', dict(phi_pass='separate'))):
        po = ParticleOptimizer(prior, ParticleConfig('a red cube', 'vsd', steps=1000, **kw))
        for _ in range(5): po.step()
        tms = [po.step() for _ in range(40)]
        keys = ['render', 'prior', 'particle_backward', 'lora']
        med = {k: statistics.median(t[k] for t in tms) for k in keys}
        step = statistics.median(sum(t[k] for k in keys) for t in tms)
        alone = unet_alone(po, 4)
        po.close()
        results[key] = dict(breakdown=med, step=step, unet_alone=alone, ratio=step / alone, options=kw)
        print(f'VSD step, 4 particles {kw or "(defaults)"}:', {k: f'{v * 1000:.0f} ms' for k, v in med.items()},
              f'| step {step * 1000:.0f} ms, U-Net passes alone {alone * 1000:.0f} ms, ratio {step / alone:.2f}', flush=True)

def timed_run(cfg, every=10):
    "Run `cfg`, judging every `every` steps (untimed); returns the trajectory and the first good step."
    po = ParticleOptimizer(prior, cfg); t_opt, traj, first = 0., [], None
    for s in range(1, cfg.steps + 1):
        t0 = time.perf_counter(); po.step(); t_opt += time.perf_counter() - t0
        if s % every == 0 or s == cfg.steps:
            m = evaluate_field(po.field, cfg.prompt, judge)
            traj.append(dict(step=s, seconds=t_opt, accuracy=m['accuracy'], background_clean=m['background_clean'],
                             silhouette_iou=m['silhouette_iou'], modes=m['modes']))
            if first is None and m['accuracy'] >= 0.9 and m['background_clean'] >= 0.95: first = traj[-1]
    po.close()
    return dict(trajectory=traj, first_good=first, final=traj[-1], particles=cfg.particles)

if a.part in ('all', 'speed'):
    for method in ('sds', 'vsd'):
        r = timed_run(ParticleConfig('a red cube', method))
        results[f'speed_{method}'] = r
        f, e = r['first_good'], r['final']
        print(f"{method.upper()} x{r['particles']}: first >= 90% accurate and clean at "
              f"{'step %d, %.1f s' % (f['step'], f['seconds']) if f else 'never'}; final (step {e['step']}, {e['seconds']:.1f} s): "
              f"accuracy {e['accuracy']:.0%}, background clean {e['background_clean']:.1%}, IoU {e['silhouette_iou']:.2f}, modes {e['modes']}", flush=True)
    rows = []
    for p in PROMPTS[:max(a.prompts, 0)]:
        cfg = ParticleConfig(p); po = ParticleOptimizer(prior, cfg); t0 = time.perf_counter()
        for _ in range(cfg.steps): po.step()
        sec = time.perf_counter() - t0; m = evaluate_field(po.field, p, judge); po.close()
        rows.append(dict(prompt=p, seconds=sec, accuracy=m['accuracy'], background_clean=m['background_clean'], modes=m['modes']))
        print(f"  defaults, {p!r}: {sec:.1f} s, accuracy {m['accuracy']:.0%}, background clean {m['background_clean']:.1%}, modes {m['modes']}", flush=True)
    results['defaults'] = rows
    if rows: print(f"defaults over {len(rows)} prompts: mean {statistics.mean(r['seconds'] for r in rows):.1f} s per run, "
          f"mean accuracy {statistics.mean(r['accuracy'] for r in rows):.1%}, worst {min(r['accuracy'] for r in rows):.0%}")

if a.part in ('all', 'precision'):
    unet = prior.unet.eval()
    x = torch.randn(8, *prior.latent_shape); t = torch.randint(20, 980, (8,)); emb = prior.encode_prompt(['a red cube'] * 8)
    with torch.no_grad():
        ref = unet(x, t, emb).sample
        with __import__('warnings').catch_warnings():               # diffusers' shape checks become constants: fine here
            __import__('warnings').simplefilter('ignore')
            traced = torch.jit.trace(lambda a_, b_, c_: unet(a_, b_, c_, return_dict=False)[0], (x, t, emb), check_trace=False)
        t0 = time.perf_counter(); compiled = torch.compile(unet); compiled(x, t, emb); compile_s = time.perf_counter() - t0
        unet_cl = __import__('copy').deepcopy(unet).to(memory_format=torch.channels_last); x_cl = x.contiguous(memory_format=torch.channels_last)
        def bf16():
            with torch.autocast('cpu', dtype=torch.bfloat16): return unet(x, t, emb).sample
        fs = {'fp32 eager': lambda: unet(x, t, emb).sample, 'bf16 autocast': bf16, 'channels_last': lambda: unet_cl(x_cl, t, emb).sample,
              'jit.trace': lambda: traced(x, t, emb), 'torch.compile': lambda: compiled(x, t, emb).sample}
        times = {k: [] for k in fs}
        for f in fs.values(): f(); f()
        for _ in range(30):
            for k, f in fs.items(): t0 = time.perf_counter(); f(); times[k].append(time.perf_counter() - t0)
        base = statistics.median(times['fp32 eager'])
        results['precision'] = {}
        for k, f in fs.items():
            med, err = statistics.median(times[k]), (f().float() - ref).abs().max().item()
            results['precision'][k] = dict(ms=med * 1000, speedup=base / med, max_abs_diff=err)
            print(f"CFG pass of 8, {k:14s}: {med * 1000:5.1f} ms ({base / med:.2f}x), max |Δ| vs fp32 {err:.1e}"
                  + (f', compile {compile_s:.0f} s' if k == 'torch.compile' else ''), flush=True)
if a.json: Path(a.json).write_text(json.dumps(results, indent=1))
