"""Report attachments: PDF, Word (DOCX), Excel (XLSX) and images, checked by content.

The declared name and type count for nothing: what a file is and whether it is safe is read by
parsers (cms.file_checks): PDFs by pypdf, every object walked for scripts, launches and embedded
files; DOCX and XLSX by inflating every part with a cap on what really comes out, refusing macros;
images by Pillow. Files are stored under the data dir's uploads/visits/ with generated names and are
served only by the back office's permission-checked download endpoint (never by /media/, which
refuses that folder: see visits.init_app).
"""

from pathlib import Path

from cms.config import new_upload_path, uploads_dir
from cms.db import storage_failure
from cms.file_checks import (
    FileRefused,
    check_pdf,
    check_size,
    clean_file_name,
    image_format,
    looks_like_markup,
    office_kind,
)

from .models import Attachment

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a DOCX/XLSX that really unpacks to more is refused (zip bomb)
MAX_ZIP_ENTRIES = 5000
MAX_PIXELS = 40_000_000
SUBDIR = "visits"

KINDS = {
    "pdf": ("pdf", "application/pdf", "PDF"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "jpeg": ("jpg", "image/jpeg", "Ảnh JPEG"),
    "png": ("png", "image/png", "Ảnh PNG"),
    "webp": ("webp", "image/webp", "Ảnh WebP"),
}
ACCEPTED_TEXT = "PDF, Word (.docx), Excel (.xlsx), ảnh JPEG/PNG/WebP"
NOT_ACCEPTED = f"Chỉ nhận: {ACCEPTED_TEXT}."

AttachmentError = FileRefused  # a file refused, with the reason in Vietnamese


def detect_kind(data):
    """The kind of `data` (a key of KINDS), or AttachmentError saying why it is refused."""
    kind = _kind_of(data)
    if looks_like_markup(data):  # a real document or image that is also a page or a script
        raise AttachmentError("Tệp có chứa mã HTML hoặc mã lệnh (tệp ghép): không nhận.")
    return kind


def _kind_of(data):
    check_size(data, MAX_ATTACHMENT_BYTES)
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        kind = office_kind(data, MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES)
        if kind is None:
            raise AttachmentError(NOT_ACCEPTED)
        return kind
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" or (
            data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return image_format(data, MAX_PIXELS, NOT_ACCEPTED, NOT_ACCEPTED).lower()
    raise AttachmentError(NOT_ACCEPTED)


def storage_root(app):
    return uploads_dir(app) / SUBDIR


def save_attachment(app, visit, data, original_name, user):
    """Check `data`, store it under uploads/visits/ with a generated name, return the Attachment."""
    kind = detect_kind(data)
    ext, content_type, _ = KINDS[kind]
    relative, target = new_upload_path(app, SUBDIR, ext)
    try:
        target.write_bytes(data)
        name = clean_file_name(original_name)[:200] or f"tep-dinh-kem.{ext}"
        return Attachment.create(visit=visit.id, file_name=relative.as_posix(), original_name=name,
                                 kind=kind, content_type=content_type, size_bytes=len(data),
                                 uploaded_by=user.id if user else None)
    except Exception as exc:
        target.unlink(missing_ok=True)  # also a file cut short by a full disk
        if storage_failure(exc):  # disk full, database locked: said in Vietnamese on the form
            raise AttachmentError(storage_failure(exc)) from exc
        raise


def file_path(app, attachment):
    """Where the attachment's bytes are; refuses a stored name that would leave uploads/visits/."""
    root = storage_root(app).resolve()
    path = (uploads_dir(app) / attachment.file_name).resolve()
    if root not in path.parents:
        raise AttachmentError("Đường dẫn tệp không hợp lệ.")
    return path


def delete_file(app, attachment):
    try:
        file_path(app, attachment).unlink(missing_ok=True)
    except AttachmentError:
        pass


def download_name(attachment):
    """The original name, with the extension of the kind actually stored."""
    ext = KINDS.get(attachment.kind, (attachment.kind,))[0]
    stem = Path(attachment.original_name or "tep-dinh-kem").stem or "tep-dinh-kem"
    return f"{stem}.{ext}"
