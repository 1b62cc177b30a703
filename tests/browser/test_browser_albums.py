"""A reader opens a photo album by keyboard, on a desktop and on a phone: Tab to a photo, Enter opens
it large with its caption, the arrow key and "Ảnh sau" go on, Escape closes and gives focus back.
Without the script each photo is a page of its own. axe-core finds nothing on the album pages."""

import pytest
from browserkit import DESKTOP, PHONE, axe_violations, broken_images, horizontal_overflow, snapshot

ALBUM = "/thu-vien-anh/tap-huan-nghiep-vu-cong-tac-to-chuc-2026"
ARTICLE = "/bai-viet/tap-huan-nghiep-vu-cong-tac-to-chuc-cho-can-bo-cap-xa-sau-sap-xep"
FIRST_CAPTION = "Quang cảnh phiên khai mạc hội nghị tập huấn tại hội trường Tỉnh ủy sáng 12/3."
SECOND_CAPTION = "Đồng chí Trưởng Ban Tổ chức Tỉnh ủy phát biểu khai mạc"


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches selector (a reader's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reader_opens_an_album_by_keyboard(browser, live_site, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_site.base_url, locale="vi-VN")
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/thu-vien-anh")
        assert horizontal_overflow(page) == 0
        snapshot(page, "albums-list")
        page.get_by_role("link", name="Tập huấn nghiệp vụ công tác tổ chức xây dựng Đảng năm 2026").click()
        page.wait_for_url(f"**{ALBUM}")
        assert horizontal_overflow(page) == 0 and broken_images(page) == []
        snapshot(page, "album")
        tab_to(page, "a.album-photo")
        page.keyboard.press("Enter")
        dialog = page.locator("dialog.lightbox")
        dialog.wait_for(state="visible")
        assert dialog.locator("figcaption").inner_text() == FIRST_CAPTION
        assert "Ảnh 1/8" in dialog.inner_text()
        assert page.evaluate("() => document.querySelector('dialog img').naturalWidth") > 0 or \
            dialog.locator("img").get_attribute("src").endswith("-article.jpg")
        assert horizontal_overflow(page) == 0
        snapshot(page, "album-lightbox")
        page.keyboard.press("ArrowRight")
        assert SECOND_CAPTION in dialog.locator("figcaption").inner_text()
        page.keyboard.press("Enter")  # focus is on "Ảnh sau ›"
        assert "Ảnh 3/8" in dialog.inner_text()
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        focused = page.evaluate("() => document.activeElement.getAttribute('href')")
        assert focused == f"{ALBUM}/3"  # back on the photo the reader was looking at
        assert errors == []
    finally:
        context.close()


def test_without_script_each_photo_is_a_page_with_previous_and_next(browser, live_site):
    context = browser.new_context(viewport=PHONE, base_url=live_site.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(ALBUM)
        tab_to(page, "a.album-photo")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{ALBUM}/1")
        assert page.locator("figure.album-large figcaption").inner_text() == FIRST_CAPTION
        assert horizontal_overflow(page) == 0
        snapshot(page, "album-photo")
        page.get_by_role("link", name="Ảnh sau ›").click()
        page.wait_for_url(f"**{ALBUM}/2")
        assert SECOND_CAPTION in page.locator("figure.album-large figcaption").inner_text()
    finally:
        context.close()


def test_article_shows_the_caption_under_its_image(browser, live_site):
    context = browser.new_context(viewport=DESKTOP, base_url=live_site.base_url)
    try:
        page = context.new_page()
        page.goto(ARTICLE)
        caption = page.locator(".article-body figure figcaption")
        assert caption.inner_text() == ("Hội nghị tập huấn nghiệp vụ công tác tổ chức xây dựng Đảng "
                                        "tại hội trường Tỉnh ủy")
        image_box = page.locator(".article-body figure img").bounding_box()
        assert caption.bounding_box()["y"] >= image_box["y"] + image_box["height"]  # under the image
        page.locator(".article-body figure").scroll_into_view_if_needed()
        snapshot(page, "article-caption")
    finally:
        context.close()


PAGES = {"album list": "/thu-vien-anh", "album": ALBUM, "photo": f"{ALBUM}/2"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_album_pages_have_no_axe_violation(browser, live_site, name, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_site.base_url, bypass_csp=True)
    try:
        page = context.new_page()
        assert page.goto(PAGES[name]).status == 200
        assert axe_violations(page) == []
        if name == "album":  # and with the photo open in the dialog
            page.locator("a.album-photo").first.click()
            page.locator("dialog.lightbox").wait_for(state="visible")
            assert axe_violations(page) == []
    finally:
        context.close()


def test_editor_sees_an_album_with_its_photos_in_the_back_office(browser, live_site):
    from browserkit import login
    context = browser.new_context(viewport=DESKTOP, base_url=live_site.base_url)
    try:
        page = context.new_page()
        login(page, "bientap", live_site.password)
        page.get_by_role("link", name="Album ảnh").first.click()
        page.wait_for_url("**/admin/album/**")
        assert "Tập huấn nghiệp vụ công tác tổ chức xây dựng Đảng năm 2026" in page.content()
        snapshot(page, "admin-album-list")
        page.goto("/admin/album/edit/?id=1")
        assert page.locator("input[name='photo_links-0-caption']").input_value()
        assert "Lịch sử phiên bản" in page.content()
        snapshot(page, "admin-album-edit")
    finally:
        context.close()
