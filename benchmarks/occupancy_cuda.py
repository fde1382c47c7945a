"""The nerfacc occupancy-grid path on a GPU: does it match the dense path, and what does it save? (Needs CUDA.)

    python benchmarks/occupancy_cuda.py [--steps 200]

1. A ground-truth toy cube as a field: dense render vs occupancy-grid render (nerfacc's real CUDA kernels), mean
   absolute differences and silhouette IoU (on the CPU the same comparison runs in nbs/21_nerf with pure-torch
   stand-ins for the kernels; this is the check with the real ones).
2. VSD x4 on the toy prior on the GPU with occupancy off/on: ms per step (render + particle backward) and the judged
   result after --steps steps."""
import argparse, sys, time, statistics
import torch
if not torch.cuda.is_available(): sys.exit('occupancy_cuda.py needs a CUDA GPU (nerfacc\'s occupancy grid is CUDA-only); nothing measured')
from vsd_tutorial.renderer import field_from_primitive, occupancy_grids, update_occupancy, render
from vsd_tutorial.views import make_cameras
from vsd_tutorial.toy.world import Primitive
from vsd_tutorial.priors import ToyPrior
from vsd_tutorial.toy.judge import ToyJudge
from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
from vsd_tutorial.pipeline import evaluate_field

ap = argparse.ArgumentParser(); ap.add_argument('--steps', type=int, default=200); a = ap.parse_args()
dev = torch.device('cuda')
gt = field_from_primitive(Primitive('cube', 'red', 'tall'), res=32).to(dev)
cams = make_cameras([30.], 20., 1.3, 50.)
grids = occupancy_grids(gt); update_occupancy(gt, grids, 0, samples=128)
with torch.no_grad():
    s, d = render(gt, cams, 64, samples=128, occupancy=grids), render(gt, cams, 64, samples=128)
iou = ((s['opacity'] > .5) & (d['opacity'] > .5)).sum() / ((s['opacity'] > .5) | (d['opacity'] > .5)).sum()
print(f"occupied cells {grids[0].binaries.float().mean():.1%}; |occupancy - dense| rgb {(s['rgb'] - d['rgb']).abs().mean():.4f}, "
      f"opacity {(s['opacity'] - d['opacity']).abs().mean():.4f}, depth {(s['depth'] - d['depth']).abs().mean():.4f}; silhouette IoU {iou:.3f}")

prior, judge = ToyPrior.from_pretrained(device=dev), ToyJudge.load()
for occ in (False, True):
    po = ParticleOptimizer(prior, ParticleConfig('a red cube', 'vsd', steps=a.steps, occupancy=occ)); tms = []
    for i in range(a.steps):
        torch.cuda.synchronize(); tm = po.step(); torch.cuda.synchronize(); tms.append(tm)
    m = evaluate_field(po.field.cpu(), 'a red cube', judge); po.close()
    med = lambda k: statistics.median(t[k] for t in tms[5:]) * 1000
    print(f"occupancy {'on ' if occ else 'off'}: render {med('render'):.1f} ms, particle backward {med('particle_backward'):.1f} ms, "
          f"prior {med('prior'):.1f} ms, LoRA {med('lora'):.1f} ms | after {a.steps} steps accuracy {m['accuracy']:.0%}, "
          f"background clean {m['background_clean']:.1%}")
