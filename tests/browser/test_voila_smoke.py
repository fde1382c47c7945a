"""Voilà in a real browser: the harness that the classroom dashboard tests build on, proven on a tiny notebook.

Moves the slider of tests/browser/fixtures/voila_smoke.ipynb and checks that the image changes, that no widget shows an
error, that the console stays clean and that the page asks nothing of a host outside localhost."""
import time
from pathlib import Path

from browser_util import SCREENS, wait_until, widget_errors

SMOKE = Path(__file__).parent / 'fixtures' / 'voila_smoke.ipynb'


def test_voila_slider_changes_image(voila, page_watch):
    page = page_watch.page
    t0 = time.time()
    url = voila(SMOKE)
    page.goto(url, wait_until='load', timeout=90_000)
    handle = page.locator('.noUi-handle').first
    handle.wait_for(state='visible', timeout=90_000)
    img = page.locator('.widget-image').first
    img.wait_for(state='visible', timeout=30_000)
    page.wait_for_function('() => { const i = document.querySelector(".widget-image"); '
                           'return i && i.complete && i.naturalWidth > 0; }', timeout=30_000)
    t_ready = time.time() - t0
    before = img.screenshot()
    page.screenshot(path=str(SCREENS / 'voila_smoke_before.png'))
    readout = page.locator('.widget-readout').first
    assert readout.inner_text().strip() == '2'
    handle.focus()
    for _ in range(5):
        handle.press('ArrowRight')
    t1 = time.time()
    after = wait_until(lambda: (shot := img.screenshot()) != before and shot)
    t_answer = time.time() - t1
    page.screenshot(path=str(SCREENS / 'voila_smoke_after.png'))
    assert after, 'the image did not change within 20 s of moving the slider'
    assert readout.inner_text().strip() == '7'
    assert not widget_errors(page), widget_errors(page)
    page_watch.assert_clean('voila smoke: ')
    print(f'voila smoke: page ready {t_ready:.1f} s after start, image answered the slider in {t_answer:.2f} s')
