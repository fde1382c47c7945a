"""Stage 1 (VSD) on a Stable Diffusion 2.1-base-sized model with random weights: step time and peak memory.

    python benchmarks/sd_stage1.py [--size sd21|tiny] [--res 64 512] [--particles 1] [--precision fp16] [--steps 5]
                                   [--field hash|grid] [--json FILE]

The weights are random (built from `vsd_tutorial.sd.SD21_BASE`, the released model's sizes, so nothing is downloaded);
speed and memory do not depend on the values. Each setting builds a fresh `ParticleOptimizer` (LoRA ε_φ, camera
embedding, the field) and times `--steps` VSD steps after one warm-up step: render at --res → resize to 512² → VAE
encoder with gradients → the CFG pass (2n) → ε_φ's pass (n, which is also its training pass) → backward through
the VAE and the renderer → ε_φ's AdamW step.

On CUDA it reports peak GPU memory (torch.cuda.max_memory_allocated) against the goals of issue 11: ≤ 8 GB at 64²
and ≤ 20 GB at 512² in fp16. On a CPU it defaults to the tiny model (`--size tiny`, fp32, 64²) and reports the peak
resident memory of the process instead; `--size sd21` on a CPU works too, slowly (fp32 or bf16)."""
import argparse, json, time, statistics, resource, sys, gc
import torch
from vsd_tutorial.sd import StableDiffusionPrior, build_sd, SD21_BASE, resolve_dtype
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer

cuda = torch.cuda.is_available()
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--size', choices=('sd21', 'tiny'), default='sd21' if cuda else 'tiny')
ap.add_argument('--res', type=int, nargs='+', default=[64, 512] if cuda else [64], help='render resolutions')
ap.add_argument('--particles', type=int, nargs='+', default=[1, 4] if cuda else [1])
ap.add_argument('--precision', choices=('fp32', 'fp16', 'bf16'), default='fp16' if cuda else 'fp32')
ap.add_argument('--field', choices=('hash', 'grid'), default='hash')
ap.add_argument('--samples', type=int, default=64, help='samples per ray')
ap.add_argument('--steps', type=int, default=5)
ap.add_argument('--occupancy', choices=('auto', 'on', 'off'), default='auto', help='nerfacc occupancy grid (CUDA only; auto: on with CUDA, as in generate)')
ap.add_argument('--json', default=None, help='also write the rows to this file')
a = ap.parse_args()
device = 'cuda' if cuda else 'cpu'

t0 = time.perf_counter()
prior = StableDiffusionPrior(**build_sd(SD21_BASE if a.size == 'sd21' else None))
for part in (prior.unet, prior.vae, prior.text_encoder): part.to(device=device, dtype=resolve_dtype(a.precision, device))
prior = prior.to(device)                                                # the noise schedule stays in fp32
n_params = {k: sum(p.numel() for p in getattr(prior, k).parameters()) / 1e6 for k in ('unet', 'vae', 'text_encoder')}
print(f"{a.size} on {torch.cuda.get_device_name() if cuda else 'CPU'} in {a.precision}: "
      f"U-Net {n_params['unet']:.0f}M, VAE {n_params['vae']:.0f}M, text {n_params['text_encoder']:.0f}M parameters; "
      f"built in {time.perf_counter() - t0:.0f} s; the prior sees {prior.resolution}² images")

def rss_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20     # Linux: KiB

rows = []
for res in a.res:
    for n in a.particles:
        cfg = ParticleConfig('a DSLR photo of a hamburger', particles=n, steps=1000, res=res, field=a.field, samples=a.samples,
                             occupancy=dict(auto=None, on=True, off=False)[a.occupancy], prior=a.size)
        gc.collect()
        if cuda: torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
        try:
            po = ParticleOptimizer(prior, cfg)
            po.step()                                                  # warm-up (kernels, allocator)
            times, parts = [], []
            for _ in range(a.steps):
                if cuda: torch.cuda.synchronize()
                t = time.perf_counter(); parts.append(po.step())
                if cuda: torch.cuda.synchronize()
                times.append(time.perf_counter() - t)
            po.close()
            row = dict(size=a.size, precision=a.precision, field=a.field, res=res, particles=n, samples=a.samples, occupancy=po.occupancy is not None,
                       seconds_per_step=statistics.median(times),
                       split={k: statistics.median(p[k] for p in parts) for k in ('render', 'prior', 'particle_backward', 'lora')},
                       peak_gpu_gb=torch.cuda.max_memory_allocated() / 2**30 if cuda else None, peak_rss_gb=rss_gb())
        except torch.cuda.OutOfMemoryError:
            row = dict(size=a.size, precision=a.precision, field=a.field, res=res, particles=n, error='out of memory')
            try: po.close()
            except Exception: pass
        rows.append(row)
        if 'error' in row: print(f"res {res:4d}² × {n} particles: out of memory"); continue
        mem = f"peak GPU {row['peak_gpu_gb']:.1f} GB" if cuda else f"peak RSS {row['peak_rss_gb']:.1f} GB (process)"
        goal = ('' if not cuda or a.size != 'sd21' else
                f" (goal ≤ {8 if res <= 64 else 20} GB: {'met' if row['peak_gpu_gb'] <= (8 if res <= 64 else 20) else 'missed'})")
        split = ', '.join(f'{k} {v:.3f}' for k, v in row['split'].items())
        print(f"res {res:4d}² × {n} particles: {row['seconds_per_step']:.3f} s/step ({split}); {mem}{goal}")
        sys.stdout.flush()

if a.json:
    with open(a.json, 'w') as f: json.dump(rows, f, indent=1)
