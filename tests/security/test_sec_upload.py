"""Upload attacks on article images (admin/media.py: the media library and an article's cover) and
visit attachments (visits/attachments.py): refused in Vietnamese with nothing left on disk or in the
database; what is accepted is stored under a generated name and served with safe headers."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from filekit import lying_zip_bomb, office_file, pdf_file, pdf_with_object_stream, stream
from PIL import Image
from seckit import changed_tables, db_fingerprint, text_of, token

from admin.media import Media
from cms.db import database
from visits.models import Attachment


def image(fmt="PNG", size=(60, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 20, 20)).save(buffer, format=fmt)
    return buffer.getvalue()


def declared_zip_bomb(kind="docx"):
    """A DOCX/XLSX whose parts unpack to 200 MB each (as its directory says; what a bomb declares)."""
    data = bytearray(office_file(kind, {"word/bomb.xml": b"0" * 1000}))
    central = data.rfind(b"PK\x01\x02")
    while central != -1:  # every central directory entry: uncompressed size at offset 24
        struct.pack_into("<I", data, central + 24, 200 * 1024 * 1024)
        central = data.rfind(b"PK\x01\x02", 0, central)
    return bytes(data)


def huge_png(width=50_000, height=50_000):
    """A few hundred bytes that claim 2.5 billion pixels (a decompression bomb's header)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def jpeg_with_comment(comment):
    data = image("JPEG")
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]


SCRIPT = b"<script>alert(document.cookie)</script>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       + SCRIPT + b"</svg>")
HTML = b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"
GIF_JS = image("GIF") + b"\n/*" + SCRIPT + b"*/=1;alert(1)//"  # a real GIF that is also a script

# (name, bytes, file name, message for images, message for attachments)
REFUSED = [
    ("svg-with-script", SVG, "bieu-tuong.svg", "không phải ảnh hợp lệ", "Chỉ nhận"),
    ("svg-renamed-png", SVG, "bieu-tuong.png", "không phải ảnh hợp lệ", "Chỉ nhận"),
    ("html-renamed-png", HTML, "trang.png", "không phải ảnh hợp lệ", "Chỉ nhận"),
    ("html-renamed-pdf", HTML, "bao-cao.pdf", "không phải ảnh hợp lệ", "Chỉ nhận"),
    ("html-renamed-docx", HTML, "bao-cao.docx", "không phải ảnh hợp lệ", "Chỉ nhận"),
    ("gif-js-polyglot", GIF_JS, "anh.gif", "Chỉ nhận ảnh JPEG, PNG hoặc WebP", "Chỉ nhận"),
    ("png-html-polyglot", image() + HTML, "anh.png", "mã HTML hoặc mã lệnh", "mã HTML hoặc mã lệnh"),
    ("jpeg-comment-html-polyglot", jpeg_with_comment(b"<html><body>" + SCRIPT), "anh.jpg",
     "mã HTML hoặc mã lệnh", "mã HTML hoặc mã lệnh"),
    ("jpeg-comment-svg-polyglot", jpeg_with_comment(b"<svg onload=alert(1)>"), "anh.jpg",
     "mã HTML hoặc mã lệnh", "mã HTML hoặc mã lệnh"),
    ("pdf-html-polyglot", pdf_file(objects=[stream(b"<html><body>" + SCRIPT + b"</body></html>")]),
     "bao-cao.pdf", "không phải ảnh hợp lệ", "mã HTML hoặc mã lệnh"),
    ("pdf-javascript", pdf_file(b"/OpenAction 4 0 R", objects=[b"<</S/JavaScript/JS(app.alert(1))>>"]),
     "bao-cao.pdf", "không phải ảnh hợp lệ", "mã lệnh tự chạy"),
    ("pdf-launch", pdf_file(b"/OpenAction 4 0 R", objects=[b"<</S/Launch/F(cmd.exe)>>"]), "bao-cao.pdf",
     "không phải ảnh hợp lệ", "mã lệnh tự chạy"),
    ("docx-macro", office_file("docx", {"word/vbaProject.bin": b"x"}), "bao-cao.docx",
     "không phải ảnh hợp lệ", "macro"),
    ("zip-bomb-docx", declared_zip_bomb("docx"), "bom.docx", "không phải ảnh hợp lệ", "giải nén quá lớn"),
    ("zip-bomb-xlsx", declared_zip_bomb("xlsx"), "bom.xlsx", "không phải ảnh hợp lệ", "giải nén quá lớn"),
    ("zip-many-entries", office_file("docx", entries=5001), "nhieu.docx", "không phải ảnh hợp lệ",
     "giải nén quá lớn"),
    ("decompression-bomb-png", huge_png(), "bom.png", "điểm ảnh quá lớn", "điểm ảnh quá lớn"),
    ("zero-byte", b"", "rong.png", "rỗng", "rỗng"),
    ("truncated-png", image()[:60], "cut.png", "không phải ảnh hợp lệ", "Chỉ nhận"),
    ("exe-renamed-pdf", b"MZ\x90\x00" + b"\x00" * 200, "bao-cao.pdf", "không phải ảnh hợp lệ", "Chỉ nhận"),
]
REFUSED_IDS = [row[0] for row in REFUSED]
TRAVERSAL_NAMES = [
    ("dot-dot", "../../../../etc/passwd.png"),
    ("absolute", "/etc/cron.d/anh.png"),
    ("backslashes", "..\\..\\..\\Windows\\anh.png"),
    ("windows-drive", "C:\\Users\\x\\anh.png"),
    ("nul-byte", "anh.png\x00.html"),
    ("control-chars", "a\tb\x1b[31m\x7f.png"),
    ("dots-slashes", "....//....//anh.png"),
    ("encoded", "%2e%2e%2f%2e%2e%2fanh.png"),
    ("into-visits", "../visits/2026/01/anh.png"),
    ("long", "a" * 400 + ".png"),
]
TRAVERSAL_IDS = [name for name, _ in TRAVERSAL_NAMES]


