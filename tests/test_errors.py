"""Error pages speak Vietnamese and give nothing away."""

import pytest
from htmlpage import assert_not_found, get_page, parse

from cms.db import database
from cms.models import Article, Category


def test_404_page_is_in_vietnamese(client, db):
    for url in ("/khong-co-trang-nay", "/bai-viet/khong-co", "/chuyen-muc/khong-co", "/the/khong-co",
                "/media/khong-co.png"):
        page = assert_not_found(client, url)
        assert "Không tìm thấy trang" in page.find("title").text
        assert "Trang bạn tìm không tồn tại" in page.find("main").text


def test_404_page_keeps_the_menu_and_latest_news(client, make_article):
    make_article(title="Tin mới để đọc tiếp", slug="tin-moi")
    page = assert_not_found(client, "/bai-viet/khong-co")
    assert "/chuyen-muc/xay-dung-dang" in page.find("nav", cls="menu").links()
    assert "tin-moi" in page.find("aside").article_slugs()


def test_media_refuses_paths_outside_the_uploads(client, db):
    for url in ("/media/../secret_key", "/media/..%2fsecret_key", "/media/%2e%2e/secret_key"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"test-secret" not in response.data


@pytest.fixture
def failing_app(app):
    """The app with routes that fail the way a bug would, and errors not propagated to the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/loi-thu")
    def broken():
        raise RuntimeError("chi tiết nội bộ: mật khẩu CSDL là abc123")

    @app.route("/loi-giua-giao-dich")
    def broken_in_transaction():
        with database.atomic():
            category = Category.create(name="Chuyên mục dở dang")
            Article.create(title="Bài dở dang", slug="bai-do-dang", category=category,
                           status=Article.PUBLISHED)
            raise RuntimeError("lỗi giữa chừng")

    @app.route("/loi-sql")
    def broken_sql():
        database.execute_sql("SELECT * FROM bang_khong_ton_tai")

    return app


def assert_500_page(response):
    assert response.status_code == 500
    page = parse(response.get_data(as_text=True))
    assert page.find("html").attrs.get("lang") == "vi"
    assert "Hệ thống đang gặp sự cố" in page.find("h1").text
    assert "Xin vui lòng thử lại sau" in page.find("main").text
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    return page


def test_500_page_is_in_vietnamese_and_hides_the_error(failing_app):
    response = failing_app.test_client().get("/loi-thu")
    assert_500_page(response)
    html = response.get_data(as_text=True)
    assert "abc123" not in html and "RuntimeError" not in html


def test_failed_request_leaves_nothing_half_saved(failing_app):
    client = failing_app.test_client()
    assert_500_page(client.get("/loi-giua-giao-dich"))
    assert client.get("/bai-viet/bai-do-dang").status_code == 404
    assert client.get("/chuyen-muc/chuyen-muc-do-dang").status_code == 404


def test_site_recovers_after_a_database_error(failing_app):
    client = failing_app.test_client()
    assert_500_page(client.get("/loi-sql"))
    page = get_page(client, "/")
    assert "Chưa có bài viết nào được xuất bản." in page.find("main").text
