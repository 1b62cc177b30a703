"""Helpers for the back-office tests: logging in through the real form, CSRF tokens taken from the
pages a browser would have, posting Flask-Admin forms, and real images made with Pillow.

CSRF protection stays on: every POST carries the token the page gave, as a browser's would.
"""

import html
import io
import re
from urllib.parse import parse_qs, urlsplit

from PIL import Image

PASSWORD = "mat-khau-Thu-nghiem-1"
ROLES = ("admin", "editor", "leader", "staff")

_INPUT_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def text_of(response):
    return response.get_data(as_text=True)


def csrf_from(page):
    """The CSRF token of a page: a form's hidden input, else the admin's <meta name="csrf-token">."""
    found = _INPUT_TOKEN.search(page) or _META_TOKEN.search(page)
    assert found, "no CSRF token on the page"
    return html.unescape(found.group(1))


def input_value(page, name):
    """The value of the <input name=...> on a page (None when there is no such input)."""
    for tag in re.findall(r"<input[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    return None


def location(response):
    """The path (with query) a redirect points at, host removed."""
    parts = urlsplit(response.headers.get("Location", ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/dang-nhap"


def next_of(response):
    return parse_qs(urlsplit(response.headers["Location"]).query).get("next", [None])[0]


def login(client, username, password=PASSWORD, next_url=None, ip=None):
    """Log in through /dang-nhap as a browser does: fetch the form, take its token, post it.

    `ip` sets the client's address from then on (the session is bound to it, as for a real browser).
    """
    if ip:
        client.environ_base["REMOTE_ADDR"] = ip
    page = text_of(client.get("/dang-nhap"))
    data = {"csrf_token": csrf_from(page), "username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/dang-nhap", data=data)


def admin_token(client):
    """The CSRF token of the logged-in session (the admin's meta tag), or of the login form."""
    response = client.get("/admin/")
    if response.status_code != 200:
        response = client.get("/dang-nhap")
    return csrf_from(text_of(response))


def flashes(page):
    """Flask-Admin's flashed messages (alert boxes) on a page, as text."""
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", item))).strip() for item in found]


def image_bytes(fmt="PNG", size=(1200, 800), color=(200, 30, 30)):
    """A real image made by Pillow, in PNG, JPEG or WEBP."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload_field(data, filename):
    return (io.BytesIO(data), filename)


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')
HTML_AS_PNG = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def article_form(category_id, title, body="", lead="", expected_version=None, **extra):
    """The fields the article editor posts."""
    data = {"title": title, "slug": "", "category": str(category_id), "lead": lead, "body": body,
            "author": "", "source": "", "cover_image": "", "published_at": "", "tags_text": ""}
    if expected_version is not None:
        data["expected_version"] = str(expected_version)
    data.update(extra)
    return data
