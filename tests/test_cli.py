"""Commands (`flask --app app ...`): init-db, create-user, ensure-admin, load-demo."""

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from htmlpage import get_page

from cms.accounts import User
from cms.db import database

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client, kind):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    return sorted(loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS) if f"/{kind}/" in loc.text)


# --- init-db -------------------------------------------------------------------------------

def test_init_db_on_a_new_database_then_again(cli, client, empty_database):
    first = cli("init-db")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Đã áp dụng: ")
    assert "0001_core_tables" in first.output
    second = cli("init-db")
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "Cơ sở dữ liệu đã mới nhất."
    assert "Chưa có bài viết nào được xuất bản." in get_page(client, "/").find("main").text


def test_init_db_keeps_existing_content(cli, client, make_article):
    make_article(title="Bài đã có", slug="bai-da-co")
    for _ in range(2):
        result = cli("init-db")
        assert result.exit_code == 0, result.output
    assert get_page(client, "/bai-viet/bai-da-co").find("h1", cls="article-title").text == "Bài đã có"


# --- create-user ---------------------------------------------------------------------------

def find_user(username):
    with database.connection_context():
        return User.get_or_none(User.username == username)


def test_create_user_reads_the_password_from_stdin(cli):
    result = cli("create-user", "bientap", "--role", "editor", "--full-name", "Trần Thị Lan",
                 "--password-stdin", input="mat-khau-bien-tap\n")
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản 'bientap' với vai trò editor." in result.output
    assert "mat-khau-bien-tap" not in result.output
    user = find_user("bientap")
    assert user.role == "editor"
    assert user.full_name == "Trần Thị Lan"
    assert user.check_password("mat-khau-bien-tap")
    assert not user.check_password("mat-khau-khac")
    assert "mat-khau-bien-tap" not in user.password_hash


def test_create_user_refuses_a_taken_username(cli):
    cli("create-user", "bientap", "--role", "editor", "--password-stdin", input="mat-khau-mot\n")
    result = cli("create-user", "bientap", "--role", "admin", "--password-stdin", input="mat-khau-hai\n")
    assert result.exit_code == 1
    assert "đã tồn tại" in result.output
    user = find_user("bientap")
    assert user.role == "editor" and user.check_password("mat-khau-mot")


def test_create_user_refuses_a_short_password(cli):
    result = cli("create-user", "ngan", "--role", "staff", "--password-stdin", input="1234567\n")
    assert result.exit_code == 1
    assert "ít nhất 8 ký tự" in result.output
    assert find_user("ngan") is None


def test_create_user_refuses_an_unknown_role(cli):
    result = cli("create-user", "ai-do", "--role", "superuser", "--password-stdin", input="mat-khau-dai\n")
    assert result.exit_code == 2
    assert find_user("ai-do") is None


# --- ensure-admin --------------------------------------------------------------------------

def test_ensure_admin_prints_a_password_once(cli, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    first = cli("ensure-admin")
    assert first.exit_code == 0, first.output
    match = re.search(r"admin / mật khẩu: (\S+)", first.output)
    assert match, first.output
    password = match.group(1)
    assert len(password) >= 12
    assert find_user("admin").check_password(password)

    second = cli("ensure-admin")
    assert second.exit_code == 0, second.output
    assert "Đã có tài khoản quản trị." in second.output
    assert password not in second.output
    assert find_user("admin").check_password(password)  # not reset


def test_ensure_admin_does_not_print_a_password_from_the_environment(cli, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "mat-khau-tu-moi-truong")
    result = cli("ensure-admin")
    assert result.exit_code == 0, result.output
    assert "mat-khau-tu-moi-truong" not in result.output
    assert "ADMIN_PASSWORD" in result.output
    assert find_user("admin").check_password("mat-khau-tu-moi-truong")


def test_ensure_admin_leaves_an_existing_admin_alone(cli, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    cli("create-user", "quantri", "--role", "admin", "--password-stdin", input="mat-khau-quan-tri\n")
    result = cli("ensure-admin")
    assert "Đã có tài khoản quản trị." in result.output
    assert find_user("admin") is None


# --- load-demo -----------------------------------------------------------------------------

@pytest.fixture
def demo(cli):
    result = cli("load-demo")
    assert result.exit_code == 0, result.output
    return result


def test_demo_content_imports_30_public_articles_in_6_categories(client, demo):
    assert re.search(r"Đã thêm \d+ bài, cập nhật 0 bài, lỗi 0 tệp\.", demo.output), demo.output
    assert "LỖI" not in demo.output
    articles = sitemap_urls(client, "bai-viet")
    assert len(articles) >= 30
    filled = [url for url in sitemap_urls(client, "chuyen-muc")
              if get_page(client, url.removeprefix("http://localhost")).find(cls="list").article_slugs()]
    assert len(filled) >= 6


def test_demo_categories_are_in_menu_order(client, demo):
    wanted = [entry["name"] for entry in yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "content" / "categories.yaml").read_text("utf-8"))]
    menu = [link.text for link in get_page(client, "/").find("nav", cls="menu").find_all("a")]
    assert menu[0] == "Trang chủ"
    assert menu[1:len(wanted) + 1] == wanted  # then the portal's sections (cms.site.add_portal_section)


def test_every_demo_article_renders_with_its_pictures(client, demo):
    """Covers and pictures of the demo articles load (they live under /media/demo/)."""
    pictures = set()
    for url in ["http://localhost/", *sitemap_urls(client, "bai-viet")]:
        page = get_page(client, url.removeprefix("http://localhost"))
        if "/bai-viet/" in url:
            assert page.find("h1", cls="article-title").text
            assert page.find(cls="article-body").text
        pictures |= {img.attrs["src"] for img in page.find_all("img") if "/demo/" in img.attrs["src"]}
    assert pictures
    assert sorted(src for src in pictures if client.get(src).status_code != 200) == []


def test_load_demo_twice_creates_no_duplicates(cli, client, demo):
    articles = sitemap_urls(client, "bai-viet")
    categories = sitemap_urls(client, "chuyen-muc")
    again = cli("load-demo")
    assert again.exit_code == 0, again.output
    assert "Đã thêm 0 bài" in again.output
    assert sitemap_urls(client, "bai-viet") == articles
    assert sitemap_urls(client, "chuyen-muc") == categories


def test_load_demo_if_empty_skips_a_site_with_articles(cli, client, make_article):
    make_article(title="Bài của đơn vị", slug="bai-cua-don-vi")
    result = cli("load-demo", "--if-empty")
    assert result.exit_code == 0
    assert "bỏ qua" in result.output
    assert sitemap_urls(client, "bai-viet") == ["http://localhost/bai-viet/bai-cua-don-vi"]


def test_load_demo_runs_under_the_flask_test_cli_runner(app):
    result = app.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
