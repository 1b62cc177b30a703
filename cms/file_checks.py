"""What an uploaded file really is, read by parsers rather than by name or byte patterns.

Shared by the image library (admin.media) and visit attachments (visits.attachments). Images are
opened by Pillow; PDFs by pypdf, with every object of the document walked and names decoded, so
that an action hidden anywhere or spelt with escapes (`/J#61vaScript`) is found; DOCX/XLSX by
inflating every part, counting the bytes that really come out (the sizes a ZIP declares are the
attacker's to choose) and reading the content types and relationships with an XML parser.
"""

import io
import logging
import struct
import zipfile
import zlib
from pathlib import PurePosixPath
from xml.parsers import expat

from PIL import Image, UnidentifiedImageError

from cms.text import nfc

# pypdf logs each flaw it works around in a damaged file; a hostile one could fill the log with
# them, and the file is either refused with a message here or harmless.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class FileRefused(ValueError):
    """A file refused, with the reason for the user in Vietnamese."""


def check_size(data, max_bytes):
    if not data:
        raise FileRefused("Tệp rỗng (0 byte).")
    if len(data) > max_bytes:
        raise FileRefused(f"Tệp quá lớn: tối đa {max_bytes // (1024 * 1024)} MB.")


# Markup inside an image or document makes a polyglot: a file that a browser or a viewer might also
# read as HTML or script. "<script" is looked for everywhere; shorter signs only where browsers sniff
# (the first 1 KB), where an ordinary photo's bytes cannot be mistaken for them by chance.
_MARKUP_ANYWHERE = (b"<script", b"<iframe", b"<?php", b"<!doctype html")
_MARKUP_AT_START = (b"<html", b"<svg", b"<body", b"<head", b"<img", b"javascript:")


def looks_like_markup(data):
    lowered = data.lower()
    return any(sign in lowered for sign in _MARKUP_ANYWHERE) or \
        any(sign in lowered[:1024] for sign in _MARKUP_AT_START)


def clean_file_name(name):
    """The last part of a client's file name (either slash), without control characters, NFC."""
    name = "".join(ch for ch in (name or "") if ord(ch) >= 32 and ord(ch) != 127)
    return nfc(name.replace("\\", "/").rsplit("/", 1)[-1]).strip()


# --- images ---------------------------------------------------------------------------------------

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
PIXELS_TOO_MANY = "Ảnh có kích thước điểm ảnh quá lớn."


