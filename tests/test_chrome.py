"""What every public page carries: the banner's date line (and a page cache that never shows
yesterday's date), the footer's facts shown only when set, "Liên kết website", the view-count
setting, and the print view's pieces."""

from datetime import date, datetime, time, timedelta

import pytest
from htmlpage import get_page

from cms import timeutil
from cms.dateline import date_line
from cms.db import database
from cms.site_settings import SiteLink, SiteSettings, vietnamese_number


@pytest.fixture
def local_clock(monkeypatch):
    """What the date line takes as now (naive UTC), moved by hand: it starts two minutes before the
    coming midnight in Vietnam (the database's own times stay real, and are before it)."""
    today = timeutil.to_local(timeutil.utcnow()).date()
    midnight = timeutil.local_to_utc(datetime.combine(today + timedelta(days=1), time()))

    class Clock:
        now = midnight - timedelta(minutes=2)
        day = today

        def __call__(self):
            return self.now

        def advance(self, **delta):
            self.now += timedelta(**delta)
    clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", clock)
    return clock


def test_date_line_names_the_weekday_in_vietnamese():
    week = [date_line(date(2026, 11, 30) + timedelta(days=n)) for n in range(7)]
    assert week == ["Thứ Hai, 30/11/2026", "Thứ Ba, 01/12/2026", "Thứ Tư, 02/12/2026",
                    "Thứ Năm, 03/12/2026", "Thứ Sáu, 04/12/2026", "Thứ Bảy, 05/12/2026",
                    "Chủ nhật, 06/12/2026"]


def banner_date(client, path="/"):
    page = get_page(client, path)
    return page.find("p", cls="date-line").text


def test_banner_shows_today_in_vietnam_and_a_cached_page_follows_midnight(client, db, local_clock,
                                                                          make_article):
    make_article(title="Hội nghị cán bộ chủ chốt", slug="hoi-nghi")
    database.close()
    for path in ("/", "/bai-viet/hoi-nghi", "/chuyen-muc/xay-dung-dang"):
        assert banner_date(client, path) == date_line(local_clock.day), path
    first = client.get("/")
    assert client.get("/").get_data() == first.get_data()  # cached meanwhile
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304

    local_clock.advance(minutes=3)  # 00:01 in Vietnam: nothing changed on the site, but the day
    for path in ("/", "/bai-viet/hoi-nghi", "/chuyen-muc/xay-dung-dang"):
        assert banner_date(client, path) == date_line(local_clock.day + timedelta(days=1)), path
    # A browser's copy from yesterday is not confirmed as current, by either validator.
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/", headers={"If-Modified-Since": modified}).status_code == 200


def footer_of(client, path="/"):
    return get_page(client, path).find("footer")


FACTS = ("Giấy phép số", "Chịu trách nhiệm chính", "Địa chỉ:", "Điện thoại:", "Thư điện tử:")


def test_footer_shows_only_the_facts_that_are_set(client, db):
    empty = footer_of(client).text
    assert "Ban Tổ chức Tỉnh ủy Nghệ An" in empty
    assert [fact for fact in FACTS if fact in empty] == []
    assert "Liên kết website" not in empty

    settings = SiteSettings.current()
    settings.licence = "18/GP-TTĐT ngày 12/4/2021 của Sở Thông tin và Truyền thông tỉnh Nghệ An"
    settings.phone = "0238 3844 123"
    settings.save()
    database.close()
    footer = footer_of(client)  # the cached page follows the change at once
    assert "Giấy phép số 18/GP-TTĐT ngày 12/4/2021" in footer.text
    assert "Điện thoại: 0238 3844 123" in footer.text
    assert "tel:02383844123" in footer.links()
    assert [fact for fact in FACTS if fact in footer.text] == ["Giấy phép số", "Điện thoại:"]

    settings.responsible, settings.address, settings.email = (
        "Đồng chí Trần Quốc Hưng", "Số 12 đường Trường Thi, thành phố Vinh", "bantochuc@nghean.dcs.vn")
    settings.save()
    database.close()
    footer = footer_of(client, "/tim-kiem?q=c%C3%A1n+b%E1%BB%99")
    assert [fact for fact in FACTS if fact in footer.text] == list(FACTS)
    assert "mailto:bantochuc@nghean.dcs.vn" in footer.links()


def test_links_list_shows_shown_links_in_their_order(client, db):
    SiteLink.create(name="Cổng thông tin điện tử Chính phủ", url="https://chinhphu.vn", position=20)
    SiteLink.create(name="Báo điện tử Đảng Cộng sản Việt Nam", url="https://dangcongsan.vn", position=10)
    SiteLink.create(name="Liên kết đã ẩn", url="https://an.example.vn", position=5, shown=False)
    database.close()
    nav = footer_of(client).find("nav", cls="footer-links")
    assert nav.find("h2").text == "Liên kết website"
    assert nav.links() == ["https://dangcongsan.vn", "https://chinhphu.vn"]
    assert "Liên kết đã ẩn" not in nav.text


def test_view_counts_are_shown_only_when_the_board_wants_them(client, db, make_article):
    article = make_article(title="Bài có nhiều người đọc", slug="nhieu-nguoi-doc")
    article.view_count = 1234567
    article.save()
    database.close()
    page = get_page(client, "/bai-viet/nhieu-nguoi-doc")
    assert "Lượt xem" not in page.text
    settings = SiteSettings.current()
    settings.show_view_counts = True
    settings.save()
    database.close()
    page = get_page(client, "/bai-viet/nhieu-nguoi-doc")
    assert page.find("span", cls="view-count").text == "Lượt xem: 1.234.567"


def test_numbers_are_grouped_with_dots():
    numbers = (0, 7, 1234, 1234567, None)
    assert [vietnamese_number(n) for n in numbers] == ["0", "7", "1.234", "1.234.567", "0"]


def test_article_page_has_a_print_button_and_its_address_for_print(client, db, make_article):
    make_article(title="Bài để in", slug="bai-de-in")
    database.close()
    page = get_page(client, "/bai-viet/bai-de-in")
    button = page.find("button", cls="print-button")
    assert button.text == "In bài viết" and "data-print" in button.attrs
    assert "Địa chỉ bài viết: http://localhost/bai-viet/bai-de-in" in page.find("p", cls="print-url").text
    assert page.find("main").attrs.get("id") == "noi-dung"  # the skip link's target
    assert page.find("main").attrs.get("tabindex") == "-1"  # ...takes the focus
    assert client.get("/dang-nhap").status_code == 200  # bare pages: no footer queries, still a date


def test_demo_loader_fills_the_footer(client, db, cli):
    result = cli("load-demo")
    assert result.exit_code == 0, result.output
    assert "liên kết website" in result.output
    database.close()
    footer = footer_of(client)
    assert [fact for fact in FACTS if fact in footer.text] == list(FACTS)
    assert len(footer.find("nav", cls="footer-links").links()) == 5
