"""Attachments are checked by content, stored under uploads/visits/ with generated names, audited."""

import io
import random
from pathlib import Path

import pytest
from filekit import docx_paragraphs, lying_zip_bomb, pdf_file, pdf_with_object_stream
from openpyxl import Workbook
from pypdf import PdfWriter
from visitkit import office_bytes, pdf_bytes, png_bytes, text, token, upload

from cms.audit import AuditEntry
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


def _encrypted_pdf(user_password):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _xlsx():
    book = Workbook()
    book.active.append(["Địa bàn", "Số đợt"])
    book.active.append(["Xã Tân Lập", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _outline(action):
    return pdf_file(b"/Outlines 4 0 R", objects=[b"<</Type/Outlines/First 5 0 R/Last 5 0 R/Count 1>>",
                                                 b"<</Title(Muc 1)/Parent 4 0 R/A" + action + b">>"])


def _link(action):
    return pdf_file(page=b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A" + action + b">>]")


ACCEPTED = [
    ("pdf-plain", pdf_file(), "pdf"),
    ("pdf-object-stream", pdf_with_object_stream(b"/Outlines 4 0 R", [b"<</Type/Outlines/Count 0>>"]), "pdf"),
    ("pdf-web-link", _link(b"<</S/URI/URI(https://tochuc.example/van-ban)>>"), "pdf"),
    ("pdf-outline-goto", _outline(b"<</S/GoTo/D[3 0 R/Fit]>>"), "pdf"),
    ("pdf-encrypted-no-open-password", _encrypted_pdf(""), "pdf"),
    ("xlsx-openpyxl", _xlsx(), "xlsx"),
    ("xlsx-printer-settings", office_bytes("xlsx", {"xl/printerSettings/printerSettings1.bin": b"\x00" * 64}),
     "xlsx"),
    ("docx-embedded-workbook", office_bytes("docx", {"word/embeddings/Bang_so_lieu.xlsx": _xlsx()}), "docx"),
    ("docx-web-link", office_bytes("docx", {"word/_rels/document.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="https://tochuc.example/" TargetMode="External"/></Relationships>')}), "docx"),
    ("docx-long", office_bytes("docx", main=docx_paragraphs(20_000)), "docx"),
]


@pytest.mark.parametrize(("data", "kind"), [row[1:] for row in ACCEPTED], ids=[row[0] for row in ACCEPTED])
def test_ordinary_documents_are_accepted(data, kind):
    assert detect_kind(data) == kind


def _types(xml):
    return office_bytes("docx", more_types=xml)


REFUSED = [
    ("pdf-goto-remote", _link(b"<</S/GoToR/F(\\\\may-chu\\chia-se\\a.pdf)/D[0/Fit]>>"), "bên ngoài"),
    ("pdf-goto-embedded", _link(b"<</S/GoToE/T<</R/C/N(a.pdf)>>/D[0/Fit]>>"), "nhúng bên trong"),
    ("pdf-submit-form", _link(b"<</S/Subm#69tForm/F(https://thu-thap.example/)>>"), "gửi dữ liệu"),
    ("pdf-import-data", _link(b"<</S/ImportData/F(du-lieu.fdf)>>"), "gửi dữ liệu"),
    ("pdf-uri-javascript", _link(b"<</S/URI/URI( JavaScript:app.alert(1))>>"), "mã lệnh tự chạy"),
    ("pdf-outline-javascript", _outline(b"<</S/J#61vaScript/J#53 6 0 R>>"), "mã lệnh tự chạy"),
    ("pdf-javascript-name-tree", pdf_file(b"/Names<</J#61vaScript<</Names[(a) 4 0 R]>>>>",
                                          objects=[b"<</S/Named/N/Print>>"]), "mã lệnh tự chạy"),
    ("pdf-unreferenced-javascript", pdf_file(objects=[b"<</S/JavaScript/JS(app.alert(1))>>"]),
     "mã lệnh tự chạy"),
    ("pdf-user-password", _encrypted_pdf("mat-khau"), "mật khẩu"),
    ("pdf-nested-too-deep", pdf_file(b"/X" + b"[" * 5000 + b"]" * 5000), "PDF"),
    ("pdf-truncated", pdf_file()[:-40] + b"%%EOF", "PDF"),
    ("docx-activex", office_bytes("docx", {"word/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0"}), "macro"),
    ("docx-ole-object", office_bytes("docx", {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}),
     "macro"),
    ("docx-nested-macro-workbook", office_bytes("docx", {"word/embeddings/Bang.xlsm": b"PK"}), "macro"),
    ("docx-ole-type", _types('<Default Extension="dat" ContentType="application/vnd.openxmlformats-'
                             'officedocument.oleObject"/>'), "macro"),
    ("docx-doctype", office_bytes("docx", {"word/_rels/document.xml.rels": (
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><Relationships/>')}), "bị hỏng"),
    ("docx-size-lie-under-cap", lying_zip_bomb(inflated=5 * 1024 * 1024), "bị hỏng"),
    ("docx-size-and-checksum-lie", lying_zip_bomb(inflated=5 * 1024 * 1024, checksum_too=True), "bị hỏng"),
]


@pytest.mark.parametrize(("data", "message"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_hostile_documents_are_refused(data, message):
    with pytest.raises(AttachmentError, match=message):
        detect_kind(data)


def test_pdf_work_is_bounded(monkeypatch):
    """A PDF with more objects, values or inflated object-stream bytes than the caps is refused."""
    many = pdf_with_object_stream(b"", [b"<</N %d>>" % n for n in range(50)])
    assert detect_kind(many) == "pdf"
    for cap, value in (("MAX_PDF_OBJECTS", 20), ("MAX_PDF_VALUES", 60), ("MAX_PDF_INFLATED", 100)):
        with monkeypatch.context() as patch:
            patch.setattr(f"cms.file_checks.{cap}", value)
            with pytest.raises(AttachmentError, match="quá phức tạp"):
                detect_kind(many)


def test_damaged_documents_are_refused_never_an_error():
    """Cut or corrupted anywhere, a PDF or DOCX is accepted or refused with a message, nothing else."""
    rng = random.Random(12)
    samples = [pdf_with_object_stream(b"/OpenAction 4 0 R", [b"<</S/GoTo/D[0/Fit]>>", b"<</A 1>>"]),
               _link(b"<</S/URI/URI(https://a.example/)>>"), office_bytes("docx"), _xlsx()]
    for sample in samples:
        for _ in range(60):
            data = bytearray(sample)
            if rng.random() < 0.5:  # a piece cut out
                at = rng.randrange(len(data))
                del data[at:at + rng.randrange(1, 200)]
            for _ in range(rng.randrange(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                detect_kind(bytes(data))
            except AttachmentError:
                pass


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
