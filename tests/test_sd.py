"The Stable Diffusion path end to end on a tiny random SD written by code (no downloads): the CLI as a user runs it."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest, torch
from vsd_tutorial.sd import write_tiny_sd, StableDiffusionPrior

EXE = shutil.which('vsd-tutorial', path=str(Path(sys.executable).parent)) or 'vsd-tutorial'
def run(*args): return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=900)

@pytest.fixture(scope='module')
def tiny_sd(tmp_path_factory): return write_tiny_sd(tmp_path_factory.mktemp('sd') / 'tiny-sd')

def test_generate_vsd_on_tiny_sd(tiny_sd, tmp_path):
    out = tmp_path / 'hamburger'
    r = run('generate', 'a DSLR photo of a hamburger', '--prior', tiny_sd, '--particles', 2, '--steps', 3, '--samples', 16, '--hash-levels', 4, '--hash-table', 10, '--hash-max-res', 64,
            '--checkpoint-every', 1, '--out', out, '--stages', 'nerf,geometry,texture', '--tet-res', 12, '--geometry-steps', 3, '--texture-steps', 2)
    assert r.returncode == 0, r.stderr
    assert all((out / 'particle_1' / f).exists() for f in ('mesh.glb', 'mesh.obj', 'mesh_view_0.png'))   # the mesh stages on SD too
    m = json.loads((out / 'metrics.json').read_text())
    assert m['config']['prior'] == str(tiny_sd) and m['config']['field'] == 'hash' and m['config']['res'] == 64
    assert m['particles'] == [] and 'accuracy' not in m                  # the toy judge is only for the toy prior
    assert all((out / f).exists() for f in ('grid.png', 'turntable.gif', 'particle_1/view_7.png', 'checkpoints/last.pt'))
    state = torch.load(out / 'checkpoints/last.pt', weights_only=False)
    assert state['optimizer']['step'] == 3 and 'phi' in state['optimizer']
    assert all(torch.isfinite(v).all() for v in state['optimizer']['field'].values() if v.is_floating_point())
    r = run('generate', 'a DSLR photo of a hamburger', '--prior', tiny_sd, '--particles', 2, '--steps', 3, '--samples', 16, '--hash-levels', 4, '--hash-table', 10, '--hash-max-res', 64,
            '--checkpoint-every', 1, '--out', out, '--resume')             # a finished run: nothing left to do
    assert r.returncode == 0, r.stderr

def test_sample_prior_on_tiny_sd(tiny_sd, tmp_path):
    r = run('sample-prior', 'a cat', '--prior', tiny_sd, '--n', 2, '--steps', 2, '--out', tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(list(tmp_path.glob('prompt00_sample*.png'))) == 2

@pytest.mark.parametrize('args, message', [
    (['--prior', 'nobody/no-such-model'], "error: cannot load Stable Diffusion from 'nobody/no-such-model'"),
    (['--precision', 'fp16'], 'error: the toy prior runs in fp32'),
    (['--field', 'voxels'], "error: argument --field: invalid choice: 'voxels'"),
])
def test_bad_prior_settings(args, message, tmp_path):
    r = run('generate', 'a red cube', '--steps', 1, '--out', tmp_path / 'x', *args)
    assert r.returncode == 2 and r.stderr.startswith(message) and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / 'x' / 'checkpoints').exists()

def test_bf16_vsd_steps(tiny_sd):
    "A few VSD steps with bf16 weights: the particles and ε_φ's LoRA stay fp32 and finite."
    from vsd_tutorial.particles import ParticleConfig, ParticleOptimizer
    prior = StableDiffusionPrior.from_pretrained(tiny_sd, device='cpu', dtype='bf16')
    po = ParticleOptimizer(prior, ParticleConfig('a red cube', particles=2, steps=3, res=32, samples=16, field='grid'))
    before = po.field.grid.detach().clone()
    for _ in range(3): tm = po.step()
    assert all(p.dtype == torch.float32 for p in po.phi.lora_parameters())
    assert torch.isfinite(po.field.grid).all() and not torch.equal(po.field.grid, before) and tm['lora_loss'] > 0
    po.close()

def test_sd_benchmark_runs_tiny(tmp_path):
    "benchmarks/sd_stage1.py keeps working (tiny model on the CPU; its numbers are for people, not asserted here)."
    script = Path(__file__).parents[1] / 'benchmarks' / 'sd_stage1.py'
    r = subprocess.run([sys.executable, str(script), '--steps', '1', '--field', 'grid', '--samples', '16', '--json', str(tmp_path / 'r.json')],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    row, = json.loads((tmp_path / 'r.json').read_text())
    assert row['res'] == 64 and row['particles'] == 1 and row['seconds_per_step'] > 0 and 's/step' in r.stdout

def test_v_prediction_eps_phi_loss(tmp_path):
    "On a v-model ε_φ's loss is the v-target loss ‖v_φ − v‖², v = α_t ε − σ_t z0 (threestudio); on an ε-model the plain ε-loss."
    from vsd_tutorial.lora import LoRAEpsPhi
    prior = StableDiffusionPrior.from_pretrained(write_tiny_sd(tmp_path / 'v', prediction_type='v_prediction'), device='cpu')
    phi = LoRAEpsPhi(prior, rank=4, cond_dim=16).train_mode()
    with torch.no_grad():
        for n, p in prior.unet.named_parameters():
            if 'lora_B' in n: p.normal_(0, 0.02, generator=torch.Generator().manual_seed(0))
    z0, eps, t = torch.randn(3, 4, 8, 8), torch.randn(3, 4, 8, 8), torch.tensor([5, 400, 990])
    a, s = prior.alpha_sigma(t)
    z_t, emb, cond = prior.add_noise(z0, eps, t), prior.encode_prompt(['a red cube'] * 3), torch.randn(3, 16)
    with torch.no_grad():
        eps_phi = phi(z_t, t, emb, cond)
        with phi.active(): v_phi = prior.unet(z_t, t, encoder_hidden_states=emb, class_labels=cond).sample
    v_loss = (v_phi - (a * eps - s * z0)).pow(2).mean()
    assert torch.isclose(phi.objective(eps_phi, eps, t), v_loss, rtol=1e-4)
    prior.prediction_type = 'epsilon'                                   # the same numbers read as an ε-model
    assert torch.isclose(phi.objective(eps_phi, eps, t), (eps_phi - eps).pow(2).mean(), rtol=1e-6)
    phi.remove()

def test_sd_config_is_the_papers():
    "An SD run starts from the paper's stage-1 settings, not the toy world's tuned ones."
    from vsd_tutorial.sd import sd_config
    cfg = sd_config('a DSLR photo of a hamburger', 'some/model')
    assert (cfg.init_aspect, cfg.anneal, cfg.phi_pass, cfg.lora_lr, cfg.field, cfg.res, cfg.prior) == (1.0, 0.2, 'separate', 1e-4, 'hash', 64, 'some/model')
    assert sd_config('x', 'm', init_aspect=2.0).init_aspect == 2.0

def test_cli_uses_paper_settings_on_sd(tiny_sd, tmp_path):
    out = tmp_path / 'run'
    r = run('generate', 'a DSLR photo of a hamburger', '--prior', tiny_sd, '--particles', 1, '--steps', 1, '--samples', 8, '--hash-levels', 4,
            '--hash-table', 10, '--hash-max-res', 64, '--out', out)
    assert r.returncode == 0, r.stderr
    c = json.loads((out / 'metrics.json').read_text())['config']
    assert (c['init_aspect'], c['anneal'], c['phi_pass'], c['lora_lr']) == (1.0, 0.2, 'separate', 1e-4)
