"""Documents in the back office: who may do what (admins and editors keep and publish the register,
staff enter and submit their own drafts, leaders read it), the form in Vietnamese with dd/mm/yyyy
days, files checked by content with clear refusals and nothing half-written, publishing through
the workflow, and the audit log."""

import functools
import io
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfWriter
from werkzeug.security import generate_password_hash

import cms.accounts
from cms.accounts import create_user
from cms.audit import AuditEntry
from cms.documents import Document, DocumentFile

sys.path.insert(0, str(Path(__file__).resolve().parent / "admin"))
from backoffice import PASSWORD, admin_token, csrf_from, flashes, login, text_of  # noqa: E402

ROLES = ("admin", "editor", "leader", "staff")


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture
def users(app):
    return {role: create_user(f"tk_{role}", PASSWORD, role, full_name=f"Người dùng {role}") for role in ROLES}


@pytest.fixture
def client_as(app, users):
    def make(role):
        client = app.test_client()
        response = login(client, users[role].username)
        assert response.status_code == 302
        return client
    return make


@pytest.fixture
def document(db):
    return Document.create(number="05-NQ/TU", kind="nghi-quyet", issuing_body="Ban Chấp hành Đảng bộ tỉnh",
                           date_issued=date(2021, 9, 10), summary="Về nâng cao chất lượng tổ chức cơ sở đảng",
                           status=Document.DRAFT)


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(extra=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/content-types"></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def form(**overrides):
    data = {"number": "2993-QĐ/TU", "kind": "quyet-dinh",
            "summary": "Ban hành Quy định về trách nhiệm nêu gương", "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "signer": "Trần Quốc Hưng", "date_issued": "15/03/2021",
            "date_effective": "", "field": "Xây dựng tổ chức đảng", "legal_status": "in_force",
            "replaced_by": "__None", "body": "", "slug": ""}
    data.update(overrides)
    return data


def post_create(client, data, files=()):
    page = text_of(client.get("/admin/document/new/"))
    payload = dict(data, csrf_token=csrf_from(page))
    if files:
        payload["new_files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/admin/document/new/", data=payload, content_type="multipart/form-data")


# --- who may do what ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role, can_create, can_publish", [
    ("admin", True, True), ("editor", True, True), ("leader", False, False), ("staff", True, False)])
def test_each_role_reaches_what_its_rules_allow(client_as, document, role, can_create, can_publish):
    client = client_as(role)
    assert client.get("/admin/document/").status_code == 200  # everyone reads the register
    assert client.get(f"/admin/document/details/?id={document.id}").status_code == 200
    assert client.get("/admin/document/new/").status_code == (200 if can_create else 403)
    # Another's draft: editors and admins edit it; staff only their own.
    assert client.get(f"/admin/document/edit/?id={document.id}").status_code == (200 if can_publish else 403)
    token = admin_token(client)
    response = client.post(f"/admin/document/transition/{document.id}",
                           data={"name": "publish", "csrf_token": token})
    assert response.status_code == (302 if can_publish else 403)
    assert Document.get_by_id(document.id).status == (Document.PUBLISHED if can_publish else Document.DRAFT)
    assert client.get("/admin/document/edit/?id=999999").status_code == (404 if can_create else 403)


def test_staff_enter_a_draft_edit_it_and_submit_it_but_cannot_publish(client_as, users):
    client = client_as("staff")
    assert post_create(client, form(), files=[(pdf_bytes(), "du-thao.pdf")]).status_code == 302
    draft = Document.get(Document.number_key == "2993-qd-tu")
    assert draft.owner_id == users["staff"].id and draft.status == Document.DRAFT
    assert client.get(f"/admin/document/edit/?id={draft.id}").status_code == 200
    token = admin_token(client)
    assert client.post(f"/admin/document/transition/{draft.id}",
                       data={"name": "publish", "csrf_token": token}).status_code == 403
    assert client.post(f"/admin/document/transition/{draft.id}",
                       data={"name": "submit", "csrf_token": token}).status_code == 302
    assert Document.get_by_id(draft.id).status == Document.PENDING
    # submitted: no longer theirs to change
    assert client.get(f"/admin/document/edit/?id={draft.id}").status_code == 403
    editor = client_as("editor")
    editor.post(f"/admin/document/transition/{draft.id}",
                data={"name": "publish", "csrf_token": admin_token(editor)})
    assert Document.get_by_id(draft.id).status == Document.PUBLISHED
    deleted = client.post("/admin/document/delete/", data={"id": draft.id, "csrf_token": token})
    assert deleted.status_code == 403 and Document.get_or_none(Document.id == draft.id) is not None