def _files(sec_app):
    root = Path(sec_app.config["CMS_DATA_DIR"]).parent
    return {path for path in root.rglob("*") if path.is_file()} - set(root.rglob("*.sqlite3*"))


LOGIN_TABLES = {"login_attempt", "audit_entry", "login_session"}  # what the test's own login writes


@pytest.fixture
def unchanged(sec_app, world):
    """Nothing new on disk (anywhere near the data dir) or in the database."""
    with sec_app.app_context(), database.connection_context():
        before = db_fingerprint(skip_tables=LOGIN_TABLES)
    files = _files(sec_app)
    yield
    assert _files(sec_app) == files
    with sec_app.app_context(), database.connection_context():
        assert changed_tables(before, db_fingerprint(skip_tables=LOGIN_TABLES)) == []


def _media_upload(client, data, name):
    return client.post("/admin/media/new/", content_type="multipart/form-data", data={
        "csrf_token": token(client, "/admin/media/new/"), "title": "Ảnh thử",
        "upload": (io.BytesIO(data), name)})


def _cover_upload(client, world, data, name):
    return client.post("/admin/article/new/", content_type="multipart/form-data", data={
        "csrf_token": token(client, "/admin/article/new/"), "title": "Bài có ảnh bìa độc", "slug": "",
        "category": str(world.category.id), "lead": "", "body": "", "author": "", "source": "",
        "cover_image": "", "published_at": "", "tags_text": "", "cover_upload": (io.BytesIO(data), name)})


def _attachment_upload(client, world, data, name):
    visit = world.field.visit_a
    return client.post(f"/admin/visit/attachment/upload/{visit.id}", content_type="multipart/form-data",
                       data={"csrf_token": token(client), "file": (io.BytesIO(data), name)},
                       follow_redirects=True)


@pytest.mark.parametrize(("data", "name", "message"), [(r[1], r[2], r[3]) for r in REFUSED], ids=REFUSED_IDS)
def test_upload_media_library_refuses(client_as, unchanged, data, name, message):
    response = _media_upload(client_as("editor"), data, name)
    assert response.status_code == 200
    assert message in text_of(response)


@pytest.mark.parametrize(("data", "name", "message"), [(r[1], r[2], r[3]) for r in REFUSED], ids=REFUSED_IDS)
def test_upload_article_cover_refuses(world, client_as, unchanged, data, name, message):
    response = _cover_upload(client_as("staff"), world, data, name)
    assert response.status_code == 200
    assert message in text_of(response)


@pytest.mark.parametrize(("data", "name", "message"), [(r[1], r[2], r[4]) for r in REFUSED], ids=REFUSED_IDS)
def test_upload_visit_attachment_refuses(world, client_as, unchanged, data, name, message):
    response = _attachment_upload(client_as("field_a"), world, data, name)
    assert response.status_code == 200
    page = text_of(response)
    assert "Không nhận tệp" in page and message in page


