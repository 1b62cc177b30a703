"""Demo documents for `flask load-demo`: numbers in the real format, summaries written for this demo.

The numbers the demo articles cite (2993-QĐ/TU, 132-QĐ/TW, 08-KL/TW) exist, so their links appear.
132-QĐ/TW (Bộ Chính trị, 08/3/2018) is named as the articles name it; every other number, date,
signer and summary is invented (dates and standings are estimates, not records). Each document gets
a one-page PDF drawn with Pillow (a font covering Vietnamese when the system has one), one a DOCX.
"""

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from .db import database
from .document_files import save_file
from .documents import EXPIRED, IN_FORCE, KIND_BY_KEY, REPLACED, Document, catch_up_citations, number_key
from .timeutil import utcnow

PROVINCE = "Ban Thường vụ Tỉnh ủy"
BOARD = "Ban Tổ chức Tỉnh ủy"

# (number, kind, issuing body, signer, issued, effective, field, summary, standing, replaced by)
DOCUMENTS = [
    ("132-QĐ/TW", "quy-dinh", "Bộ Chính trị", "", date(2018, 3, 8), None, "Kiểm điểm, đánh giá",
     "Về việc kiểm điểm và đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân trong hệ "
     "thống chính trị", IN_FORCE, None),
    ("08-KL/TW", "ket-luan", "Ban Bí thư", "", date(2021, 6, 25), None, "Xây dựng tổ chức đảng",
     "Về tiếp tục đổi mới, nâng cao chất lượng công tác tổ chức xây dựng Đảng trong tình hình mới",
     IN_FORCE, None),  # issuer, date and summary of 08-KL/TW: estimates written for the demo
    ("2993-QĐ/TU", "quyet-dinh", PROVINCE, "Trần Quốc Hưng", date(2021, 3, 15), date(2021, 3, 15),
     "Xây dựng tổ chức đảng",
     "Ban hành Quy định về trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là người đứng đầu "
     "cấp ủy, tổ chức đảng, cơ quan, đơn vị trong tỉnh", IN_FORCE, None),
    ("05-NQ/TU", "nghi-quyet", "Ban Chấp hành Đảng bộ tỉnh", "Trần Quốc Hưng", date(2021, 9, 10), None,
     "Xây dựng tổ chức đảng",
     "Về nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng và chất lượng đội ngũ đảng "
     "viên giai đoạn 2021 - 2025", IN_FORCE, None),
    ("18-CT/TU", "chi-thi", PROVINCE, "Trần Quốc Hưng", date(2022, 6, 20), None, "Đảng viên",
     "Về tăng cường công tác phát triển đảng viên trong doanh nghiệp ngoài khu vực nhà nước và trong "
     "đồng bào dân tộc thiểu số", IN_FORCE, None),
    ("09-QĐ/TU", "quy-dinh", PROVINCE, "Trần Quốc Hưng", date(2023, 4, 18), date(2023, 5, 1),
     "Công tác cán bộ",
     "Về phân cấp quản lý cán bộ và bổ nhiệm, giới thiệu cán bộ ứng cử trong hệ thống chính trị của "
     "tỉnh", IN_FORCE, None),
    ("05-HD/BTCTU", "huong-dan", BOARD, "Lê Thị Thu Hà", date(2022, 11, 1), None, "Kiểm điểm, đánh giá",
     "Về quy trình kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên hằng năm",
     REPLACED, "12-HD/BTCTU"),
    ("12-HD/BTCTU", "huong-dan", BOARD, "Lê Thị Thu Hà", date(2025, 11, 14), None, "Kiểm điểm, đánh giá",
     "Về kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2025: biểu mẫu, thời "
     "gian và cách chấm điểm", IN_FORCE, None),
    ("27-KH/TU", "ke-hoach", PROVINCE, "Nguyễn Đình Khoa", date(2024, 2, 5), None, "Chuyển đổi số",
     "Thực hiện đề án số hóa hồ sơ đảng viên và cơ sở dữ liệu cán bộ của tỉnh giai đoạn 2024 - 2026",
     IN_FORCE, None),
    ("46-TB/TU", "thong-bao", PROVINCE, "Nguyễn Đình Khoa", date(2025, 7, 8), None, "Công tác cán bộ",
     "Kết luận của Ban Thường vụ Tỉnh ủy về công tác cán bộ quý II năm 2025", IN_FORCE, None),
    ("112-BC/BTCTU", "bao-cao", BOARD, "Lê Thị Thu Hà", date(2025, 6, 25), None, "Xây dựng tổ chức đảng",
     "Sơ kết công tác tổ chức xây dựng Đảng 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm "
     "2025", IN_FORCE, None),
    ("1587-CV/BTCTU", "cong-van", BOARD, "Phạm Văn Thành", date(2025, 10, 2), None, "Công tác cán bộ",
     "Về việc rà soát, bổ sung quy hoạch cán bộ lãnh đạo, quản lý nhiệm kỳ 2025 - 2030 và các nhiệm kỳ "
     "tiếp theo", IN_FORCE, None),
    ("03-CT/TU", "chi-thi", PROVINCE, "Trần Quốc Hưng", date(2016, 8, 12), None, "Công tác cán bộ",
     "Về tăng cường kỷ luật, kỷ cương hành chính và văn hóa công vụ trong các cơ quan đảng, đoàn thể",
     EXPIRED, None),
]
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")


