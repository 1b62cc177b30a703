"""Printing an article (print media emulated): no menu, search, sidebar or footer links; the title,
date, body and the page's address are there, and the "In bài viết" button opens the print dialog."""

from browserkit import DESKTOP, PHONE, snapshot

ARTICLE = "/bai-viet/tap-huan-nghiep-vu-cong-tac-to-chuc-cho-can-bo-cap-xa-sau-sap-xep"
HIDDEN_IN_PRINT = (".menu", ".header-search", ".sidebar", ".footer-links", ".skip-link", ".breadcrumb",
                   ".print-button", ".related", ".same-category")


def test_printed_article_has_no_menu_nor_sidebar(new_page, live_site):
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport)
        page.goto(ARTICLE)
        assert page.locator(".menu").is_visible() and page.locator(".sidebar").is_visible()
        page.emulate_media(media="print")
        shown = {selector for selector in HIDDEN_IN_PRINT
                 if page.locator(selector).count() and page.locator(selector).first.is_visible()}
        assert shown == set()
        title = page.locator("h1.article-title")
        assert title.is_visible() and "Tập huấn nghiệp vụ" in title.inner_text()
        assert page.locator(".article-meta time").is_visible()
        assert page.locator(".article-body").is_visible()
        assert len(page.locator(".article-body").inner_text()) > 300
        url = page.locator(".print-url")
        assert url.is_visible() and ARTICLE in url.inner_text()
        snapshot(page, "article-print")
        assert page.errors == []


def test_print_button_opens_the_print_dialog(desktop, live_site):
    page = desktop
    page.goto(ARTICLE)
    button = page.get_by_role("button", name="In bài viết")
    assert button.is_visible()  # shown by the site's own script (CSP: scripts from the site only)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    assert not button.is_visible()
    assert page.errors == []
