"""Files of documents: PDF and Word (DOCX), checked by content exactly as visit attachments are.

What a file is comes from its bytes (cms.file_checks: pypdf walking every object, DOCX inflated with
a cap, macros refused), never from its name. Files are stored under uploads/documents/ with
generated names (cms.config.new_upload_path) and served only by the document page's download URL,
which checks that the document is public (/media/ refuses that folder: hide_document_files).
"""

import posixpath
from pathlib import Path

from flask import abort, request

from .config import new_upload_path, uploads_dir
from .db import storage_failure
from .documents import DocumentFile
from .file_checks import FileRefused, check_pdf, check_size, clean_file_name, looks_like_markup, office_kind

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
SUBDIR = "documents"

KINDS = {
    "pdf": ("pdf", "application/pdf", "PDF"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
}
NOT_ACCEPTED = "Chỉ nhận tệp PDF hoặc Word (.docx)."
OLD_WORD = ("Không nhận tệp Word đời cũ (.doc): không kiểm tra được mã lệnh bên trong. "
            "Xin mở tệp bằng Word và lưu lại dạng .docx hoặc PDF rồi tải lên.")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls: the old compound format


def detect_kind(data):
    """"pdf" or "docx" for an acceptable file; FileRefused saying why in Vietnamese otherwise."""
    check_size(data, MAX_FILE_BYTES)
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = office_kind(data, MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES)
        if kind != "docx":
            raise FileRefused(NOT_ACCEPTED)
    elif data.startswith(_OLE2_SIGNATURE):
        raise FileRefused(OLD_WORD)
    else:
        raise FileRefused(NOT_ACCEPTED)
    if looks_like_markup(data):  # a real document that is also a page or a script
        raise FileRefused("Tệp có chứa mã HTML hoặc mã lệnh (tệp ghép): không nhận.")
    return kind


def save_file(app, document, data, original_name, user=None, position=0):
    """Check `data`, store it under uploads/documents/, return its DocumentFile row."""
    kind = detect_kind(data)
    ext, content_type, _ = KINDS[kind]
    relative, target = new_upload_path(app, SUBDIR, ext)
    try:
        target.write_bytes(data)
        name = clean_file_name(original_name)[:200] or f"van-ban.{ext}"
        return DocumentFile.create(document=document.id, file_name=relative.as_posix(), original_name=name,
                                   kind=kind, content_type=content_type, size_bytes=len(data),
                                   position=position, uploaded_by=user.id if user else None)
    except Exception as exc:
        target.unlink(missing_ok=True)
        if storage_failure(exc):
            raise FileRefused(storage_failure(exc)) from exc
        raise


def file_path(app, row):
    """Where the file's bytes are; None for a stored name that would leave uploads/documents/."""
    root = (uploads_dir(app) / SUBDIR).resolve()
    path = (uploads_dir(app) / row.file_name).resolve()
    return path if root in path.parents else None


def delete_file(app, row):
    path = file_path(app, row)
    if path is not None:
        path.unlink(missing_ok=True)


def download_name(row):
    """The name the reader's browser saves: the uploaded name (Vietnamese kept), the real extension."""
    ext = KINDS.get(row.kind, (row.kind,))[0]
    stem = Path(row.original_name or "van-ban").stem or "van-ban"
    return f"{stem}.{ext}"


def hide_document_files(app):
    """Refuse /media/ requests that would reach uploads/documents/ (a draft's files stay unseen)."""

    @app.before_request
    def _refuse_document_files():
        if request.endpoint != "public.media":
            return None
        name = posixpath.normpath((request.view_args or {}).get("filename", "").replace("\\", "/"))
        if name.lstrip("/").split("/", 1)[0].lower() == SUBDIR:
            abort(404)
        return None
