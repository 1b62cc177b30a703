"""Helpers for the browser tests: layout checks, logging in through the real form, axe-core."""

import os
import re

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SKIP_REASON = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # The network is closed: no background look-ups of Google hosts, only the loopback server.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")
_axe = Axe()


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate("""() => {
        const root = document.documentElement;
        return Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth;
    }""")


def broken_images(page):
    """The src of every <img> that finished loading without a picture (lazy ones are scrolled to)."""
    return page.evaluate("""async () => {
        const images = Array.from(document.images);
        for (const img of images) { img.loading = "eager"; }
        await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
            img.addEventListener("load", done); img.addEventListener("error", done); })));
        return images.filter(img => img.naturalWidth === 0).map(img => img.getAttribute("src"));
    }""")


def login(page, username, password):
    """Log in at /dang-nhap through the form, as a person does; lands on the back office."""
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/admin/"))


def axe_violations(page, impacts=None):
    """axe-core's violations on the page as it is now, as short lines; `impacts`: only those
    (None: every violation, whatever its impact, as WCAG 2.1 AA on public pages asks)."""
    result = _axe.run(page)
    found = []
    for violation in result.response["violations"]:
        if impacts is None or violation["impact"] in impacts:
            targets = [node["target"] for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
                         f"{violation['help']} -> {targets}")
    return found


def serious_violations(page):
    """axe-core's violations of impact serious or critical on the page as it is now, as short lines."""
    return axe_violations(page, BLOCKING_IMPACTS)


def words(text):
    return re.sub(r"\s+", " ", text).strip()


def snapshot(page, name):
    """With BROWSER_SCREENSHOTS=DIR set, save a full-page screenshot there (for people to look at)."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