def image_format(data, max_pixels, wrong_format, unreadable):
    """Pillow's name for the format of `data` (one of IMAGE_FORMATS), checked whole.

    `wrong_format` and `unreadable` are the caller's messages for another format and for bytes
    Pillow cannot read."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in IMAGE_FORMATS:
                raise FileRefused(wrong_format)
            if probe.width * probe.height > max_pixels:
                raise FileRefused(PIXELS_TOO_MANY)
            probe.verify()
    except FileRefused:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own limit, met before ours can be checked
        raise FileRefused(PIXELS_TOO_MANY) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise FileRefused(unreadable) from exc
    return kind


# --- PDF ------------------------------------------------------------------------------------------

PDF_SCRIPT = "Không nhận tệp PDF có mã lệnh tự chạy (JavaScript, mở chương trình)."
PDF_EMBEDDED = "Không nhận tệp PDF có tệp khác nhúng bên trong."
PDF_OUTWARD = "Không nhận tệp PDF có lệnh gửi dữ liệu đi hoặc mở tệp bên ngoài."
PDF_BROKEN = "Tệp PDF bị hỏng hoặc không đọc được."
PDF_INCOMPLETE = "Tệp PDF không hoàn chỉnh (thiếu phần kết thúc)."
PDF_LOCKED = "Không nhận tệp PDF được đặt mật khẩu hoặc mã hóa không đọc được."
PDF_COMPLEX = "Tệp PDF quá phức tạp để kiểm tra: không nhận."

# Bounds on the work one PDF may cost, since pypdf parses only some 6,000-10,000 small objects a
# second: objects listed, values walked, and bytes inflated from object streams (where PDF 1.5+
# keeps most objects; pypdf parses a whole stream at once). Each costs a few seconds at most; a
# long report (1,500 pages: 9,000 objects, 112,000 values, 0.85 MB inflated) is far below each.
MAX_PDF_OBJECTS = 50_000
MAX_PDF_VALUES = 750_000
MAX_PDF_INFLATED = 6 * 1024 * 1024
_PDF_STREAM_LIMIT = MAX_PDF_INFLATED  # per stream, for every filter pypdf may have to undo
_PDF_LIMITS = {name: _PDF_STREAM_LIMIT for name in (
    "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
    "brotli_maximum_output_length", "jbig2_maximum_output_length",
    "array_based_stream_maximum_output_length")}

# Action types (/S) a viewer would carry out that reach beyond the page: scripts and programs,
# files carried inside the PDF, other files, and form data sent out or read in.
_PDF_ACTIONS = {"/JavaScript": PDF_SCRIPT, "/Launch": PDF_SCRIPT, "/RichMediaExecute": PDF_SCRIPT,
                "/GoToE": PDF_EMBEDDED, "/GoToR": PDF_OUTWARD, "/SubmitForm": PDF_OUTWARD,
                "/ImportData": PDF_OUTWARD}
# Keys that carry such content wherever they appear: scripts (/JS in actions, the /JavaScript name
# tree, XFA forms, whose XML holds scripts, 3D scripts), embedded files (file specs' /EF, the
# /EmbeddedFiles name tree).
_PDF_KEYS = {"/JS": PDF_SCRIPT, "/JavaScript": PDF_SCRIPT, "/XFA": PDF_SCRIPT,
             "/OnInstantiate": PDF_SCRIPT, "/EF": PDF_EMBEDDED, "/EmbeddedFiles": PDF_EMBEDDED}
_PDF_SUBTYPES = {"/FileAttachment": PDF_EMBEDDED, "/RichMedia": PDF_SCRIPT}
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")


def _resolved(value):
    from pypdf.generic import IndirectObject  # pypdf is imported by the first PDF checked

    return value.get_object() if isinstance(value, IndirectObject) else value


def _pdf_dict_refusal(item):
    """Why this dictionary makes the PDF unacceptable, or None."""
    for key, reason in _PDF_KEYS.items():
        if key in item:
            return reason
    action = _resolved(item.get("/S"))
    if action in _PDF_ACTIONS:
        return _PDF_ACTIONS[action]
    if action == "/URI":  # a link whose address is a script
        address = _resolved(item.get("/URI", ""))
        address = address.decode("latin-1") if isinstance(address, bytes) else str(address)
        if "".join(ch for ch in address if ord(ch) > 32).lower().startswith(_SCRIPT_SCHEMES):
            return PDF_SCRIPT
    if _resolved(item.get("/Subtype")) in _PDF_SUBTYPES:
        return _PDF_SUBTYPES[_resolved(item.get("/Subtype"))]
    if _resolved(item.get("/Type")) == "/EmbeddedFile":
        return PDF_EMBEDDED
    return None


def _pdf_objects(reader):
    """Every indirect object the cross-reference data lists, in use or not referenced at all."""
    from pypdf.generic import IndirectObject

    refs = [IndirectObject(number, generation, reader)
            for generation, numbers in reader.xref.items() for number in numbers
            if not reader.xref_free_entry.get(generation, {}).get(number)]
    refs += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    if len(refs) > MAX_PDF_OBJECTS:
        raise FileRefused(PDF_COMPLEX)
    return refs


def _inflate_object_streams(reader):
    """Decode the object streams up front, within one budget for the whole file."""
    total = 0
    for number in sorted({stream for stream, _ in reader.xref_objStm.values()}):
        stream = reader.get_object(number)
        if hasattr(stream, "get_data"):
            total += len(stream.get_data())  # cached: pypdf reads the objects from this copy
            if total > MAX_PDF_INFLATED:
                raise FileRefused(PDF_COMPLEX)


def _pdf_refusal(reader):
    """Walk the trailer and every object (each once, without recursion); the first reason found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [reader.trailer, *_pdf_objects(reader)]
    seen = set()
    values = 0
    while stack:
        item = stack.pop()
        values += 1
        if values > MAX_PDF_VALUES or len(seen) > MAX_PDF_OBJECTS:
            raise FileRefused(PDF_COMPLEX)
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams too: their dictionary, never their data
            reason = _pdf_dict_refusal(item)
            if reason:
                return reason
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def _pdf_failure(exc):
    """The message for a parser failure; pypdf often wraps the first cause in a PdfReadError."""
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    for _ in range(20):  # a chain is short; never follow one for ever
        if exc is None:
            break
        if isinstance(exc, FileNotDecryptedError | DependencyError):
            return PDF_LOCKED
        if isinstance(exc, LimitReachedError | RecursionError | MemoryError):
            return PDF_COMPLEX
        exc = exc.__cause__ or exc.__context__
    return PDF_BROKEN


