"""Helpers for the field-visit tests: logging in through the real form (CSRF on), posting with the
token a page gave, and small real files (PDF, DOCX, XLSX, PNG) to upload."""

import html
import io
import re

from filekit import office_file, pdf_file
from PIL import Image

PASSWORD = "mat-khau-Di-co-so-1"
pdf_bytes, office_bytes = pdf_file, office_file  # the names these tests use
_INPUT_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def text(response):
    return response.get_data(as_text=True)


def token(client, path="/admin/"):
    page = text(client.get(path))
    found = _INPUT_TOKEN.search(page) or _META_TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return html.unescape(found.group(1))


def login(client, username, password=PASSWORD):
    page = text(client.get("/dang-nhap"))
    tok = html.unescape(_INPUT_TOKEN.search(page).group(1))
    response = client.post("/dang-nhap", data={"csrf_token": tok, "username": username, "password": password})
    assert response.status_code == 302, response
    return client


def post(client, path, data=None, **kwargs):
    data = dict(data or {})
    data.setdefault("csrf_token", token(client))
    return client.post(path, data=data, **kwargs)


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data, name):
    return (io.BytesIO(data), name)
