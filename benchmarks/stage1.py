"""Stage-1 text-to-3D on the toy prior: step-time breakdown, time to a good object, and hidden-mode coverage.

    python benchmarks/stage1.py [--part all|step|speed|modes] [--prompts 5] [--seeds 2] [--json FILE]

step:  time per VSD step (4 particles) split into render, prior passes, particle backward, LoRA step, and the ratio of the
       step time to the step's unavoidable U-Net passes timed alone (CFG pass 2n, eps_phi pass n, LoRA forward+backward n).
speed: SDS (1 particle) and VSD (4 particles) with the defaults; every 25 steps the run is judged (untimed) and the first
       step where judge accuracy over all turntable views is >= 90% with background clean >= 95% is reported.
modes: hidden-mode split of VSD particles vs SDS runs over prompts x seeds."""
import argparse, json, time, statistics
import torch
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
from vsd_tutorial.pipeline import evaluate_field
from vsd_tutorial.views import sample_cameras, camera_condition

ap = argparse.ArgumentParser()
ap.add_argument('--part', choices=('all', 'step', 'speed', 'modes'), default='all')
ap.add_argument('--prompts', type=int, default=5); ap.add_argument('--seeds', type=int, default=2)
ap.add_argument('--json', default=None)
a = ap.parse_args()
prior, judge = ToyPrior.from_pretrained(), ToyJudge.load()
results = {}

def unet_alone(po, n, reps=20):
    "Seconds for the step's unavoidable U-Net passes alone, on random inputs of the same shapes."
    x = torch.randn(n, *prior.latent_shape); t = torch.randint(20, 980, (n,)); g = torch.Generator().manual_seed(0)
    emb = po.embeddings(sample_cameras(n, g)); cond = camera_condition(sample_cameras(n, g))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        with torch.no_grad():
            prior.predict_noise(x, t, emb, 7.5, po.null)
            po.phi(x, t, emb, cond)
        loss = po.phi.loss(x, emb, cond, generator=g); po.phi_opt.zero_grad(); loss.backward()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

if a.part in ('all', 'step'):
    po = ParticleOptimizer(prior, ParticleConfig('a red cube', 'vsd', particles=4, steps=1000))
    for _ in range(5): po.step()
    tms = [po.step() for _ in range(40)]
    keys = ['render', 'prior', 'particle_backward', 'lora']
    med = {k: statistics.median(t[k] for t in tms) for k in keys}
    step = statistics.median(sum(t[k] for k in keys) for t in tms)
    alone = unet_alone(po, 4)
    po.close()
    results['step'] = dict(breakdown=med, step=step, unet_alone=alone, ratio=step / alone)
    print('VSD step, 4 particles:', {k: f'{v * 1000:.0f} ms' for k, v in med.items()},
          f'| step {step * 1000:.0f} ms, U-Net passes alone {alone * 1000:.0f} ms, ratio {step / alone:.2f}', flush=True)

def timed_run(cfg, every=25):
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
    return dict(trajectory=traj, first_good=first, final=traj[-1], final_metrics=m)

if a.part in ('all', 'speed'):
    for method in ('sds', 'vsd'):
        r = timed_run(ParticleConfig('a red cube', method))
        results[f'speed_{method}'] = r
        f, e = r['first_good'], r['final']
        print(f"{method.upper()} x{r['final_metrics'] and len(r['final_metrics']['particles'])}: first >= 90% accurate and clean at "
              f"{'step %d, %.0f s' % (f['step'], f['seconds']) if f else 'never'}; final (step {e['step']}, {e['seconds']:.0f} s): "
              f"accuracy {e['accuracy']:.0%}, background clean {e['background_clean']:.1%}, IoU {e['silhouette_iou']:.2f}, modes {e['modes']}", flush=True)

if a.part in ('all', 'modes'):
    prompts = ['a red cube', 'a blue cylinder', 'a green cone', 'a yellow sphere', 'a purple cube', 'an orange cylinder'][:a.prompts]
    rows = []
    for p in prompts:
        for seed in range(a.seeds):
            for method in ('vsd', 'sds'):
                po = ParticleOptimizer(prior, ParticleConfig(p, method, seed=seed)); t0 = time.time()
                for _ in range(po.cfg.steps): po.step()
                m = evaluate_field(po.field, p, judge); po.close()
                rows.append(dict(prompt=p, seed=seed, method=method, modes=m['modes'], accuracy=m['accuracy'],
                                 diversity=m['diversity'], seconds=time.time() - t0))
                print(f"{p:20s} seed {seed} {method}: modes {m['modes']}, accuracy {m['accuracy']:.0%}, "
                      f"diversity {m['diversity'] if m['diversity'] is None else round(m['diversity'], 2)}, {time.time() - t0:.0f} s", flush=True)
    results['modes'] = rows
    for method in ('vsd', 'sds'):
        rs = [r for r in rows if r['method'] == method]
        tall = sum(r['modes']['tall'] for r in rs); tot = sum(sum(r['modes'].values()) for r in rs)
        both = sum(r['modes']['tall'] > 0 and r['modes']['squat'] > 0 for r in rs)
        print(f"{method.upper()}: {tall}/{tot} particles tall; runs covering both modes: {both}/{len(rs)}; "
              f"mean accuracy {statistics.mean(r['accuracy'] for r in rs):.0%}")
if a.json: json.dump(results, open(a.json, 'w'), indent=1)
