"""Security headers on every kind of page, clickjacking, and cookie flags over HTTPS behind a proxy."""

import re
from pathlib import Path

import pytest
from seckit import PASSWORD, csrf_from, login

from app import create_app
from cms.security_headers import PUBLIC_CSP

ROOT = Path(__file__).resolve().parents[2]

PUBLIC_PAGES = {
    "home": "/",
    "category": "/chuyen-muc/xay-dung-dang",
    "article": "/bai-viet/bai-da-xuat-ban-cong-khai",
    "tag": "/the/dang-vien",
    "search": "/tim-kiem?q=đảng viên",
    "search-empty": "/tim-kiem",
    "not-found": "/bai-viet/khong-co-bai-nay",
    "login": "/dang-nhap",
}
OTHER_PUBLIC = {
    "rss": "/rss.xml",
    "category-rss": "/chuyen-muc/xay-dung-dang/rss.xml",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "api-search": "/api/search?q=đảng",
    "static": "/static/css/site.css",
}
ADMIN_PAGES = {
    "dashboard": "/admin/",
    "article-list": "/admin/article/",
    "article-new": "/admin/article/new/",
    "category-list": "/admin/category/",
    "user-list": "/admin/user/",
    "audit-list": "/admin/audit/",
    "media-list": "/admin/media/",
    "visit-list": "/admin/visit/",
    "visit-dashboard": "/admin/visit-dashboard/",
    "password": "/admin/doi-mat-khau",
}


def directives(csp):
    return {part.strip().split()[0]: part.strip().split()[1:] for part in csp.split(";") if part.strip()}


def _get(client, path):
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
    return response


def _assert_frame_protected(response, where):
    assert response.headers.get("X-Frame-Options") == "DENY", where
    csp = directives(response.headers.get("Content-Security-Policy", ""))
    assert csp.get("frame-ancestors") == ["'none'"], (where, csp)


def _assert_public_csp(response, where):
    csp = directives(response.headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts == ["'self'"], (where, csp)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], where
    assert csp.get("object-src") == ["'none'"] and csp.get("base-uri") == ["'self'"], where


@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_headers_public_page_csp_without_unsafe_inline(world, client_as, kind):
    response = _get(client_as(), PUBLIC_PAGES[kind])
    assert response.mimetype == "text/html"
    _assert_public_csp(response, kind)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_headers_public_page_has_no_inline_script_or_handler(world, client_as, kind):
    """What the strict CSP would block must not be needed: no inline script, no on* attribute."""
    page = _get(client_as(), PUBLIC_PAGES[kind]).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page, re.I), kind
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, re.I), kind
    assert "javascript:" not in page.lower(), kind


def test_headers_public_templates_have_no_inline_script_or_handler():
    """The templates themselves (not only the pages seen here): nothing inline for CSP to block."""
    templates = [p for p in (ROOT / "templates").rglob("*.html") if "admin" not in p.parts]
    assert len(templates) >= 10
    for path in templates:
        text = path.read_text()
        # Only the site's own script files, by src and with nothing inside (base.html: print.js).
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.I | re.S)
        assert text.lower().count("<script") == len(scripts), path
        for attributes, body in scripts:
            assert re.search(r"\ssrc=\"\{\{ asset_url\('js/[\w.-]+'\) \}\}\"", attributes), path
            assert body.strip() == "", path
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), path
        assert "javascript:" not in text.lower(), path
        assert not re.search(r"\sstyle\s*=", text, re.I), path  # style-src 'self' too


@pytest.mark.parametrize("kind", OTHER_PUBLIC)
def test_headers_non_html_responses_nosniff_and_sandboxed(world, client_as, kind):
    response = _get(client_as(), OTHER_PUBLIC[kind])
    assert response.status_code == 200, kind
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp.get("default-src") == ["'none'"] and "sandbox" in csp, (kind, csp)


@pytest.mark.parametrize("kind", ADMIN_PAGES)
def test_headers_admin_page_csp_nosniff_referrer(world, client_as, kind):
    response = _get(client_as("admin"), ADMIN_PAGES[kind])
    assert response.status_code == 200, kind
    csp = directives(response.headers["Content-Security-Policy"])
    # Flask-Admin needs inline scripts (onclick confirmations): allowed, but only from this site.
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], csp
    assert all(source in ("'self'", "'unsafe-inline'") for source in csp["script-src"]), csp
    assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"], csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("kind", [*PUBLIC_PAGES, *OTHER_PUBLIC])
