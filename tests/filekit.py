"""Files for upload tests, built byte by byte: well-formed PDFs (with hostile parts where a test puts
them), DOCX/XLSX packages and ZIP bombs whose directories lie about their sizes."""

import io
import struct
import zipfile
import zlib

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def pdf_file(catalog=b"", page=b"", objects=()):
    """A small well-formed PDF: catalog 1, page tree 2, one A4 page 3, then `objects` as 4, 5, ...

    `catalog` and `page` are extra entries of those dictionaries, e.g. b"/OpenAction 4 0 R"."""
    bodies = [b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
              b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]" + page + b">>", *objects]
    out = bytearray(HEADER)
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, start)
    return bytes(out)


def stream(data, extra=b""):
    """A PDF stream object's body."""
    return b"<</Length %d%s>>stream\n%s\nendstream" % (len(data), extra, data)


def pdf_with_object_stream(catalog, packed):
    """A PDF 1.5 whose objects 4, 5, ... (`packed`) sit compressed in an object stream (object 3),
    found through a cross-reference stream, as Acrobat and Word write them: none of their bytes
    can be seen in the file."""
    numbers = range(4, 4 + len(packed))
    index, body = [], b""
    for number, obj in zip(numbers, packed, strict=True):
        index.append(b"%d %d" % (number, len(body)))
        body += obj + b"\n"
    head = b" ".join(index) + b"\n"
    objstm = stream(zlib.compress(head + body), b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode"
                    % (len(packed), len(head)))
    plain = [b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>", b"<</Type/Pages/Kids[]/Count 0>>", objstm]
    out = bytearray(HEADER)
    offsets = []
    for number, obj in enumerate(plain, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref_number = 4 + len(packed)
    start = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets]
    rows += [struct.pack(">BIH", 2, 3, position) for position in range(len(packed))]
    rows += [struct.pack(">BIH", 1, start, 0)]
    xref = stream(b"".join(rows), b"/Type/XRef/Size %d/W[1 4 2]/Root 1 0 R" % (xref_number + 1))
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, xref)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


_OOXML = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPES = {
    "docx": ("word/document.xml", f"{_OOXML}.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", f"{_OOXML}.spreadsheetml.sheet.main+xml"),
}


def office_file(kind="docx", extra=None, entries=0, main=None, main_type=None, more_types=""):
    """A DOCX or XLSX package: content types (the main part's `main_type`, or the usual one, and
    `more_types` entries), package relationships, the main part (`main`, or a minimal one), `extra`
    parts and `entries` empty ones."""
    part, content_type = CONTENT_TYPES[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type or content_type}"/>{more_types}</Types>')
    relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{part}"/></Relationships>')
    parts = {"[Content_Types].xml": types, "_rels/.rels": relationships,
             part: main if main is not None else _minimal_main(kind), **(extra or {})}
    parts.update({f"word/media/p{n}.xml": "" for n in range(entries)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():  # a fixed date: the same parts give the same bytes
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _minimal_main(kind):
    if kind == "docx":
        return ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                '<w:body><w:p><w:r><w:t>Biên bản làm việc</w:t></w:r></w:p></w:body></w:document>')
    return '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'


def docx_paragraphs(count):
    """A word/document.xml of `count` paragraphs of ordinary Vietnamese text."""
    paragraph = ("<w:p><w:r><w:t>Đoàn công tác làm việc với Đảng ủy xã về công tác tổ chức cán bộ, "
                 "kiến nghị bổ sung biên chế và đào tạo cán bộ trẻ cho cơ sở.</w:t></w:r></w:p>")
    return ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + paragraph * count + "</w:body></w:document>")


def lying_zip_bomb(kind="docx", inflated=150 * 1024 * 1024, declared=1000, checksum_too=False):
    """A DOCX/XLSX with a part that inflates to `inflated` bytes while its local header and the
    central directory both declare `declared` (a limit that trusts declared sizes lets it in); with
    `checksum_too` their CRC-32 is that of the declared bytes, so that a reader which stops at the
    declared size (as zipfile's does) finds nothing wrong."""
    data = bytearray(office_file(kind, {"word/bomb.xml": b"\x00" * inflated}))
    fields = [(22, 24, declared)]  # offsets of the uncompressed size: local header, central directory
    if checksum_too:
        fields.append((14, 16, zlib.crc32(b"\x00" * declared)))
    for signature, name_at, length_at, field in ((b"PK\x03\x04", 30, 26, 0), (b"PK\x01\x02", 46, 28, 1)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", data, at + length_at)[0]
            if data[at + name_at:at + name_at + length] == b"word/bomb.xml":
                for offsets in fields:
                    struct.pack_into("<I", data, at + offsets[field], offsets[2])
            at = data.find(signature, at + 4)
    return bytes(data)
