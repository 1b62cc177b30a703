"""The documents register in Chromium, at desktop (1280x800) and phone (390x844) widths: a reader
types a number without diacritics, opens the document, downloads its file and follows it to an
article that cites it (and back by the article's own link); public search finds it too; axe-core
finds no violation at all on /van-ban and a document page. Screenshots with BROWSER_SCREENSHOTS."""

import re

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
from playwright.sync_api import expect

DOCUMENT = "/van-ban/quyet-dinh-2993-qd-tu"


def assert_page_sound(page):
    assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at {page.viewport_size}"
    assert page.errors == [], page.errors


def test_a_reader_finds_a_document_by_its_number_downloads_it_and_reaches_a_citing_article(reader):
    page = reader
    page.goto("/")
    page.get_by_role("link", name="Văn bản", exact=True).first.click()
    page.wait_for_url("**/van-ban")
    expect(page.locator("h1")).to_have_text("Văn bản")
    assert_page_sound(page)

    page.get_by_label("Số, ký hiệu hoặc trích yếu").fill("2993 qd tu")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_url(re.compile(r"/van-ban\?.*q=2993"))
    expect(page.locator(".search-summary")).to_contain_text("Tìm thấy 1 văn bản")
    snapshot(page, "documents-filtered")
    page.get_by_role("link", name="Quyết định số 2993-QĐ/TU").click()
    page.wait_for_url(f"**{DOCUMENT}")
    expect(page.locator("h1")).to_have_text("Quyết định số 2993-QĐ/TU")
    meta = page.locator("table.document-meta")
    expect(meta).to_contain_text("Ban Thường vụ Tỉnh ủy")
    expect(meta).to_contain_text("Còn hiệu lực")
    assert_page_sound(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Tải về Quyết định 2993-QĐ-TU\.pdf")).click()
    download = download_info.value
    assert download.suggested_filename == "Quyết định 2993-QĐ-TU.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"

    citing = page.locator("section.document-citing")
    expect(citing.get_by_role("heading", name="Bài viết dẫn chiếu")).to_be_visible()
    article_link = citing.locator("li a").first
    title = article_link.inner_text().strip()
    article_link.click()
    page.wait_for_url("**/bai-viet/**")
    expect(page.locator("h1")).to_have_text(title)
    back = page.locator(".article-body a.document-link", has_text="2993-QĐ/TU").first
    expect(back).to_have_attribute("href", DOCUMENT)
    back.click()
    page.wait_for_url(f"**{DOCUMENT}")


def test_public_search_lists_the_document_labelled_with_its_number(reader):
    page = reader
    page.goto("/tim-kiem?q=2993-QD%2FTU")
    result = page.locator("article.search-document").first
    expect(result).to_contain_text("Văn bản")
    expect(result).to_contain_text("Số 2993-QĐ/TU")
    assert page.locator("article.item").count() >= 2  # the document and articles citing it, one list
    assert_page_sound(page)


def test_a_replaced_document_links_to_its_successor(desktop):
    page = desktop
    page.goto("/van-ban?q=05-HD%2FBTCTU")
    page.get_by_role("link", name="Hướng dẫn số 05-HD/BTCTU").click()
    notice = page.locator(".document-replaced")
    expect(notice).to_contain_text("đã được thay thế")
    notice.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Hướng dẫn số 12-HD/BTCTU")


@pytest.mark.parametrize("path", ["/van-ban", "/van-ban?loai=quy-dinh", DOCUMENT,
                                  "/van-ban/huong-dan-05-hd-btctu", "/tim-kiem?q=2993-QD%2FTU"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_document_pages_have_no_axe_violation_at_all(browser, live_site, path, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_site.base_url, bypass_csp=True)
    try:
        page = context.new_page()
        assert page.goto(path).status == 200
        assert axe_violations(page) == []
        assert horizontal_overflow(page) <= 0
        name = "documents-" + (re.sub(r"[^a-z0-9]+", "-", path.strip("/").split("?")[0]) or "home")
        if "?" in path:
            name += "-" + re.sub(r"[^a-z0-9]+", "-", path.split("?")[1].lower())
        snapshot(page, name)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/admin/document/", "/admin/document/new/", "/admin/document/edit/?id=3",
                                  "/admin/document/details/?id=3", "/admin/document/revisions/3"])
def test_back_office_document_screens_have_no_serious_violation(browser, live_site, path):
    context = browser.new_context(viewport=DESKTOP, base_url=live_site.base_url, bypass_csp=True)
    try:
        page = context.new_page()
        login(page, "bientap", live_site.password)
        assert page.goto(path).status == 200
        assert serious_violations(page) == []
        snapshot(page, "admin-" + re.sub(r"[^a-z0-9]+", "-", path.strip("/")).strip("-"))
    finally:
        context.close()
