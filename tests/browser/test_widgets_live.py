"""The widgets that draw from a running kernel, in a real browser: MeshViewer's plotly figure and LiveParticles' redraws.

Opens tests/browser/fixtures/widgets_live.ipynb in Voilà (the offline classroom template) and checks that the 3D mesh
figure is drawn (a WebGL canvas, the picture changes with the dropdown), that LiveParticles' Start runs stage 1 in
the background and redraws its particles, that Stop stops it, with no widget error, no console error and no request
leaving localhost. Screenshots: outputs/browser/widgets_live_*.png."""
import time
from pathlib import Path

from browser_util import SCREENS, wait_until, widget_errors

NOTEBOOK = Path(__file__).parent / 'fixtures' / 'widgets_live.ipynb'


def shot(locator):
    "PNG bytes of the element, or None while it is being replaced"
    try:
        return locator.screenshot(timeout=5_000)
    except Exception:
        return None


def test_mesh_viewer_draws(voila, page_watch):
    page = page_watch.page
    url = voila(NOTEBOOK)
    page.goto(url, wait_until='load', timeout=120_000)
    plot = page.locator('.js-plotly-plot').first
    plot.wait_for(state='visible', timeout=120_000)
    canvas = plot.locator('canvas').first
    canvas.wait_for(state='visible', timeout=30_000)
    time.sleep(1.0)                                        # WebGL draws on the next frames
    before = shot(canvas)
    page.screenshot(path=str(SCREENS / 'widgets_live_mesh_before.png'))
    page.locator('.widget-dropdown select').first.select_option(label='all')
    time.sleep(0.5)
    after = wait_until(lambda: (png := shot(page.locator('.js-plotly-plot canvas').first)) not in (None, before) and png, timeout=30)
    page.screenshot(path=str(SCREENS / 'widgets_live_mesh_all.png'))
    assert after, 'the mesh figure did not change after picking "all"'
    assert page.locator('.js-plotly-plot').count() == 1
    assert not widget_errors(page), widget_errors(page)
    page_watch.assert_clean('MeshViewer: ')


def test_live_particles_start_redraw_stop(voila, page_watch):
    page = page_watch.page
    url = voila(NOTEBOOK)
    page.goto(url, wait_until='load', timeout=120_000)
    start = page.get_by_role('button', name='Start')
    start.wait_for(state='visible', timeout=120_000)
    page.locator('.js-plotly-plot').first.wait_for(state='visible', timeout=60_000)   # the page has settled
    t0 = time.time()
    start.click()
    page.wait_for_function('() => { const i = document.querySelector(".widget-image"); '
                           'return i && i.complete && i.naturalWidth > 0; }', timeout=60_000)
    t_first = time.time() - t0
    img = page.locator('.widget-image').first
    first = shot(img)
    page.screenshot(path=str(SCREENS / 'widgets_live_particles_first.png'), full_page=True)
    t1 = time.time()
    later = wait_until(lambda: (png := shot(img)) not in (None, first) and png, timeout=60)
    t_next = time.time() - t1
    assert later, 'the live view did not redraw within 60 s of its first picture'
    page.get_by_role('button', name='Stop').click()
    status = page.locator('.widget-html', has_text='stopped at step')
    status.wait_for(state='visible', timeout=60_000)
    page.screenshot(path=str(SCREENS / 'widgets_live_particles_stopped.png'), full_page=True)
    assert 'Start resumes' in status.inner_text()
    assert not widget_errors(page), widget_errors(page)
    page_watch.assert_clean('LiveParticles: ')
    print(f'LiveParticles: first picture {t_first:.1f} s after Start, next redraw {t_next:.1f} s later')