def test_clickjacking_public_responses_refuse_framing(world, client_as, kind):
    path = {**PUBLIC_PAGES, **OTHER_PUBLIC}[kind]
    _assert_frame_protected(_get(client_as(), path), kind)


@pytest.mark.parametrize("kind", ADMIN_PAGES)
def test_clickjacking_admin_pages_refuse_framing(world, client_as, kind):
    _assert_frame_protected(_get(client_as("admin"), ADMIN_PAGES[kind]), kind)


@pytest.mark.parametrize("path", ["/admin/", "/admin/visit/", "/dang-xuat"])
def test_clickjacking_redirects_and_errors_refuse_framing(world, client_as, path):
    response = client_as().get(path)  # anonymous: a redirect to the login page
    assert response.status_code == 302
    _assert_frame_protected(response, path)
    forbidden = client_as("staff").get("/admin/user/")
    assert forbidden.status_code == 403
    _assert_frame_protected(forbidden, "403")


def test_clickjacking_attachment_download_refuses_framing(world, client_as):
    response = client_as("field_a").get(f"/admin/visit/attachment/{world.field.attachment_a.id}")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_clickjacking_cached_page_keeps_headers(world, client_as):
    """The page cache replays a stored body: the headers must come with every copy."""
    client = client_as()
    first, second = client.get("/"), client.get("/")
    assert first.status_code == second.status_code == 200
    for response in (first, second):
        _assert_frame_protected(response, "home")
        assert response.headers["Content-Security-Policy"] == PUBLIC_CSP


# --- cookies over HTTPS -------------------------------------------------------------------------------

def _variant(sec_app, **overrides):
    settings = {key: sec_app.config[key] for key in ("TESTING", "CMS_DATA_DIR", "SECRET_KEY", "SERVER_NAME",
                                                    "DATABASE_URL")}
    return create_app({**settings, **overrides})


def _session_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return {part.strip().split("=")[0].lower() for part in cookies[-1].split(";")[1:]}, cookies[-1]


# The browser speaks HTTPS to the proxy (so its cookie jar keeps and sends Secure cookies); the proxy
# speaks plain HTTP to the app and says X-Forwarded-Proto: https.
VIA_PROXY = {"base_url": "https://localhost", "environ_overrides": {"wsgi.url_scheme": "http"},
             "headers": {"X-Forwarded-Proto": "https", "Referer": "https://localhost/dang-nhap"}}
# (Flask-WTF checks the Referer of HTTPS posts: the Referrer-Policy must keep same-origin referrers.)


def _login(client, username, **request_args):
    page = client.get("/dang-nhap", **request_args)
    return client.post("/dang-nhap", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                           "username": username, "password": PASSWORD}, **request_args)


def test_headers_session_cookie_secure_behind_https_proxy(sec_app, world):
    client = _variant(sec_app, CMS_PROXY_COUNT=1).test_client()
    response = _login(client, world.users["editor"].username, **VIA_PROXY)
    assert response.status_code == 302
    flags, raw = _session_cookie(response)
    assert {"secure", "httponly", "samesite"} <= flags, raw
    assert "samesite=lax" in raw.lower()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/admin/", **VIA_PROXY).status_code == 200  # the secure session works


