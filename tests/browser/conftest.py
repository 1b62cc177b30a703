"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, against the site served by
`liveserver.py` in a process of its own (fresh data dir, demo content, indexes built, one account
per role), on SQLite or on TEST_DATABASE_URL.

Without Chromium every test here is skipped with the reason below; `.ci/run` installs it.
The server and the browser are started once for the whole folder and stopped when it is done.
"""

import json
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

    def __init__(self, tmp_path_factory):
        data_dir = tmp_path_factory.mktemp("browser-site")
        self.data_dir = data_dir / "data"
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        self.log = open(data_dir / "server.log", "w+")  # noqa: SIM115 -- closed by stop()
        self.process = subprocess.Popen([sys.executable, str(HERE / "liveserver.py"), str(self.data_dir)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                        text=True, env=env)
        line = self.process.stdout.readline()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the browser-test server did not start: {line!r}\n{self.server_log()}")
        _, port, extra = line.split(" ", 2)
        self.port, self.password = int(port), json.loads(extra)["password"]
        self.base_url = f"http://127.0.0.1:{self.port}"

    def server_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self):
        """Closing its stdin ends the server process (it also ends when this process dies)."""
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Chromium:
    def __init__(self):
        from playwright.sync_api import sync_playwright
        self.playwright = sync_playwright().start()
        # launch() gives every run a fresh temporary user-data dir, removed on close.
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                       headless=True)

    def stop(self):
        self.browser.close()
        self.playwright.stop()


# The server and the browser live from the first test of this folder to its last one. Not a
# session fixture: on PostgreSQL the server shares TEST_DATABASE_URL with the rest of the suite,
# which empties that database for every test, so it must be gone before the next folder starts
# (pytest's "package" scope needs an __init__.py, which the suite's flat imports do not use).
_RUNNING = {}


def _shut_down():
    for name in ("browser", "site"):
        running = _RUNNING.pop(name, None)
        if running is not None:
            running.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is None or HERE not in Path(nextitem.path).parents:
        _shut_down()
    return result


def pytest_sessionfinish(session):
    _shut_down()


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    if "site" not in _RUNNING:
        _RUNNING["site"] = LiveSite(tmp_path_factory)
    return _RUNNING["site"]


@pytest.fixture(scope="module")
def browser():
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    if "browser" not in _RUNNING:
        _RUNNING["browser"] = Chromium()
    return _RUNNING["browser"].browser


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
