"""Real-browser test harness: Playwright (Python) driving the system's Chromium, a static file server, Voilà.

tests/browser/conftest.py makes these fixtures available to every test in tests/browser/:
- `browser`: one headless Chromium for the session. Playwright's own browser download is not reachable here, so
  Chromium comes from the system: $CHROMIUM, /usr/bin/chromium, or whatever `shutil.which` finds. Without it every
  browser test is skipped with one line (install: `apt-get install chromium`; .ci/run does that).
- `page_watch`: a new page that records console errors, page errors and every request to a host outside
  localhost (classrooms can be offline); `watch.assert_clean()` fails on any of them.
- `voila`: a factory that starts Voilà on a free port for a notebook and returns its URL; stopped after the test.
- `static_site`: a factory that serves a folder over HTTP on a free port and returns its URL.
Screenshots go under outputs/browser/ (gitignored).
"""
import contextlib
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / 'outputs' / 'browser'
SKIP_LINE = 'chromium not installed: apt-get install chromium (or set CHROMIUM=/path); browser tests skipped'
VOILA_DATA = ROOT / 'tools' / 'jupyter'      # holds voila/templates/classroom: the lab template without CDN links
VOILA_TEMPLATE = 'classroom'
LOCAL_HOSTS = {'127.0.0.1', 'localhost', '::1', '[::1]'}


def find_chromium():
    "Path of a Chromium/Chrome binary, or None: $CHROMIUM, /usr/bin/chromium, then the PATH"
    env = os.environ.get('CHROMIUM')
    if env:
        return env if Path(env).exists() else None
    for cand in ['/usr/bin/chromium', '/usr/bin/chromium-browser']:
        if Path(cand).exists():
            return cand
    for name in ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port():
    "A TCP port nobody listens on right now"
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_http(url, timeout=60.0, proc=None):
    "Poll `url` until it answers (any HTTP status); fail early when `proc` died"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f'server exited with code {proc.returncode} before answering {url}')
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f'{url} did not answer within {timeout:.0f} s')


@pytest.fixture(scope='session')
def chromium_path():
    path = find_chromium()
    if path is None:
        pytest.skip(SKIP_LINE)
    return path


@pytest.fixture(scope='session')
def browser(chromium_path):
    from playwright.sync_api import sync_playwright
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True)
        yield b
        b.close()


class PageWatch:
    "A page plus what went wrong on it: console errors, uncaught exceptions, requests leaving localhost"

    def __init__(self, page, allow_console=()):
        self.page = page
        self.console_errors = []
        self.page_errors = []
        self.external_requests = []
        self.failed_requests = []
        self.allow_console = list(allow_console)
        page.on('console', self._console)
        page.on('pageerror', lambda err: self.page_errors.append(str(err)))
        page.on('request', self._request)
        page.on('requestfailed', self._failed)

    def _console(self, msg):
        if msg.type == 'error' and not any(a in msg.text for a in self.allow_console):
            self.console_errors.append(f'{msg.text} at {msg.location.get("url", "")}')

    def _failed(self, req):
        # ERR_ABORTED: cancelled by the page itself (a navigation, a favicon); a real 404 is a console error anyway
        if 'ERR_ABORTED' not in (req.failure or ''):
            self.failed_requests.append(f'{req.url} ({req.failure})')

    def _request(self, req):
        u = urlparse(req.url)
        if u.scheme in ('http', 'https', 'ws', 'wss') and u.hostname not in LOCAL_HOSTS:
            self.external_requests.append(req.url)

    def reset(self):
        self.console_errors.clear()
        self.page_errors.clear()
        self.external_requests.clear()
        self.failed_requests.clear()

    def problems(self, where=''):
        out = [f'{where}console error: {e}' for e in self.console_errors]
        out += [f'{where}page error: {e}' for e in self.page_errors]
        out += [f'{where}request outside localhost: {u}' for u in self.external_requests]
        out += [f'{where}failed request: {u}' for u in self.failed_requests]
        return out

    def assert_clean(self, where=''):
        probs = self.problems(where)
        assert not probs, '\n'.join(probs)


@pytest.fixture
def page_watch(browser):
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    # a request leaving localhost is recorded (PageWatch) and aborted: the tests behave as in an offline classroom
    context.route(lambda url: urlparse(url).hostname not in LOCAL_HOSTS and urlparse(url).scheme in ('http', 'https'),
                  lambda route: route.abort())
    page = context.new_page()
    watch = PageWatch(page)
    yield watch
    context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_folder(folder):
    "Serve `folder` over HTTP on 127.0.0.1 (a thread); yields the base URL"
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_address[1]}/'
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def static_site():
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve_folder(folder))


@contextlib.contextmanager
def voila_server(notebook, port=None, timeout=90.0, extra_args=()):
    "Start Voilà for `notebook` on a free port (a subprocess); yields (url, process); kills it after"
    notebook = Path(notebook).resolve()
    if not notebook.exists():
        raise FileNotFoundError(f'no notebook {notebook}')
    port = port or free_port()
    log = open(SCREENS.parent / f'voila_{notebook.stem}_{port}.log', 'w') if SCREENS.parent.exists() else None
    jupyter_path = os.pathsep.join(p for p in [str(VOILA_DATA), os.environ.get('JUPYTER_PATH', '')] if p)
    env = {**os.environ, 'PYTHONUNBUFFERED': '1', 'JUPYTER_PATH': jupyter_path}
    cmd = [sys.executable, '-m', 'voila', str(notebook), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1',
           f'--template={VOILA_TEMPLATE}', '--show_tracebacks=True', *extra_args]
    proc = subprocess.Popen(cmd, cwd=notebook.parent, env=env, stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}/'
    try:
        wait_http(url + 'voila/static/', timeout=timeout, proc=proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            log.close()


@pytest.fixture
def voila():
    "voila(notebook) -> URL of a Voilà server for that notebook, stopped at the end of the test"
    SCREENS.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        yield lambda notebook, **kw: stack.enter_context(voila_server(notebook, **kw))[0]


# --- what the widget tests share ---------------------------------------------------------------------------------
ERROR_SELECTORS = ['.jupyter-widgets-error-widget', '[data-mime-type="application/vnd.jupyter.stderr"]',
                   '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]']


def widget_errors(page):
    "Text of every widget error / stderr / traceback output shown on the page"
    return [el.inner_text() for sel in ERROR_SELECTORS for el in page.query_selector_all(sel)]


def wait_until(cond, timeout=20.0, every=0.1):
    "Poll `cond()` until truthy; returns its value, or None after `timeout` seconds"
    t0 = time.time()
    while time.time() - t0 < timeout:
        v = cond()
        if v:
            return v
        time.sleep(every)
    return None
