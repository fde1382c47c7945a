"""Fixtures of the real-browser tests (tests/browser/browser_util.py) and the one line that says they were skipped."""
from browser_util import SKIP_LINE, browser, chromium_path, find_chromium, page_watch, static_site, voila  # noqa: F401


def pytest_terminal_summary(terminalreporter):
    "Without Chromium: one line, however many browser tests were skipped"
    skipped = terminalreporter.stats.get('skipped', [])
    if find_chromium() is None and any(SKIP_LINE in str(r.longrepr) for r in skipped):
        terminalreporter.write_line(f'SKIPPED: {SKIP_LINE}')
