"""Image uploads, checked by content (not by name), stored with generated names, resized by Pillow.
The Media model itself and its rendition names are the core's (cms.media), shown by public pages.

Only JPEG, PNG and WebP are accepted; SVG (which can carry scripts) and everything else is refused
with a message saying why. Each upload gets two renditions: a thumbnail and an article-width copy.
"""

import io

from PIL import Image

from cms.config import new_upload_path, uploads_dir
from cms.db import storage_failure
from cms.file_checks import FileRefused, check_size, clean_file_name, image_format, looks_like_markup
from cms.media import RENDITIONS, Media  # noqa: F401  (the model moved to the core; kept importable here)
from cms.text import nfc

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger images are refused (decompression bombs)
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


UploadError = FileRefused  # an upload refused, with a message for the user in Vietnamese


def _open_checked(data):
    check_size(data, MAX_UPLOAD_BYTES)
    kind = image_format(data, MAX_PIXELS, "Chỉ nhận ảnh JPEG, PNG hoặc WebP (không nhận SVG hay tệp khác).",
                        "Tệp không phải ảnh hợp lệ (JPEG, PNG hoặc WebP).")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:  # verified, yet its pixels cannot be decoded
        raise UploadError("Tệp không phải ảnh hợp lệ (JPEG, PNG hoặc WebP).") from exc
    if looks_like_markup(data):  # a real image that is also a page or a script: a polyglot
        raise UploadError("Ảnh có chứa mã HTML hoặc mã lệnh (tệp ghép): không nhận.")
    return image, kind


def _save_rendition(image, kind, path, width):
    copy = image.copy()
    if copy.width > width:
        copy.thumbnail((width, width * 10))
    if kind == "JPEG" and copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    options = {"quality": 85} if kind in ("JPEG", "WEBP") else {"optimize": True}
    copy.save(path, format=kind, **options)


def save_upload(app, data, original_name="", title="", user=None):
    """Validate `data` (bytes) as an image, store it and its renditions, return the Media row."""
    image, kind = _open_checked(data)
    ext, content_type = FORMATS[kind]
    relative, target = new_upload_path(app, "media", ext)
    written = [target]  # listed before writing: a file cut short by a full disk goes too
    try:
        target.write_bytes(data)
        for rendition, width in RENDITIONS.items():
            path = target.with_name(f"{target.stem}-{rendition}.{ext}")
            _save_rendition(image, kind, path, width)
            written.append(path)
        return Media.create(
            file_name=relative.as_posix(), original_name=clean_file_name(original_name)[:255],
            title=nfc(title or "")[:300], content_type=content_type, width=image.width,
            height=image.height, size_bytes=len(data), uploaded_by=user.id if user else None)
    except Exception as exc:
        for path in written:  # nothing half-written: files go when the row cannot be saved
            path.unlink(missing_ok=True)
        if storage_failure(exc):  # disk full, database locked: said in Vietnamese on the form
            raise UploadError(storage_failure(exc)) from exc
        raise


def delete_files(app, media):
    base = uploads_dir(app) / media.file_name
    base.unlink(missing_ok=True)
    for rendition in RENDITIONS:
        base.with_name(f"{base.stem}-{rendition}{base.suffix}").unlink(missing_ok=True)

