"""axe-core (bundled by axe-playwright-python, no network): every public page type at both widths
has no violation at all, whatever its impact (WCAG 2.1 AA); the back office's main screens none of
impact "serious" or "critical". And the public pages by keyboard: the skip link, visible focus."""

import os

import pytest
from browserkit import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    login,
    serious_violations,
    snapshot,
)

ARTICLE = "/bai-viet/tap-huan-nghiep-vu-cong-tac-to-chuc-cho-can-bo-cap-xa-sau-sap-xep"
PUBLIC_PAGES = {
    "home": ("/", 200),
    "category": ("/chuyen-muc/xay-dung-dang", 200),
    "article": (ARTICLE, 200),
    "tag": ("/the/can-bo", 200),
    "search results": ("/tim-kiem?q=c%C3%A1n+b%E1%BB%99", 200),
    "search, nothing found": ("/tim-kiem?q=xyzqwv", 200),
    "404": ("/bai-viet/khong-co-bai-nay", 404),
    "login": ("/dang-nhap", 200),
}
BACK_OFFICE = {
    "dashboard": "/admin/",
    "article list": "/admin/article/",
    "article new": "/admin/article/new/",
    "article edit": "/admin/article/edit/?id=1",
    "visit list": "/admin/visit/",
    "visit form": "/admin/visit/new/",
    "visit details": "/admin/visit/details/?id=1",
    "visit report": "/admin/visit/report/1",
    "visit dashboards": "/admin/visit-dashboard/",
    "visits per month": "/admin/visit-dashboard/months",
    "field days": "/admin/visit-dashboard/field-days",
    "coverage": "/admin/visit-dashboard/coverage",
    "overdue follow-ups": "/admin/visit-dashboard/follow-ups",
    "staff search": "/admin/tim-kiem/?q=can+bo",
    "site settings": "/admin/site_settings/edit/?id=1",
    "site links": "/admin/site_link/",
}


@pytest.fixture(scope="module")
def axe_context(browser, live_site):
    """One logged-in admin browser for the back-office screens (CSP bypassed only so that axe's
    script can be injected; the pages' own scripts run under whatever policy they are sent)."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_site.base_url, bypass_csp=True)
    page = context.new_page()
    login(page, "quantri", live_site.password)
    yield page
    context.close()


# Every public page type at both widths (feeds are XML: not pages for axe).
PUBLIC_CASES = [(name, width) for name in PUBLIC_PAGES for width in ("desktop", "phone")]


@pytest.mark.parametrize(("name", "width"), PUBLIC_CASES)
def test_public_page_has_no_violations(browser, live_site, name, width):
    path, status = PUBLIC_PAGES[name]
    context = browser.new_context(viewport=DESKTOP if width == "desktop" else PHONE,
                                  base_url=live_site.base_url, bypass_csp=True)
    try:
        page = context.new_page()
        response = page.goto(path)
        assert response.status == status
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("name", list(BACK_OFFICE))
def test_back_office_screen_has_no_serious_violations(axe_context, name):
    page = axe_context
    response = page.goto(BACK_OFFICE[name])
    if name == "staff search" and response.status == 404:
        pytest.skip("the staff search screen /admin/tim-kiem/ does not exist yet")
    assert response.status == 200, page.url
    assert "/dang-nhap" not in page.url
    assert serious_violations(page) == []


def test_back_office_screens_fit_a_phone(new_page, live_site):
    """Wide tables scroll inside their own focusable region; the page itself never sideways."""
    page = new_page(PHONE)
    login(page, "quantri", live_site.password)
    too_wide = {}
    for name in ("dashboard", "article list", "visit list", "visit form", "visit dashboards",
                 "field days", "coverage", "overdue follow-ups"):
        page.goto(BACK_OFFICE[name])
        overflow = horizontal_overflow(page)
        if overflow > 0:
            too_wide[name] = overflow
    assert too_wide == {}


def test_skip_link_moves_the_keyboard_focus_to_the_main_content(reader, live_site):
    page = reader
    page.goto(ARTICLE)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.is_visible() and skip.bounding_box()["x"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the menu
    assert page.evaluate("document.getElementById('noi-dung').contains(document.activeElement)")


def test_every_link_and_button_shows_where_the_keyboard_is(desktop, live_site):
    """Tabbing through the home page: each stop gets a visible outline (or its own focus look)."""
    page = desktop
    page.goto("/")
    unmarked = []
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 40),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
        }""")
        if style["tag"] == "BODY":
            break
        if not style["outline"]:
            unmarked.append(style)
    assert unmarked == []


def test_public_pages_fit_the_screen_with_date_line_and_footer(reader, live_site):
    """The banner's date line and the footer's facts and links, at both widths, with no sideways
    scrolling (BROWSER_SCREENSHOTS=DIR keeps the pictures)."""
    page = reader
    for name in ("home", "article", "category"):
        page.goto(PUBLIC_PAGES[name][0])
        assert page.locator(".date-line").inner_text().startswith(("Thứ ", "Chủ nhật"))
        footer = page.locator("footer")
        assert "Chịu trách nhiệm chính" in footer.inner_text()
        assert footer.get_by_role("link", name="Báo điện tử Đảng Cộng sản Việt Nam").is_visible()
        assert horizontal_overflow(page) == 0, name
        snapshot(page, name)
    if os.environ.get("BROWSER_SCREENSHOTS"):
        footer.screenshot(path=os.path.join(os.environ["BROWSER_SCREENSHOTS"],
                                            f"footer-{page.viewport_size['width']}.png"))