def check_pdf(data):
    """Refuse a PDF that cannot be read whole or that holds scripts, launches or embedded files."""
    from pypdf import PdfReader, apply_configuration  # here: workers that get no PDF never load it

    if b"%%EOF" not in data[-2048:]:
        raise FileRefused(PDF_INCOMPLETE)
    try:
        with apply_configuration(**_PDF_LIMITS):
            reader = PdfReader(io.BytesIO(data), strict=False,
                               xref_stream_maximum_entries=2 * MAX_PDF_OBJECTS)
            if reader.is_encrypted and not reader.decrypt(""):  # only an empty user password is tried
                raise FileRefused(PDF_LOCKED)
            _inflate_object_streams(reader)
            reason = _pdf_refusal(reader)
    except FileRefused:
        raise
    except Exception as exc:  # whatever a hostile file makes the parser fail with
        raise FileRefused(_pdf_failure(exc)) from exc
    if reason:
        raise FileRefused(reason)


# --- DOCX and XLSX --------------------------------------------------------------------------------

OFFICE_BROKEN = "Tệp nén (DOCX/XLSX) bị hỏng hoặc không hợp lệ."
OFFICE_TOO_BIG = "Tệp nén có dung lượng giải nén quá lớn."
OFFICE_LOCKED = "Không nhận tệp được đặt mật khẩu."
OFFICE_MACRO = "Không nhận tệp có chứa macro hoặc đối tượng chạy mã (ActiveX, OLE)."
OFFICE_MACRO_LINK = "Không nhận tệp có liên kết tới mẫu hoặc đối tượng bên ngoài (có thể chứa macro)."

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a ZIP local file header, as in zipfile
# Content types of parts that run code: VBA projects and their data, macro-enabled documents,
# templates and add-ins (.docm, .xlsm, .xlsb, ...), Excel 4.0 macro sheets, ActiveX controls, OLE
# objects (embedded programs, packages, old equation objects).
_MACRO_TYPES = ("vbaproject", "vbadata", "macroenabled", "macrosheet", "activex", "oleobject")
_MACRO_EXTENSIONS = (".docm", ".dotm", ".xlsm", ".xltm", ".xlsb", ".xlam", ".pptm", ".potm", ".ppsm")
# Relationships whose external target Word or Excel fetches and runs: a remote macro template, a
# linked OLE object, a remote frame or sub-document.
_EXTERNAL_CODE = ("/attachedtemplate", "/oleobject", "/frame", "/subdocument")


def _macro_part(name):
    """Whether a part's name alone shows code: a VBA project, ActiveX, macro sheet or OLE binary."""
    path = PurePosixPath(name.lower())
    folders = set(path.parts[:-1])
    return (path.name.startswith(("vbaproject", "vbadata")) or "activex" in folders
            or "macrosheets" in folders or path.name.endswith(_MACRO_EXTENSIONS)
            or ("embeddings" in folders and path.suffix == ".bin"))


def _raw_member(data, info):
    """A member's stored bytes, found through its local header, which must agree with the directory."""
    try:
        header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error as exc:
        raise FileRefused(OFFICE_BROKEN) from exc
    signature, flags, method, name_length, extra_length = (header[i] for i in (0, 3, 4, 10, 11))
    start = info.header_offset + _LOCAL_HEADER.size
    name = data[start:start + name_length].decode("utf-8" if flags & 0x800 else "cp437", "replace")
    start += name_length + extra_length
    raw = data[start:start + info.compress_size]
    if signature != b"PK\x03\x04" or method != info.compress_type or name != info.orig_filename \
            or len(raw) != info.compress_size:
        raise FileRefused(OFFICE_BROKEN)
    return raw


