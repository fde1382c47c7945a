"""The classroom dashboard (nbs/classroom.ipynb, `make classroom`) in a real browser.

Starts Voilà on the dashboard, opens it in Chromium, visits every tab and moves every control. For each control it
checks that the picture changes (an image's bytes, a label, an output or a plotly figure of the visible tab differ),
times the answer (from the key press or click until the picture stops changing) and reports it against the 2 s target
(3 s when the load average shows the CPU busy with other jobs; a timing is measured and printed, not asserted); at the end no widget shows an error or a
traceback, the console has no errors and nothing was asked of a host outside localhost (page_watch). Screenshots:
outputs/browser/classroom_<tab>.png; response times: outputs/browser/classroom_times.json."""
import json
import os
import time
from pathlib import Path

from browser_util import SCREENS, wait_until, widget_errors

CLASSROOM = Path(__file__).resolve().parents[2] / 'nbs' / 'classroom.ipynb'
TABS = ['2D playground', 'CFG explorer', 'Image distillation', '3D particles', 'Meshes']
LIMIT_S = 2.0        # every control answers within 2 s from cached runs
HEAVY_LOAD = 1.5     # load average per core above which the machine is busy with other jobs: the limit gets a 50% margin
# the visible tab's picture: images (their data), HTML labels, output areas and plotly figures, but not the controls
# (a slider's readout changes in the browser at once, before the kernel answers)
PICTURE_JS = '''() => {
  const panel = [...document.querySelectorAll('.widget-tab-contents > *')].find(e => e.offsetParent !== null);
  if (!panel) return '';
  const sel = '.widget-image, .widget-html, .jp-OutputArea-output img, .js-plotly-plot';
  return [...panel.querySelectorAll(sel)].filter(e => e.offsetParent !== null)
    .map(e => e.tagName === 'IMG' ? e.src : (e.classList.contains('js-plotly-plot') ? JSON.stringify((e.data || []).map(t => [t.x && t.x.length, t.x && t.x[0]])) : e.innerText)).join('|');
}'''


def response_limit():
    "(limit in s, note): 2 s, or 3 s when the load average per core shows heavy load from other jobs (said in the note)"
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    if load > HEAVY_LOAD:
        return 1.5 * LIMIT_S, f'measured under heavy load ({load:.1f} per core): limit {1.5 * LIMIT_S:.0f} s'
    return LIMIT_S, f'load {load:.1f} per core: limit {LIMIT_S:.0f} s'


class Dashboard:
    "The Voilà page of the dashboard: tabs, controls found by their label, timed actions."

    def __init__(self, page):
        self.page = page
        self.tabs = page.locator('.jupyter-widgets.widget-tab').first
        self.times = {}

    def open_tab(self, name):
        self.page.locator('.lm-TabBar-tab', has_text=name).first.click()
        self.page.wait_for_timeout(300)

    def slider(self, label):
        "The handle of the visible slider whose description is exactly `label`"
        box = self.page.locator('.widget-slider:visible', has=self.page.get_by_text(label, exact=True))
        return box.locator('.noUi-handle').first

    def button(self, text):
        return self.page.locator('button:visible', has_text=text).first

    def select(self, label):
        box = self.page.locator('.widget-dropdown:visible', has=self.page.get_by_text(label, exact=True))
        return box.locator('select').first

    def picture(self):
        "What the visible tab shows, controls left out: every image's bytes (data URL), output, HTML text and plotly figure"
        return self.page.evaluate(PICTURE_JS)

    def settled(self, before, timeout=30.0, quiet=0.8):
        "Wait for the picture to differ from `before`, then to stop changing for `quiet` s: the time of its last change (None: no change)"
        t_last = None
        seen = before
        t0 = time.time()
        while time.time() - t0 < timeout:
            now = self.picture()
            if now != seen:
                seen, t_last = now, time.time()
            elif t_last is not None and time.time() - t_last >= quiet:
                return t_last
            time.sleep(0.03)
        return t_last

    def act(self, name, action):
        "Do `action`, assert the picture changes, record how long the answer took (until the picture's last change)"
        before = self.picture()
        t0 = time.time()
        action()
        t_last = self.settled(before)
        assert t_last is not None, f'{name}: the picture did not change within 30 s'
        self.times[name] = round(t_last - t0, 2)
        assert not widget_errors(self.page), f'{name}: {widget_errors(self.page)}'

    def press(self, handle, key):
        return lambda: (handle.focus(), handle.press(key))