REMOTE_TEMPLATE = (  # Word fetches and runs a remote macro template: macros without a macro part
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'attachedTemplate" Target="http://mau.example/bieu-mau.dotm" TargetMode="External"/></Relationships>')
# (name, bytes, file name, message): documents a byte-pattern check lets through (names spelt with
# escapes, objects compressed, actions in other places, sizes that lie, macros under other names).
HOSTILE_DOCUMENTS = [
    ("pdf-openaction-escaped-javascript", pdf_file(b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"),
     "bao-cao.pdf", "mã lệnh tự chạy"),
    ("pdf-openaction-escaped-launch", pdf_file(b"/OpenAction<</S/L#61unch/F(cmd.exe)>>"), "bao-cao.pdf",
     "mã lệnh tự chạy"),
    ("pdf-annotation-aa-javascript", pdf_file(page=b"/Annots[4 0 R]", objects=[
        b"<</Type/Annot/Subtype/Link/Rect[0 0 99 99]/AA<</E 5 0 R>>>>",
        b"<</S/#4A#61vaScript/#4A#53(app.alert(1))>>"]), "bao-cao.pdf", "mã lệnh tự chạy"),
    ("pdf-javascript-in-object-stream", pdf_with_object_stream(
        b"/OpenAction 4 0 R", [b"<</S/JavaScript/JS(app.alert(1))>>"]), "bao-cao.pdf", "mã lệnh tự chạy"),
    ("pdf-xfa-form", pdf_file(b"/AcroForm<</Fields[]/XFA 4 0 R>>", objects=[stream(b"<xdp:xdp/>")]),
     "bieu-mau.pdf", "mã lệnh tự chạy"),
    ("pdf-embedded-file", pdf_file(b"/Names<</EmbeddedFiles<</Names[(bang-luong.exe) 4 0 R]>>>>", objects=[
        b"<</Type/Filespec/F(bang-luong.exe)/EF<</F 5 0 R>>>>",
        stream(b"MZ\x90\x00", b"/Type/EmbeddedFile")]), "bao-cao.pdf", "nhúng bên trong"),
    ("pdf-file-attachment-annotation", pdf_file(page=b"/Annots[4 0 R]", objects=[
        b"<</Type/Annot/Subtype/FileAttachment/Rect[0 0 9 9]/FS<</Type/Filespec/F(a.txt)>>>>"]),
     "bao-cao.pdf", "nhúng bên trong"),
    ("pdf-unparsable", b"%PDF-1.7\n" + b"\x00khong phai pdf" * 20 + b"\n%%EOF\n", "bao-cao.pdf", "bị hỏng"),
    ("docx-lying-zip-bomb", lying_zip_bomb("docx"), "bom.docx", "giải nén quá lớn"),
    ("xlsx-lying-zip-bomb", lying_zip_bomb("xlsx"), "bom.xlsx", "giải nén quá lớn"),
    ("docx-lying-zip-bomb-checksum-too", lying_zip_bomb(checksum_too=True), "bom.docx", "giải nén quá lớn"),
    ("docx-vba-project-renamed", office_file("docx", {"word/styles2.bin": b"\xd0\xcf\x11\xe0"}, more_types=(
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')), "bao-cao.docx",
     "macro"),
    ("docm-type-with-character-reference", office_file(
        "docx", main_type="application/vnd.ms-word.document.m&#x61;croEnabled.main+xml"), "bao-cao.docx",
     "macro"),
    ("xlsx-excel4-macro-sheet", office_file("xlsx", {"xl/macrosheets/sheet1.xml": "<macrosheet/>"}),
     "so-lieu.xlsx", "macro"),
    ("docx-remote-template", office_file("docx", {"word/_rels/settings.xml.rels": REMOTE_TEMPLATE}),
     "bao-cao.docx", "liên kết tới mẫu"),
]


@pytest.mark.parametrize(("data", "name", "message"), [r[1:] for r in HOSTILE_DOCUMENTS],
                         ids=[r[0] for r in HOSTILE_DOCUMENTS])
def test_upload_visit_attachment_refuses_hostile_document(world, client_as, unchanged, data, name, message):
    response = _attachment_upload(client_as("field_a"), world, data, name)
    assert response.status_code == 200
    page = text_of(response)
    assert "Không nhận tệp" in page and message in page


def test_upload_oversized_refused(sec_app, world, client_as, unchanged):
    editor, field = client_as("editor"), client_as("field_a")
    too_big_image = image() + b"\x00" * (8 * 1024 * 1024)
    assert "Tệp quá lớn: tối đa 8 MB" in text_of(_media_upload(editor, too_big_image, "to.png"))
    too_big_file = pdf_file(objects=[stream(b"0" * (10 * 1024 * 1024))])
    assert "Tệp quá lớn: tối đa 10 MB" in text_of(_attachment_upload(field, world, too_big_file, "to.pdf"))
    # Beyond the request limit the whole request is refused before any view reads it.
    response = editor.post("/admin/media/new/", content_type="multipart/form-data", data={
        "csrf_token": token(editor), "upload": (io.BytesIO(b"\x00" * (17 * 1024 * 1024)), "rat-to.png")})
    assert response.status_code == 413
    assert "quá lớn" in text_of(response)


# --- accepted files: generated names, safe serving -----------------------------------------------------

@pytest.mark.parametrize("name", [n for _, n in TRAVERSAL_NAMES], ids=TRAVERSAL_IDS)
def test_upload_path_traversal_names_media(sec_app, client_as, name):
    before = _files(sec_app)
    response = _media_upload(client_as("editor"), image(), name)
    assert response.status_code == 302, text_of(response)[:500]
    uploads = (Path(sec_app.config["CMS_DATA_DIR"]) / "uploads" / "media").resolve()
    new = _files(sec_app) - before
    assert len(new) == 3  # the original and two renditions, all under uploads/media/
    assert all(uploads in path.resolve().parents for path in new)
    with sec_app.app_context(), database.connection_context():
        media = Media.select().order_by(Media.id.desc()).first()
    assert "/" not in media.original_name and "\\" not in media.original_name
    assert all(ord(ch) >= 32 for ch in media.original_name)
    assert media.file_name.startswith("media/") and ".." not in media.file_name


@pytest.mark.parametrize("name", [n for _, n in TRAVERSAL_NAMES], ids=TRAVERSAL_IDS)
def test_upload_path_traversal_names_attachment(sec_app, world, client_as, name):
    before = _files(sec_app)
    client = client_as("field_a")
    assert "Đã tải lên" in text_of(_attachment_upload(client, world, pdf_file(), name))
    root = (Path(sec_app.config["CMS_DATA_DIR"]) / "uploads" / "visits").resolve()
    new = _files(sec_app) - before
    assert len(new) == 1 and root in next(iter(new)).resolve().parents
    with sec_app.app_context(), database.connection_context():
        attachment = Attachment.select().order_by(Attachment.id.desc()).first()
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert all(ord(ch) >= 32 for ch in attachment.original_name)
    response = client.get(f"/admin/visit/attachment/{attachment.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
    assert response.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("fmt", "name", "mimetype"), [("PNG", "anh.html", "image/png"),
                                                        ("JPEG", "anh.svg", "image/jpeg"),
                                                        ("WEBP", "anh.png", "image/webp")])
def test_upload_accepted_image_served_by_content_type(sec_app, client_as, fmt, name, mimetype):
    assert _media_upload(client_as("editor"), image(fmt), name).status_code == 302
    with sec_app.app_context(), database.connection_context():
        media = Media.select().order_by(Media.id.desc()).first()
    for url in (media.url(), media.url("thumb"), media.url("article")):
        response = client_as().get(url)
        assert response.status_code == 200
        assert response.mimetype == mimetype  # by content, never by the client's name
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert not url.endswith((".html", ".svg"))


@pytest.mark.parametrize(("data", "name", "mimetype", "download"), [
    (pdf_file(), "bao-cao.html", "application/pdf", ".pdf"),
    (office_file("docx"), "bien-ban.exe",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    (office_file("xlsx"), "so-lieu.svg", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     ".xlsx"),
    (image("PNG"), "anh.html", "image/png", ".png"),
])
def test_upload_accepted_attachment_served_as_download(sec_app, world, client_as, data, name, mimetype,
                                                       download):
    client = client_as("field_a")
    assert "Đã tải lên" in text_of(_attachment_upload(client, world, data, name))
    with sec_app.app_context(), database.connection_context():
        attachment = Attachment.select().order_by(Attachment.id.desc()).first()
    response = client.get(f"/admin/visit/attachment/{attachment.id}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert download in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