def _member_chunks(data, info):
    """The bytes a member really inflates to, in pieces of at most 64 KB, whatever its sizes declare.

    zipfile's own reader stops at the declared size; Word and Excel read the stream to its end, so
    the stream is inflated here to its end and must match the directory's size and checksum."""
    raw = _raw_member(data, info)
    size, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces = (raw[offset:offset + _CHUNK] for offset in range(0, len(raw), _CHUNK))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        pieces = _inflated(raw)
    else:  # Office writes only stored and deflated parts
        raise FileRefused(OFFICE_BROKEN)
    for piece in pieces:
        size += len(piece)
        crc = zlib.crc32(piece, crc)
        yield piece
    if size != info.file_size or crc != info.CRC:
        raise FileRefused(OFFICE_BROKEN)


def _inflated(raw):
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for offset in range(0, len(raw), _CHUNK):
            pending = raw[offset:offset + _CHUNK]
            while pending and not inflater.eof:
                yield inflater.decompress(pending, _CHUNK)  # at most 64 KB out per step
                pending = inflater.unconsumed_tail
        while not inflater.eof:  # output zlib still holds for input it has taken
            piece = inflater.decompress(b"", _CHUNK)
            if not piece:
                break
            yield piece
    except zlib.error as exc:
        raise FileRefused(OFFICE_BROKEN) from exc
    if not inflater.eof:  # the data stops before the stream does
        raise FileRefused(OFFICE_BROKEN)


def _xml_attributes(data, elements):
    """The attributes of every element named in `elements` (local names); no DTD or entity accepted."""
    found = []

    def start(name, attributes):
        if name.rsplit(" ", 1)[-1] in elements:
            found.append(attributes)

    def refuse(*_):
        raise FileRefused(OFFICE_BROKEN)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse  # OOXML has none; a DTD could only be an attack
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise FileRefused(OFFICE_BROKEN) from exc
    return found


def _check_part(name, data):
    """Refuse macro content types and relationships to external code (content types and .rels)."""
    if name == "[Content_Types].xml":
        for entry in _xml_attributes(data, ("Default", "Override")):
            if any(word in entry.get("ContentType", "").lower() for word in _MACRO_TYPES):
                raise FileRefused(OFFICE_MACRO)
    else:
        for relation in _xml_attributes(data, ("Relationship",)):
            kind = relation.get("Type", "").lower()
            if kind.endswith("/vbaproject"):
                raise FileRefused(OFFICE_MACRO)
            if relation.get("TargetMode", "").lower() == "external" and kind.endswith(_EXTERNAL_CODE):
                raise FileRefused(OFFICE_MACRO_LINK)


def office_kind(data, max_unpacked, max_entries):
    """"docx" or "xlsx" for a real, macro-free DOCX/XLSX of at most `max_unpacked` bytes unpacked;
    None for a ZIP that is neither."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as exc:  # whatever a hostile directory makes zipfile fail with
        raise FileRefused(OFFICE_BROKEN) from exc
    if len(infos) > max_entries or sum(info.file_size for info in infos) > max_unpacked:
        raise FileRefused(OFFICE_TOO_BIG)  # as declared; what really comes out is counted below
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileRefused(OFFICE_LOCKED)
    if "[Content_Types].xml" not in names:
        return None
    if any(_macro_part(name) for name in names):
        raise FileRefused(OFFICE_MACRO)
    total = 0
    for info in infos:
        keep = info.filename == "[Content_Types].xml" or info.filename.endswith(".rels")
        kept = []
        for piece in _member_chunks(data, info):
            total += len(piece)
            if total > max_unpacked:
                raise FileRefused(OFFICE_TOO_BIG)
            if keep:
                kept.append(piece)
        if keep:
            _check_part(info.filename, b"".join(kept))
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None