def test_anonymous_visitors_are_sent_to_the_login_page(app, document):
    response = app.test_client().get("/admin/document/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_the_menu_and_form_are_in_vietnamese(client_as):
    client = client_as("editor")
    home = text_of(client.get("/admin/"))
    assert 'href="/admin/document/"' in home and "Văn bản" in home
    page = text_of(client.get("/admin/document/new/"))
    for label in ("Số, ký hiệu", "Loại văn bản", "Trích yếu", "Cơ quan ban hành",
                  "Ngày ban hành (dd/mm/yyyy)", "Tải tệp văn bản lên", "Nghị quyết", "Còn hiệu lực"):
        assert label in page, label


# --- creating, with files ----------------------------------------------------------------------------

def test_an_editor_creates_a_draft_with_files_then_publishes_it(app, client_as, users):
    client = client_as("editor")
    response = post_create(client, form(), files=[(pdf_bytes(), "Quyết định 2993-QĐ-TU.pdf"),
                                                  (docx_bytes(), "Phụ lục.docx")])
    assert response.status_code == 302, flashes(text_of(response))
    document = Document.get(Document.number_key == "2993-qd-tu")
    assert document.status == Document.DRAFT and document.owner_id == users["editor"].id
    assert document.date_issued == date(2021, 3, 15) and document.number == "2993-QĐ/TU"
    files = document.files()
    assert [(f.original_name, f.kind) for f in files] == [("Quyết định 2993-QĐ-TU.pdf", "pdf"),
                                                          ("Phụ lục.docx", "docx")]
    assert app.test_client().get(f"/van-ban/{document.slug}").status_code == 404  # a draft
    client.post(f"/admin/document/transition/{document.id}",
                data={"name": "publish", "csrf_token": admin_token(client)})
    page = app.test_client().get(f"/van-ban/{document.slug}")
    assert page.status_code == 200 and "Tải về Quyết định 2993-QĐ-TU.pdf" in text_of(page)
    actions = [(e.action, e.object_type) for e in AuditEntry.select().order_by(AuditEntry.id)
               if e.object_type == "document"]
    assert ("create", "document") in actions and ("upload", "document") in actions
    assert ("transition", "document") in actions


@pytest.mark.parametrize("content, name, message", [
    (b"<html><script>alert(1)</script></html>", "van-ban.pdf", "Chỉ nhận tệp PDF hoặc Word (.docx)."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cu.doc", "Word đời cũ (.doc)"),
    (b"%PDF-1.4 hong", "hong.pdf", "Tệp PDF"),
    (docx_bytes({"word/vbaProject.bin": b"macro"}), "macro.docx", "macro"),
    (b"", "rong.pdf", "Tệp rỗng"),
])
def test_a_bad_file_is_refused_in_vietnamese_and_nothing_is_written(app, client_as, content, name, message):
    client = client_as("admin")
    response = post_create(client, form(), files=[(pdf_bytes(), "tot.pdf"), (content, name)])
    page = text_of(response)
    shown = flashes(page)
    assert response.status_code == 200 and any(message in f and name in f for f in shown), shown
    assert not Document.select().exists() and not DocumentFile.select().exists()
    stored = Path(app.config["CMS_DATA_DIR"]) / "uploads" / "documents"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_a_mistyped_day_is_explained(client_as):
    page = text_of(post_create(client_as("editor"), form(date_issued="31/02/2021")))
    assert "Ngày không hợp lệ: dùng dạng dd/mm/yyyy" in page and not Document.select().exists()


def test_editing_removes_a_file_and_refuses_a_stale_form(app, client_as, document):
    from cms.document_files import save_file

    with app.app_context():
        kept = save_file(app, document, pdf_bytes(), "giu-lai.pdf")
        dropped = save_file(app, document, pdf_bytes(), "go-bo.pdf", position=1)
    client = client_as("editor")
    page = text_of(client.get(f"/admin/document/edit/?id={document.id}"))
    data = form(number="05-NQ/TU", kind="nghi-quyet", summary="Trích yếu đã sửa", date_issued="10/09/2021",
                expected_version=str(document.version), remove_files=str(dropped.id),
                csrf_token=csrf_from(page))
    response = client.post(f"/admin/document/edit/?id={document.id}", data=data)
    assert response.status_code == 302, flashes(text_of(response))
    assert [f.id for f in Document.get_by_id(document.id).files()] == [kept.id]
    assert Document.get_by_id(document.id).summary == "Trích yếu đã sửa"
    data.pop("remove_files")
    stale = client.post(f"/admin/document/edit/?id={document.id}", data=dict(data, summary="Bản cũ ghi đè"))
    assert "CHƯA được lưu" in text_of(stale)
    assert Document.get_by_id(document.id).summary == "Trích yếu đã sửa"


def test_the_list_search_finds_a_number_however_typed(client_as, document):
    client = client_as("leader")
    for typed in ("05-NQ/TU", "05 nq tu", "05-nq/tu", "co so dang"):
        assert "05-NQ/TU" in text_of(client.get("/admin/document/", query_string={"search": typed})), typed
    assert "05-NQ/TU" not in text_of(client.get("/admin/document/", query_string={"search": "132 qd tw"}))


def test_an_editor_publishing_shows_at_once_on_the_public_list(app, client_as, document):
    reader = app.test_client()
    reader.get("/van-ban")
    assert "05-NQ/TU" not in text_of(reader.get("/van-ban"))  # cached, without it
    client = client_as("editor")
    client.post(f"/admin/document/transition/{document.id}",
                data={"name": "publish", "csrf_token": admin_token(client)})
    assert "05-NQ/TU" in text_of(reader.get("/van-ban"))



def test_an_editor_deletes_a_document_with_its_files_and_the_articles_lose_the_link(app, client_as, document):
    from cms.document_files import file_path, save_file
    from cms.models import Article, Category

    document.status = Document.PUBLISHED
    document.save()
    with app.app_context():
        row = save_file(app, document, pdf_bytes(), "nghi-quyet.pdf")
        path = file_path(app, row)
    article = Article.create(title="Bài dẫn chiếu", category=Category.create(name="Xây dựng Đảng"),
                             body="Thực hiện Nghị quyết 05-NQ/TU.", status="published")
    assert "document-link" in Article.get_by_id(article.id).body_html
    client = client_as("editor")
    response = client.post("/admin/document/delete/",
                           data={"id": document.id, "csrf_token": admin_token(client)})
    assert response.status_code == 302
    assert Document.get_or_none(Document.id == document.id) is None and not DocumentFile.select().exists()
    assert not path.exists()
    assert "document-link" not in Article.get_by_id(article.id).body_html
    assert AuditEntry.select().where((AuditEntry.object_type == "document")
                                     & (AuditEntry.action == "delete")).exists()
