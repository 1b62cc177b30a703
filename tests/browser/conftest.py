"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, against the site served by
`liveserver.py` in a process of its own (fresh data dir, demo content, indexes built, one account
per role), on SQLite or on TEST_DATABASE_URL.

Without Chromium every test here is skipped with the reason below; `.ci/run` installs it.
The server and the browser are built once for the whole folder (package scope).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, SKIP_REASON

HERE = Path(__file__).resolve().parent


def chromium_available():
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not chromium_available():
        pytest.skip(SKIP_REASON)


class LiveSite:
    """The running site: its base URL, the accounts' password, and the process serving it."""

    def __init__(self, process, port, password, data_dir):
        self.process, self.port, self.password, self.data_dir = process, port, password, data_dir
        self.base_url = f"http://127.0.0.1:{port}"

    def url(self, path):
        return self.base_url + path


@pytest.fixture(scope="package")
def live_site(tmp_path_factory):
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    import json
    data_dir = tmp_path_factory.mktemp("browser-site")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    log = open(data_dir / "server.log", "w+")  # noqa: SIM115 -- closed at teardown
    process = subprocess.Popen([sys.executable, str(HERE / "liveserver.py"), str(data_dir / "data")],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                               env=env)
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        process.wait()
        log.seek(0)
        raise RuntimeError(f"the browser-test server did not start: {line!r}\n{log.read()[-4000:]}")
    _, port, extra = line.split(" ", 2)
    site = LiveSite(process, int(port), json.loads(extra)["password"], data_dir / "data")
    site.log = log
    yield site
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="package")
def browser():
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    # launch() gives every run a fresh temporary user-data dir, removed on close.
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


def _new_page(browser, live_site, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_site.base_url, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    return context, page


@pytest.fixture
def desktop(browser, live_site):
    context, page = _new_page(browser, live_site, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_site):
    context, page = _new_page(browser, live_site, PHONE)
    yield page
    context.close()


@pytest.fixture(params=["desktop", "phone"])
def reader(request, browser, live_site):
    """A reader's page at desktop width (1280x800) and at phone width (390x844)."""
    context, page = _new_page(browser, live_site, DESKTOP if request.param == "desktop" else PHONE)
    page.width_name = request.param
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_site):
    """Open more pages (each in its own context: its own cookies, like another person's browser)."""
    contexts = []

    def make(viewport=DESKTOP):
        context, page = _new_page(browser, live_site, viewport)
        contexts.append(context)
        return page
    yield make
    for context in contexts:
        context.close()
