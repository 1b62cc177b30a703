"""Report attachments: PDF, Word (DOCX), Excel (XLSX) and images, checked by content.

The declared name and type count for nothing: PDF by its header and end marker, DOCX and XLSX by
being a real ZIP with the parts those formats must have (and without macros, with a bounded
unpacked size), images by Pillow. Files are stored under the data dir's uploads/visits/ with
generated names and are served only by the back office's permission-checked download endpoint
(never by /media/, which refuses that folder: see visits.init_app).
"""

import io
import re
import uuid
import zipfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from admin.media import clean_file_name, looks_like_markup
from cms.config import uploads_dir
from cms.db import storage_failure
from cms.timeutil import utcnow

from .models import Attachment

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a DOCX/XLSX that unpacks to more is refused (zip bomb)
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
# Actions a PDF viewer would run by itself: scripts, launching programs, submitting forms.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|SubmitForm|ImportData)(?![A-Za-z])")


class AttachmentError(ValueError):
    """A file refused, with the reason in Vietnamese."""


def _office_kind(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise AttachmentError("Tệp nén (DOCX/XLSX) bị hỏng hoặc không hợp lệ.") from exc
    if len(infos) > MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise AttachmentError("Tệp nén có dung lượng giải nén quá lớn.")
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise AttachmentError("Không nhận tệp được đặt mật khẩu.")
    if "[Content_Types].xml" not in names:
        raise AttachmentError(f"Chỉ nhận: {ACCEPTED_TEXT}.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise AttachmentError("Không nhận tệp có chứa macro.")
    if "word/document.xml" in names:
        kind = "docx"
    elif "xl/workbook.xml" in names:
        kind = "xlsx"
    else:
        raise AttachmentError(f"Chỉ nhận: {ACCEPTED_TEXT}.")
    try:
        content_types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise AttachmentError("Tệp nén (DOCX/XLSX) bị hỏng hoặc không hợp lệ.") from exc
    if b"macroEnabled" in content_types:
        raise AttachmentError("Không nhận tệp có chứa macro.")
    return kind


def _image_kind(data):
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = (probe.format or "").lower()
            if kind not in ("jpeg", "png", "webp"):
                raise AttachmentError(f"Chỉ nhận: {ACCEPTED_TEXT}.")
            if probe.width * probe.height > MAX_PIXELS:
                raise AttachmentError("Ảnh có kích thước điểm ảnh quá lớn.")
            probe.verify()
    except AttachmentError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own limit, met before ours can be checked
        raise AttachmentError("Ảnh có kích thước điểm ảnh quá lớn.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise AttachmentError(f"Chỉ nhận: {ACCEPTED_TEXT}.") from exc
    return kind


def detect_kind(data):
    """The kind of `data` (a key of KINDS), or AttachmentError saying why it is refused."""
    kind = _kind_of(data)
    if looks_like_markup(data):  # a real document or image that is also a page or a script
        raise AttachmentError("Tệp có chứa mã HTML hoặc mã lệnh (tệp ghép): không nhận.")
    return kind


def _kind_of(data):
    if not data:
        raise AttachmentError("Tệp rỗng (0 byte).")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(f"Tệp quá lớn: tối đa {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentError("Tệp PDF không hoàn chỉnh (thiếu phần kết thúc).")
        if _PDF_ACTIVE.search(data):
            raise AttachmentError("Không nhận tệp PDF có mã lệnh tự chạy (JavaScript, mở chương trình).")
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" or (
            data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return _image_kind(data)
    raise AttachmentError(f"Chỉ nhận: {ACCEPTED_TEXT}.")


def storage_root(app):
    return uploads_dir(app) / SUBDIR


def save_attachment(app, visit, data, original_name, user):
    """Check `data`, store it under uploads/visits/ with a generated name, return the Attachment."""
    kind = detect_kind(data)
    ext, content_type, _ = KINDS[kind]
    now = utcnow()
    relative = Path(SUBDIR) / f"{now:%Y}" / f"{now:%m}" / f"{uuid.uuid4().hex}.{ext}"
    target = uploads_dir(app) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
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
