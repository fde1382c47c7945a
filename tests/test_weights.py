"The shipped weights: inside the package, small, offline, and actually good."
import json
from pathlib import Path
import pytest, torch
from vsd_tutorial.priors import ToyPrior, TOY_PRIOR_PATH
from vsd_tutorial.toy.judge import ToyJudge, TOY_JUDGE_PATH
from vsd_tutorial.toy.world import make_dataset, MODES

def folder_mb(p): return sum(f.stat().st_size for f in Path(p).rglob('*') if f.is_file()) / 2**20

def test_weights_ship_in_package_and_are_small():
    assert (TOY_PRIOR_PATH / 'unet' / 'diffusion_pytorch_model.safetensors').exists()
    assert (TOY_PRIOR_PATH / 'text_encoder' / 'model.safetensors').exists()
    assert (TOY_JUDGE_PATH / 'model.safetensors').exists()
    assert folder_mb(TOY_PRIOR_PATH) <= 20 and folder_mb(TOY_JUDGE_PATH) <= 5

@pytest.fixture(scope='module')
def prior(): return ToyPrior.from_pretrained(device='cpu')
@pytest.fixture(scope='module')
def judge(): return ToyJudge.load(device='cpu')

def test_judge_heldout_accuracy(judge):
    data = make_dataset(300, seed=4242)
    labels = judge.labels(data['images'].float() / 255)
    ok = lambda k: sum(l[k] == getattr(s, n) for l, s in zip(labels, data['scenes']) for n in [('shape', 'colour', 'mode')[k]]) / 300
    assert ok(0) > 0.95 and ok(1) > 0.95 and ok(2) > 0.8

ORANGE_WEAK = pytest.mark.xfail(strict=False, reason='known weakness: orange is the prior\'s weakest colour (75% on '
                                 '"an orange cone" in 04_toy_classifier; read as red or yellow). Remove when fixed.')
@pytest.mark.parametrize('prompt, shape, colour', [('a red cube', 'cube', 'red'), ('a blue sphere', 'sphere', 'blue'),
                                                   pytest.param('an orange cone, side view', 'cone', 'orange', marks=ORANGE_WEAK)])
def test_prior_samples_match_prompt(prior, judge, prompt, shape, colour):
    imgs = prior.sample(prompt, n=8, guidance_scale=7.5, steps=20, seed=1)
    labels = judge.labels(imgs)
    assert sum(l[0] == shape for l in labels) >= 7, labels
    assert sum(l[1] == colour for l in labels) >= 7, labels
    corner = torch.cat([imgs[..., :3, :3].flatten(1), imgs[..., -3:, -3:].flatten(1)], 1)
    assert corner.mean() > 0.9, 'background should be plain white'

def test_prior_is_deterministic_and_cfg_changes_samples(prior):
    a = prior.sample('a green torus', n=2, steps=5, seed=3)
    torch.testing.assert_close(a, prior.sample('a green torus', n=2, steps=5, seed=3))
    assert (a - prior.sample('a green torus', n=2, steps=5, seed=3, guidance_scale=1.0)).abs().mean() > 1e-3

def test_training_log_documents_the_run():
    log = json.loads((TOY_PRIOR_PATH / 'train_log.json').read_text())
    assert log['step'][-1] == log['config']['steps'] and log['loss'][-1] < log['loss'][0]

def test_fixed_camera_prior_knows_size(judge):
    "The fixed-camera prior (03, 'A prior that sees size') ships, records its cameras, and its unguided samples are the true size."
    from vsd_tutorial.priors import TOY_FIXED_CAMERA_PRIOR_PATH
    from vsd_tutorial.toy.world import FIXED_CAMERAS
    from vsd_tutorial.fidelity import true_renders, object_mask
    assert folder_mb(TOY_FIXED_CAMERA_PRIOR_PATH) <= 20
    fixed = ToyPrior.from_pretrained(TOY_FIXED_CAMERA_PRIOR_PATH, device='cpu')
    assert fixed.cameras == FIXED_CAMERAS
    imgs = fixed.sample('a red cube', n=16, guidance_scale=1.0, steps=20, seed=1)
    labels = judge.labels(imgs)
    assert sum(l[0] == 'cube' for l in labels) >= 14 and sum(l[1] == 'red' for l in labels) >= 14, labels
    area = lambda x: object_mask(x).float().sum((1, 2))
    a, t = area(imgs), area(true_renders('a red cube', n=64, ranges=FIXED_CAMERAS))
    assert 0.9 < a.mean() / t.mean() < 1.1, (a.mean(), t.mean())          # the shipped prior: 1.24 (its sizes spread over 2.4x)
    assert a.std() / a.mean() < 1.3 * t.std() / t.mean(), (a, t)           # spread only by the view: 0.19 vs 0.18 (shipped: 0.44)