def test_classroom(voila, page_watch, monkeypatch, tmp_path):
    page = page_watch.page
    monkeypatch.setenv('CLASSROOM_LIVE_OUT', str(tmp_path / 'live'))     # a fresh live run, not one a class left behind
    t0 = time.time()
    url = voila(CLASSROOM, timeout=120)
    page.goto(url, wait_until='load', timeout=240_000)
    page.locator('.lm-TabBar-tab').first.wait_for(state='visible', timeout=240_000)
    page.wait_for_function('() => [...document.querySelectorAll(".widget-image")].some(i => i.complete && i.naturalWidth > 0)',
                           timeout=60_000)
    t_ready = time.time() - t0
    d = Dashboard(page)
    assert [t.inner_text().strip() for t in page.locator('.lm-TabBar-tab').all()] == TABS

    # 2D playground: the cached sweep of 11_vsd_2d (CFG 1, 7.5, 100; SDS and VSD)
    d.open_tab('2D playground')
    d.act('2D: method -> sds', lambda: d.button('sds').click())
    d.act('2D: step scrubber -> 0', d.press(d.slider('step'), 'ArrowLeft'))
    d.act('2D: Run (cached setting: back to the last snapshot)', lambda: d.button('Run').click())
    d.act('2D: guidance -> 100', d.press(d.slider('guidance'), 'End'))
    d.act('2D: particles -1 (not cached: asks for Run)', d.press(d.slider('particles'), 'ArrowLeft'))
    assert 'press Run' in page.inner_text('.widget-tab')
    page.screenshot(path=str(SCREENS / 'classroom_2d_playground.png'))

    # CFG explorer
    d.open_tab('CFG explorer')
    d.act('CFG: scale 7.5 -> 10', d.press(d.slider('CFG scale'), 'ArrowRight'))
    d.act('CFG: timestep 500 -> 550', d.press(d.slider('timestep t'), 'ArrowRight'))
    d.act('CFG: prompt -> a blue sphere', lambda: d.select('prompt').select_option('a blue sphere'))
    d.act('CFG: prompt -> a red cube', lambda: d.select('prompt').select_option('a red cube'))
    page.screenshot(path=str(SCREENS / 'classroom_cfg_explorer.png'))

    # image distillation (12's cached runs)
    d.open_tab('Image distillation')
    d.act('distillation: method -> sds', lambda: d.button('sds').click())
    d.act('distillation: CFG -> 100', d.press(d.slider('CFG'), 'End'))
    d.act('distillation: snapshot -1', d.press(d.slider('snapshot'), 'ArrowLeft'))
    page.screenshot(path=str(SCREENS / 'classroom_image_distillation.png'))

    # 3D particles: the live view (when vsd_tutorial.live exists) and the precomputed gallery
    d.open_tab('3D particles')
    d.act('3D: azimuth +15', d.press(d.slider('azimuth'), 'ArrowRight'))
    d.act('3D: elevation +5', d.press(d.slider('elevation'), 'ArrowRight'))
    d.act('3D: snapshot step -1', d.press(d.slider('step'), 'ArrowLeft'))
    live = page.locator('button:visible', has_text='Start').count() > 0     # the live view, when vsd_tutorial.live exists

    # meshes (plotly)
    d.open_tab('Meshes')
    page.locator('.js-plotly-plot:visible').first.wait_for(timeout=30_000)
    d.act('meshes: show all', lambda: d.select('show').select_option('all'))
    page.screenshot(path=str(SCREENS / 'classroom_meshes.png'))

    # the live view last (its run takes the CPU while it runs): Start answers at once, the first frame follows, Stop ends it
    d.open_tab('3D particles')
    if live:
        d.act('3D live: Start', lambda: d.button('Start').click())
        t1 = time.time()
        frame = wait_until(lambda: page.locator('.widget-image:visible').first.evaluate('i => i.complete && i.naturalWidth > 0'), timeout=120)
        assert frame, 'the live view drew no frame within 120 s of Start'
        first_frame = time.time() - t1
        d.act('3D live: Stop', lambda: d.button('Stop').click())
        assert wait_until(lambda: d.button('Start').is_enabled(), timeout=60), 'the live run did not stop within 60 s of Stop'
    page.screenshot(path=str(SCREENS / 'classroom_3d_particles.png'))

    text = page.inner_text('body')
    assert 'Traceback' not in text, text[:2000]
    assert not widget_errors(page), widget_errors(page)
    page_watch.assert_clean('classroom: ')
    total = time.time() - t0
    limit, note = response_limit()
    if live:
        note += f'; live view: first frame {first_frame:.1f} s after Start (a background run, not a cached answer)'
    (SCREENS / 'classroom_times.json').write_text(json.dumps(dict(page_ready_s=round(t_ready, 1), total_s=round(total, 1),
                                                                  limit=note, controls_s=d.times), indent=1))
    print(f'classroom: page ready {t_ready:.1f} s after start; test {total:.1f} s; {note}; answers (s): {d.times}')
    slow = {k: v for k, v in d.times.items() if v > limit}
    if slow: print(f'classroom: controls over the {limit:.0f} s target ({note}): {slow}')   # measured, not asserted (a timing is no test)