def test_headers_forwarded_proto_ignored_without_proxy_setting(sec_app, world):
    """A client cannot claim HTTPS itself: with no proxy configured the header means nothing."""
    client = sec_app.test_client()
    response = _login(client, world.users["editor"].username, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    flags, raw = _session_cookie(response)
    assert {"httponly", "samesite"} <= flags and "secure" not in flags, raw
    assert "Strict-Transport-Security" not in response.headers


def test_headers_direct_https_gets_secure_cookie(sec_app, world):
    client = sec_app.test_client()
    response = _login(client, world.users["editor"].username, base_url="https://localhost",
                      headers={"Referer": "https://localhost/dang-nhap"})
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"]
    flags, raw = _session_cookie(response)
    assert {"secure", "httponly", "samesite"} <= flags, raw


def test_headers_forwarded_for_trusted_only_behind_proxy(sec_app, world):
    """The login lockout counts by address: the proxy's X-Forwarded-For counts only when configured."""
    from admin.auth import LoginAttempt
    from cms.db import database
    for count, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        app = _variant(sec_app, CMS_PROXY_COUNT=count)
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        login(client, f"nobody-{count}", password="sai-mat-khau-1")
        with app.app_context():
            database.connect(reuse_if_open=True)
            attempt = LoginAttempt.get(LoginAttempt.username == f"nobody-{count}")
            database.close()
        assert attempt.ip_address == expected, count


@pytest.mark.parametrize("bad", ["abc", "-1"])
def test_headers_bad_proxy_setting_refused_at_start(sec_app, bad):
    with pytest.raises(ValueError, match="CMS_PROXY_COUNT"):
        _variant(sec_app, CMS_PROXY_COUNT=bad)


def test_headers_not_modified_keeps_the_page_policy(world, client_as):
    """A 304's headers replace the cached page's in the browser: it must not bring another policy
    (a file's sandbox would unstyle the page), and keeps the frame protection."""
    client = client_as()
    first = client.get("/chuyen-muc/xay-dung-dang")
    again = client.get("/chuyen-muc/xay-dung-dang", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers.get("Content-Security-Policy") in (None, PUBLIC_CSP)
    assert again.headers["X-Frame-Options"] == "DENY"


# --- caching of back-office and login responses --------------------------------------------------------

def _assert_never_stored(response, where):
    assert response.headers.getlist("Cache-Control") == ["no-store, private"], (where, response.headers)
    assert "Expires" not in response.headers, where


@pytest.mark.parametrize("kind", ADMIN_PAGES)
def test_headers_admin_pages_never_stored(world, client_as, kind):
    _assert_never_stored(_get(client_as("admin"), ADMIN_PAGES[kind]), kind)


def _visit_paths(world):
    field = world.field
    return {
        "details": f"/admin/visit/details/?id={field.visit_a.id}",
        "report": f"/admin/visit/report/{field.visit_a.id}",
        "record-export": f"/admin/visit/export-record/{field.visit_a.id}/csv",
        "list-export": "/admin/visit/export/csv/",
        "attachment": f"/admin/visit/attachment/{field.attachment_a.id}",
        "dashboard": "/admin/visit-dashboard/",
    }


@pytest.mark.parametrize("kind", ["details", "report", "record-export", "list-export", "attachment",
                                  "dashboard"])
def test_headers_confidential_visit_pages_and_exports_never_stored(world, client_as, kind):
    response = _get(client_as("field_a"), _visit_paths(world)[kind])
    assert response.status_code == 200, kind
    _assert_never_stored(response, kind)


@pytest.mark.parametrize(("who", "path", "status"), [
    (None, "/admin/", 302),
    (None, "/admin/visit/details/?id=1", 302),
    (None, "/dang-xuat", 302),
    ("staff", "/admin/user/", 403),
    ("field_a", "/admin/khong-co-trang-nay", 404),
    ("field_b", "/admin/visit/details/?id=abc", 404),
])
def test_headers_admin_redirects_and_errors_never_stored(world, client_as, who, path, status):
    response = client_as(who).get(path)
    assert response.status_code == status, path
    _assert_never_stored(response, path)


def test_headers_login_and_logout_never_stored(sec_app, world):
    client = sec_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.50.0.1"
    _assert_never_stored(client.get("/dang-nhap"), "login page")
    wrong = login(client, world.users["staff"].username, password="sai-mat-khau-1")
    assert wrong.status_code == 401
    _assert_never_stored(wrong, "refused login")
    right = login(client, world.users["staff"].username)
    assert right.status_code == 302
    _assert_never_stored(right, "login redirect")
    page = client.get("/dang-xuat")
    _assert_never_stored(page, "logout page")
    out = client.post("/dang-xuat", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert out.status_code == 302
    _assert_never_stored(out, "logout")


@pytest.mark.parametrize("kind", ["home", "category", "article", "tag", "search"])
def test_headers_public_pages_keep_their_caching(world, client_as, kind):
    response = _get(client_as(), PUBLIC_PAGES[kind])
    assert response.headers["Cache-Control"] == "public, no-cache", kind  # revalidated, shared
    assert response.headers.get("ETag"), kind


def test_headers_back_office_vendor_files_keep_their_caching(world, client_as):
    response = _get(client_as("admin"), "/admin/static/admin/js/actions.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
