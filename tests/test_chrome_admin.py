"""The footer's facts and "Liên kết website" managed in the back office: who may do what, clear
Vietnamese refusals of bad input, every change audited and on the public pages at once."""

import functools
import html
import re

import pytest
from htmlpage import get_page
from werkzeug.security import generate_password_hash

import cms.accounts
from cms.accounts import create_user
from cms.audit import AuditEntry
from cms.db import database
from cms.site_settings import SiteLink, SiteSettings

PASSWORD = "mat-khau-Chan-trang-1"
ROLES = ("admin", "editor", "leader", "staff")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


def token_of(page):
    found = TOKEN.search(page)
    assert found, "no CSRF token on the page"
    return html.unescape(found.group(1) or found.group(2))


@pytest.fixture
def as_role(app, db):
    """as_role("editor") -> a test client logged in through the form as an account of that role."""
    def make(role):
        create_user(f"tk_{role}", PASSWORD, role, full_name=f"Người dùng {role}")
        database.close()
        client = app.test_client()
        page = client.get("/dang-nhap").get_data(as_text=True)
        response = client.post("/dang-nhap", data={"csrf_token": token_of(page), "username": f"tk_{role}",
                                                  "password": PASSWORD})
        assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"]
        return client
    return make


def post_form(client, url, data):
    token = token_of(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


# url -> the roles that may open it
SETTINGS_EDIT = "/admin/site_settings/edit/?id=1"
EXPECTED = {
    "/admin/site_settings/": {"admin"},
    SETTINGS_EDIT: {"admin"},
    "/admin/site_link/": {"admin", "editor"},
    "/admin/site_link/new/": {"admin", "editor"},
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_settings_and_the_links(as_role, role):
    client = as_role(role)
    opened = {url for url in EXPECTED if client.get(url).status_code == 200}
    refused = {url: client.get(url).status_code for url in EXPECTED if url not in opened}
    assert opened == {url for url, roles in EXPECTED.items() if role in roles}
    assert set(refused.values()) <= {403}


def test_anonymous_is_sent_to_the_login(client):
    for url in EXPECTED:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"], url


def test_admin_edits_the_facts_audited_and_shown_at_once(as_role, client):
    admin = as_role("admin")
    assert "Thông tin trang" in admin.get("/admin/").get_data(as_text=True)  # in the menu
    assert "Chịu trách nhiệm chính" not in get_page(client, "/").find("footer").text
    response = post_form(admin, SETTINGS_EDIT, {
        "licence": "18/GP-TTĐT ngày 12/4/2021", "responsible": "Đồng chí Trần Quốc Hưng",
        "address": "", "phone": "0238 3844 123", "email": "bantochuc@nghean.dcs.vn",
        "show_view_counts": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    footer = get_page(client, "/").find("footer").text
    assert "Chịu trách nhiệm chính: Đồng chí Trần Quốc Hưng" in footer
    assert "Địa chỉ:" not in footer
    database.connect(reuse_if_open=True)
    assert SiteSettings.current().show_view_counts is True
    entry = AuditEntry.select().where(AuditEntry.object_type == "site_settings").get()
    assert entry.action == "update" and entry.actor_name
    # There is one row: nobody creates a second one, nor deletes it.
    assert SiteSettings.select().count() == 1
    database.close()
    listing = admin.get("/admin/site_settings/").get_data(as_text=True)
    assert "/admin/site_settings/new/" not in listing and "/admin/site_settings/delete/" not in listing


def test_bad_facts_are_refused_in_vietnamese(as_role):
    admin = as_role("admin")
    response = post_form(admin, SETTINGS_EDIT, {"licence": "", "responsible": "", "address": "",
                                                "phone": "gọi tôi", "email": "khong-phai-thu"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thư điện tử không hợp lệ" in page and "Số điện thoại chỉ gồm chữ số" in page
    database.connect(reuse_if_open=True)
    assert SiteSettings.current().email == ""
    database.close()


def test_editor_manages_links_in_order_audited(as_role, client):
    editor = as_role("editor")
    for name, url, position in (("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn", "20"),
                                ("Báo điện tử Đảng Cộng sản Việt Nam", "https://dangcongsan.vn", "10")):
        response = post_form(editor, "/admin/site_link/new/",
                             {"name": name, "url": url, "position": position, "shown": "y"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    nav = get_page(client, "/").find("nav", cls="footer-links")
    assert nav.links() == ["https://dangcongsan.vn", "https://chinhphu.vn"]

    database.connect(reuse_if_open=True)
    government = SiteLink.get(SiteLink.url == "https://chinhphu.vn")
    database.close()
    response = post_form(editor, f"/admin/site_link/edit/?id={government.id}",
                         {"name": government.name, "url": government.url, "position": "1", "shown": "y"})
    assert response.status_code == 302
    assert get_page(client, "/").find("nav", cls="footer-links").links() == [
        "https://chinhphu.vn", "https://dangcongsan.vn"]

    list_page = editor.get("/admin/site_link/").get_data(as_text=True)
    response = editor.post("/admin/site_link/delete/", data={"csrf_token": token_of(list_page),
                                                            "id": str(government.id)})
    assert response.status_code == 302
    assert get_page(client, "/").find("nav", cls="footer-links").links() == ["https://dangcongsan.vn"]
    database.connect(reuse_if_open=True)
    actions = [entry.action for entry in AuditEntry.select().where(AuditEntry.object_type == "site_link")
               .order_by(AuditEntry.id)]
    database.close()
    assert actions == ["create", "create", "update", "delete"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/duong-dan-trong", "chinhphu.vn", "ftp://x.vn"])
def test_a_link_must_be_a_web_address(as_role, url):
    editor = as_role("editor")
    response = post_form(editor, "/admin/site_link/new/",
                         {"name": "Cơ quan", "url": url, "position": "1", "shown": "y"})
    assert response.status_code == 200
    assert "Địa chỉ website phải bắt đầu bằng http:// hoặc https://" in response.get_data(as_text=True)
    database.connect(reuse_if_open=True)
    assert not SiteLink.select().exists()
    database.close()


@pytest.mark.parametrize("role", ("leader", "staff"))
def test_other_roles_cannot_change_links(as_role, role, db):
    link = SiteLink.create(name="Báo Nghệ An", url="https://baonghean.vn")
    database.close()
    client = as_role(role)
    token = token_of(client.get("/admin/").get_data(as_text=True))
    response = client.post("/admin/site_link/delete/", data={"csrf_token": token, "id": str(link.id)})
    assert response.status_code == 403
    response = client.post(f"/admin/site_link/edit/?id={link.id}",
                           data={"csrf_token": token, "name": "Đã đổi", "url": "https://x.vn"})
    assert response.status_code == 403
    database.connect(reuse_if_open=True)
    assert SiteLink.get_by_id(link.id).name == "Báo Nghệ An"
    database.close()
