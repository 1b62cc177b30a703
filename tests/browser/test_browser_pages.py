"""Giới thiệu and Lịch công tác in Chromium, on the demo site: a reader reads this week's schedule
and the next, prints it (print media: no menu, no sidebar), reads the introduction pages; axe-core
finds no violation at all at 1280 and 390 px; an editor publishes a week and readers see it at once.
"""

import re

import pytest
from browserkit import DESKTOP, PHONE, axe_violations, horizontal_overflow, login, snapshot, words
from playwright.sync_api import expect

from cms.schedule import IsoWeek, day_label

THIS_WEEK = IsoWeek.current()  # the demo schedule is written around the day the site is built
NEXT_WEEK, DRAFT_WEEK, EMPTY_WEEK = THIS_WEEK.shifted(1), THIS_WEEK.shifted(2), THIS_WEEK.shifted(3)
INTERNAL_ITEM = "phương án nhân sự"  # demo items marked internal say this


def assert_page_sound(page):
    assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at {page.viewport_size}"
    assert page.errors == [], page.errors


def test_reader_reads_this_weeks_schedule_and_the_next(reader):
    page = reader
    page.goto("/")
    page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name="Lịch công tác").click()
    page.wait_for_url("**/lich-cong-tac")
    expect(page.locator("h1")).to_have_text(re.compile("Lịch công tác của Lãnh đạo Ban", re.I))
    expect(page.locator(".schedule-week-title")).to_contain_text(THIS_WEEK.title)
    expect(page.locator(".schedule-badge")).to_have_text("Tuần này")
    expect(page.get_by_role("heading", name=day_label(THIS_WEEK.monday))).to_be_visible()
    assert page.locator(".schedule-item").count() >= 5
    assert INTERNAL_ITEM not in page.locator("main").inner_text()
    expect(page.locator(".schedule-item").first).to_contain_text("Chủ trì:")
    assert_page_sound(page)
    snapshot(page, "schedule-this-week")

    page.get_by_role("link", name="Tuần sau »").click()
    page.wait_for_url(f"**/lich-cong-tac/{NEXT_WEEK.label}")
    expect(page.locator(".schedule-week-title")).to_contain_text(NEXT_WEEK.title)
    expect(page.get_by_role("heading", name=day_label(NEXT_WEEK.monday))).to_be_visible()
    assert page.locator(".schedule-item").count() >= 3
    assert_page_sound(page)
    snapshot(page, "schedule-next-week")

    page.get_by_role("link", name="Tuần này").click()
    page.wait_for_url("**/lich-cong-tac")
    page.get_by_role("link", name="« Tuần trước").click()
    page.wait_for_url(f"**/lich-cong-tac/{THIS_WEEK.shifted(-1).label}")
    assert page.locator(".schedule-item").count() >= 3


def test_printing_the_schedule_leaves_out_menu_and_sidebar(reader):
    page = reader
    page.goto("/lich-cong-tac")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="In lịch").click()  # the browser's print dialog, stubbed here
    assert page.evaluate("() => window.printed") == 1
    page.emulate_media(media="print")
    expect(page.locator("nav.menu")).to_be_hidden()
    expect(page.locator("aside.sidebar")).to_be_hidden()
    expect(page.locator(".schedule-nav")).to_be_hidden()
    expect(page.locator(".header-search")).to_be_hidden()
    expect(page.locator(".schedule-day").first).to_be_visible()
    expect(page.get_by_role("heading", name=day_label(THIS_WEEK.monday))).to_be_visible()
    snapshot(page, "schedule-print-media")
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Bản in").click()
    page.wait_for_url(f"**/lich-cong-tac/{THIS_WEEK.label}/ban-in")
    assert page.locator("nav.menu").count() == 0 and page.locator("aside.sidebar").count() == 0
    expect(page.locator(".schedule-week-title")).to_contain_text(THIS_WEEK.title)
    assert INTERNAL_ITEM not in page.locator("main").inner_text()
    assert_page_sound(page)
    snapshot(page, "schedule-printable")


def test_an_empty_week_and_a_bad_week_say_so(desktop):
    page = desktop
    page.goto(f"/lich-cong-tac/{EMPTY_WEEK.label}")
    expect(page.locator(".schedule-empty")).to_have_text("Chưa có lịch công tác được công bố cho tuần này.")
    response = page.goto("/lich-cong-tac?tuan=tuan-sau")
    assert response.status == 400
    expect(page.locator("h1")).to_have_text(re.compile("Tuần không hợp lệ", re.I))
    snapshot(page, "schedule-bad-week")


