"""Attachments are checked by content, stored under uploads/visits/ with generated names, audited."""

from pathlib import Path

import pytest
from visitkit import office_bytes, pdf_bytes, png_bytes, text, token, upload

from admin.audit import AuditEntry
from visits import vocab
from visits.attachments import AttachmentError, detect_kind
from visits.models import Attachment


def test_kinds_are_told_by_content_not_by_name():
    assert detect_kind(pdf_bytes()) == "pdf"
    assert detect_kind(office_bytes("docx")) == "docx"
    assert detect_kind(office_bytes("xlsx")) == "xlsx"
    assert detect_kind(png_bytes()) == "png"
    for data, message in [
        (b"<html><script>alert(1)</script></html>", "Chỉ nhận"),
        (b"%PDF-1.4 truncated", "không hoàn chỉnh"),
        (b"PK\x03\x04not really a zip", "bị hỏng"),
        (office_bytes("docx", {"word/vbaProject.bin": b"x"}), "macro"),
        (b"", "rỗng"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Chỉ nhận"),
        (b"MZ\x90\x00 an exe", "Chỉ nhận"),
    ]:
        with pytest.raises(AttachmentError, match=message):
            detect_kind(data)


def test_size_limit(monkeypatch):
    monkeypatch.setattr("visits.attachments.MAX_ATTACHMENT_BYTES", 100)
    with pytest.raises(AttachmentError, match="quá lớn"):
        detect_kind(pdf_bytes() + b" " * 200)


def test_upload_download_delete_through_the_report_page(app, field, make_visit, as_user):
    visit = make_visit("a", state=vocab.APPROVED)
    client = as_user("staff_a")
    tok = token(client, f"/admin/visit/report/{visit.id}")
    response = client.post(f"/admin/visit/attachment/upload/{visit.id}", content_type="multipart/form-data",
                           data={"csrf_token": tok, "file": upload(office_bytes("docx"),
                                                                   "Biên bản làm việc.docx")})
    assert response.status_code == 302
    attachment = Attachment.get(Attachment.visit == visit.id)
    assert attachment.kind == "docx" and attachment.original_name == "Biên bản làm việc.docx"
    assert attachment.file_name.startswith("visits/") and "Biên" not in attachment.file_name
    stored = Path(app.config["CMS_DATA_DIR"]) / "uploads" / attachment.file_name
    assert stored.read_bytes() == office_bytes("docx")
    assert AuditEntry.select().where(AuditEntry.object_type == "visit_attachment").count() == 1
    refused = client.post(f"/admin/visit/attachment/upload/{visit.id}", content_type="multipart/form-data",
                          data={"csrf_token": tok, "file": upload(b"<svg onload=alert(1)>", "anh.png")},
                          follow_redirects=True)
    assert "Không nhận tệp" in text(refused)
    assert Attachment.select().count() == 1
    # A colleague of the same department reads it but may not delete it; another department never sees it.
    assert as_user("staff_a2").get(f"/admin/visit/attachment/{attachment.id}").status_code == 200
    colleague = as_user("staff_a2")
    assert colleague.post(f"/admin/visit/attachment/delete/{attachment.id}",
                          data={"csrf_token": token(colleague)}).status_code == 403
    other = as_user("staff_b")
    assert other.post(f"/admin/visit/attachment/delete/{attachment.id}",
                      data={"csrf_token": token(other)}).status_code == 404
    assert client.post(f"/admin/visit/attachment/delete/{attachment.id}",
                       data={"csrf_token": tok}).status_code == 302
    assert not Attachment.select().exists() and not stored.exists()