def _font(size):
    for path in FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrapped(draw, text, font, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + [line] if line else lines


def demo_pdf(document):
    """A one-page A4 PDF (an image page, 100 dpi) with the document's heading and summary."""
    page = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(page)
    small, normal, big = _font(18), _font(22), _font(30)
    draw.text((60, 60), document.issuing_body.upper(), font=small, fill=0)
    draw.text((60, 90), f"Số {document.number}", font=small, fill=0)
    draw.text((480, 60), "ĐẢNG CỘNG SẢN VIỆT NAM", font=small, fill=0)
    draw.text((480, 90), f"Ngày {document.date_issued:%d/%m/%Y}", font=small, fill=0)
    kind = KIND_BY_KEY[document.kind].name.upper()
    draw.text(((827 - draw.textlength(kind, font=big)) / 2, 200), kind, font=big, fill=0)
    y = 260
    for line in _wrapped(draw, document.summary, normal, 680):
        draw.text(((827 - draw.textlength(line, font=normal)) / 2, y), line, font=normal, fill=0)
        y += 34
    y += 40
    for line in _wrapped(draw, "Tài liệu minh họa của trang thông tin điện tử: nội dung đầy đủ của văn bản "
                         "được đăng tải theo quy định khi phát hành chính thức.", small, 700):
        draw.text((60, y), line, font=small, fill=60)
        y += 28
    if document.signer:
        draw.text((520, y + 60), document.signer, font=normal, fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=100.0)
    return out.getvalue()


def demo_docx(document):
    """A minimal Word document (one paragraph per line): what office_kind accepts as a DOCX."""
    paragraphs = [document.title, document.issuing_body, document.summary]
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>" for text in paragraphs)
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
        'formats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
        'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def load_demo():
    """Create the demo documents that do not exist yet (by number), published, with their files."""
    app = current_app
    created = 0
    published_at = utcnow() - timedelta(days=1)
    by_key = {}
    with database.atomic():
        existing = {key for (key,) in Document.select(Document.number_key).tuples()}
        for (number, kind, body, signer, issued, effective, field, summary, standing,
             _replaced_by) in DOCUMENTS:
            if number_key(number) in existing:
                continue
            document = Document.create(
                number=number, kind=kind, issuing_body=body, signer=signer, date_issued=issued,
                date_effective=effective, field=field, summary=summary, legal_status=standing,
                status=Document.PUBLISHED, published_at=published_at)
            stem = f"{KIND_BY_KEY[kind].name} {number.replace('/', '-')}"  # a file name cannot hold "/"
            save_file(app, document, demo_pdf(document), f"{stem}.pdf")
            if number == "2993-QĐ/TU":
                save_file(app, document, demo_docx(document), f"{stem}.docx", position=1)
            by_key[number] = document
            created += 1
        for number, *_rest, replaced_by in DOCUMENTS:
            if replaced_by and number in by_key:
                successor = Document.get_or_none(Document.number_key == number_key(replaced_by))
                if successor is not None:
                    by_key[number].replaced_by = successor.id
                    by_key[number].save()
    catch_up_citations()
    return f"Văn bản: đã thêm {created} văn bản mẫu."