def test_reader_reads_the_introduction(reader):
    page = reader
    page.goto("/")
    page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name="Giới thiệu").click()
    page.wait_for_url("**/gioi-thieu")
    titles = [words(t) for t in page.locator(".intro-index .item-title").all_inner_texts()]
    assert titles == ["Chức năng, nhiệm vụ", "Cơ cấu tổ chức", "Lãnh đạo Ban", "Liên hệ"]
    assert_page_sound(page)
    snapshot(page, "intro-index")

    page.get_by_role("link", name="Cơ cấu tổ chức").click()
    page.wait_for_url("**/gioi-thieu/co-cau-to-chuc")
    departments = page.locator(".department-list li")
    assert departments.count() == 5
    expect(departments.first).to_contain_text("Văn phòng Ban")
    expect(departments.first).to_contain_text("Chánh Văn phòng: Nguyễn Văn Thắng")
    expect(page.get_by_role("navigation", name="Các trang giới thiệu")
           .get_by_role("link", name="Cơ cấu tổ chức")).to_have_attribute("aria-current", "page")
    assert_page_sound(page)
    snapshot(page, "intro-organisation")

    tabs = page.get_by_role("navigation", name="Các trang giới thiệu")
    tabs.get_by_role("link", name="Lãnh đạo Ban").click()
    page.wait_for_url("**/gioi-thieu/lanh-dao-ban")
    expect(page.get_by_role("heading", name="Đồng chí Phạm Xuân Bình")).to_be_visible()
    assert_page_sound(page)

    tabs.get_by_role("link", name="Liên hệ").click()
    page.wait_for_url("**/gioi-thieu/lien-he")
    expect(page.locator(".contact a[href^='tel:']")).to_be_visible()
    expect(page.locator(".contact a[href^='mailto:']")).to_be_visible()
    assert_page_sound(page)
    snapshot(page, "intro-contact")


PUBLIC_PAGES = {
    "intro index": ("/gioi-thieu", 200),
    "functions": ("/gioi-thieu/chuc-nang-nhiem-vu", 200),
    "organisation": ("/gioi-thieu/co-cau-to-chuc", 200),
    "leadership": ("/gioi-thieu/lanh-dao-ban", 200),
    "contact": ("/gioi-thieu/lien-he", 200),
    "this week": ("/lich-cong-tac", 200),
    "next week": (f"/lich-cong-tac/{NEXT_WEEK.label}", 200),
    "empty week": (f"/lich-cong-tac/{EMPTY_WEEK.label}", 200),
    "printable week": (f"/lich-cong-tac/{THIS_WEEK.label}/ban-in", 200),
    "bad week": ("/lich-cong-tac/2026-W99", 404),
}


@pytest.mark.parametrize("width", ["1280", "390"])
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_no_accessibility_violation_at_all(browser, live_site, name, width):
    path, status = PUBLIC_PAGES[name]
    context = browser.new_context(viewport=DESKTOP if width == "1280" else PHONE,
                                  base_url=live_site.base_url, bypass_csp=True)
    try:
        page = context.new_page()
        assert page.goto(path).status == status
        assert axe_violations(page) == []
    finally:
        context.close()


def test_editor_publishes_a_week_and_readers_see_it_at_once(new_page, live_site):
    """Last in this file: it publishes the demo's draft week."""
    reader = new_page()
    reader.goto(f"/lich-cong-tac/{DRAFT_WEEK.label}")  # cached as "nothing published yet"
    expect(reader.locator(".schedule-empty")).to_be_visible()

    editor = new_page()
    login(editor, "bientap", live_site.password)
    editor.goto("/admin/schedule_week/")
    editor.get_by_role("link", name=DRAFT_WEEK.title).click()
    editor.wait_for_url("**/admin/schedule_week/edit/**")
    expect(editor.locator("textarea", has_text="tổng kết công tác tổ chức").first).to_be_attached()
    editor.get_by_role("button", name="Xuất bản / lên lịch").click()
    expect(editor.locator(".alert")).to_contain_text("Đã thực hiện")

    reader.goto(f"/lich-cong-tac/{DRAFT_WEEK.label}")
    expect(reader.locator(".schedule-item").first).to_be_visible()
    expect(reader.locator("main")).to_contain_text("tổng kết công tác tổ chức xây dựng Đảng năm 2026")
