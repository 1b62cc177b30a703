"""A realistic generated site for benchmarks: categories, tags and N articles of Vietnamese news.

Everything is made up here from our own word lists (no text is copied from anywhere), and the same
`seed` always gives the same site on a given day (on another day every date shifts by the same
amount, and the years named in the text with them).

What a site of N articles holds:
  - 8 top-level categories, 12 subcategories under 5 of them;
  - 60 tags, 2-4 per article, some much more used than others;
  - N articles with a title, a lead and a Markdown body of several hundred words (headings,
    paragraphs, lists, quotes; about a quarter with a table), published_at spread over 6 years,
    about 5 % not public (draft, pending, archived, or scheduled in the future), some featured,
    about 1 % with a former slug (so old URLs answer with a 301).

API (models are bound through one global proxy: the database is that of the last app created, or
of the last build_site / bind_database call):
  generate_site(n_articles, seed=...)        fill the bound database, return a SiteSummary
  build_site(data_dir, n_articles, seed=...) bind data_dir's SQLite file (or database_url), fill it
  cached_site_database(n_articles, seed=...) path of a ready SQLite file in bench/out/, built once
  install_cached_site(data_dir, n_articles, seed=...)  copy that file to data_dir/cms.sqlite3
  prepare_site(data_dir, n_articles, seed=..., database_url=None)  an app serving such a site

CLI:
  python bench/generate.py --data-dir /tmp/site --articles 10000 [--seed 1] [--cached]
  python bench/generate.py --data-dir /tmp/site --database-url postgresql://... --clear

Speed: rows go in with insert_many, in batches, one transaction per batch of articles. The columns
Article.save() derives from the text (body_html = render_markdown(body), and search_text, the folded
text, when the model has it) are computed per block: a body is a sequence of Markdown blocks
separated by blank lines, taken from pools prepared once each, and the article's HTML is the
rendered blocks joined by newlines. Every run checks a sample of articles against the model itself
(Article.save() in a rolled-back transaction must store exactly the generated columns), so the
shortcut never silently drifts from the application.
"""

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cms import models as cms_models  # noqa: E402
from cms.db import database, open_database  # noqa: E402
from cms.markup import render_markdown  # noqa: E402
from cms.migrations import migrate  # noqa: E402
from cms.models import Article, ArticleTag, Category, SlugHistory, Tag, search_words  # noqa: E402
from cms.text import nfc, slugify  # noqa: E402
from cms.timeutil import utcnow  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_ARTICLES = 10_000
DEFAULT_SEED = 1
YEARS = 6
ARTICLES_PER_TRANSACTION = 1000
VERIFY_SAMPLE = 40  # articles checked against what Article.save() would store
HAS_SEARCH_TEXT = "search_text" in Article._meta.fields  # derived by Article.save() when present

# Shares of articles that are not public (the rest, about 95 %, is published and past).
DRAFT_SHARE, PENDING_SHARE, ARCHIVED_SHARE, SCHEDULED_SHARE = 0.015, 0.015, 0.01, 0.01
FEATURED_SHARE = 0.03
COVER_SHARE = 0.35
OLD_SLUG_SHARE = 0.01

# --- word lists (our own) -------------------------------------------------------------------------

# (name, weight of articles, [(subcategory, weight)])
CATEGORIES = [
    ("Tin hoạt động", 6, [("Tin trong tỉnh", 5), ("Hoạt động của Ban", 3), ("Tin các huyện, thị", 4)]),
    ("Xây dựng Đảng", 5, [("Tổ chức cơ sở đảng", 4), ("Phát triển đảng viên", 4),
                          ("Sinh hoạt chi bộ", 3)]),
    ("Công tác cán bộ", 4, [("Quy hoạch, luân chuyển", 3), ("Đào tạo, bồi dưỡng", 2)]),
    ("Bảo vệ chính trị nội bộ", 2, []),
    ("Hướng về cơ sở", 3, [("Ghi chép cơ sở", 3), ("Gương điển hình", 2)]),
    ("Học tập và làm theo Bác", 2, []),
    ("Văn bản, chỉ đạo", 2, [("Văn bản của Trung ương", 1), ("Văn bản của Tỉnh ủy", 2)]),
    ("Nghiên cứu - Trao đổi", 2, []),
]

DISTRICTS = ["Anh Sơn", "Con Cuông", "Diễn Châu", "Đô Lương", "Hưng Nguyên", "Kỳ Sơn", "Nam Đàn",
             "Nghi Lộc", "Nghĩa Đàn", "Quế Phong", "Quỳ Châu", "Quỳ Hợp", "Quỳnh Lưu", "Tân Kỳ",
             "Thanh Chương", "Tương Dương", "Yên Thành"]
TOWNS = ["thị xã Thái Hòa", "thị xã Hoàng Mai", "thị xã Cửa Lò", "thành phố Vinh"]
COMMUNES = ["Nghi Phong", "Diễn Kim", "Quỳnh Thạch", "Hưng Tân", "Nam Giang", "Thanh Lương",
            "Mường Lống", "Châu Tiến", "Tam Quang", "Đồng Văn", "Yên Hòa", "Phúc Sơn", "Tân Hợp",
            "Nghĩa Lộc", "Kim Liên", "Xuân Hòa", "Lạng Khê", "Hạnh Lâm", "Hữu Kiệm", "Bắc Lý",
            "Na Ngoi", "Châu Bình", "Thọ Sơn", "Lưu Kiền"]
VILLAGES = ["thôn Trung Tiến", "bản Huồi Giảng", "xóm 5", "bản Na Ngoi", "thôn Yên Thịnh",
            "khối Tân Phúc", "bản Cà Moong", "xóm Đồng Tâm", "thôn Phú Lợi", "bản Xốp Mạt"]

TOPICS = ["công tác xây dựng Đảng", "công tác tổ chức, cán bộ", "công tác phát triển đảng viên",
          "công tác quy hoạch cán bộ", "công tác bảo vệ chính trị nội bộ", "công tác đảng viên",
          "nâng cao chất lượng sinh hoạt chi bộ", "luân chuyển, điều động cán bộ",
          "đào tạo, bồi dưỡng cán bộ", "thực hiện trách nhiệm nêu gương",
          "cải cách hành chính trong cơ quan đảng", "chuyển đổi số trong công tác tổ chức",
          "củng cố tổ chức cơ sở đảng", "công tác chính sách cán bộ", "quản lý hồ sơ đảng viên",
          "xây dựng chi bộ bốn tốt", "thu, nộp và quản lý đảng phí", "kiểm tra, giám sát đảng viên",
          "tạo nguồn kết nạp đảng viên ở vùng khó", "kiện toàn cấp ủy cơ sở"]
DOCUMENTS = ["Nghị quyết Trung ương 4 khóa XII", "Kết luận số 21-KL/TW", "Quy định số 132-QĐ/TW",
             "Quy định số 08-QĐi/TW", "Chỉ thị số 05-CT/TW", "Nghị quyết số 26-NQ/TW",
             "Quy định số 2993-QĐ/TU", "Hướng dẫn số 12-HD/BTCTW", "Quy định số 144-QĐ/TW",
             "Kết luận số 14-KL/TW"]
OFFICES = ["Ban Thường vụ Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
           "Đảng ủy Khối Doanh nghiệp tỉnh", "Đảng ủy Khối Các cơ quan tỉnh",
           "Đoàn công tác của Ban Tổ chức Tỉnh ủy", "Ban Dân vận Tỉnh ủy"]
POSITIONS = ["Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Tỉnh ủy", "Phó Trưởng Ban Tổ chức Tỉnh ủy",
             "Bí thư Huyện ủy", "Phó Bí thư Thường trực Huyện ủy", "Trưởng phòng Tổ chức cơ sở đảng",
             "Bí thư Đảng ủy xã", "Bí thư chi bộ", "Chủ tịch Ủy ban nhân dân xã",
             "Trưởng phòng Bảo vệ chính trị nội bộ"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Lương", "Lữ", "Vi"]
MIDDLE_NAMES = ["Văn", "Thị", "Đình", "Hữu", "Xuân", "Thanh", "Minh", "Quang", "Ngọc", "Đức"]
GIVEN_NAMES = ["Hùng", "Lan", "Thắng", "Hương", "Tuấn", "Mai", "Dũng", "Hà", "Sơn", "Nga",
               "Phương", "Bình", "Hải", "Thủy", "Long", "Vinh", "Quyết", "Hoa", "Tâm", "Nam"]
SOURCES = ["Báo Nghệ An", "Ban Tổ chức Huyện ủy {district}", "Tạp chí Xây dựng Đảng",
           "Đài Phát thanh và Truyền hình Nghệ An"]
COVERS = ["chuyen-doi-so.png", "di-co-so-mien-nui.png", "hoi-nghi-tap-huan.png",
          "ket-nap-dang-vien.png", "thong-ke-dang-vien.png"]

TOPIC_TAGS = ["đảng viên", "cơ sở", "cán bộ", "chi bộ", "sinh hoạt chi bộ", "kết nạp đảng viên",
              "quy hoạch", "luân chuyển", "đại hội đảng", "nhiệm kỳ 2020-2025", "nhiệm kỳ 2025-2030",
              "nghị quyết", "kiểm tra giám sát", "đánh giá xếp loại", "Huy hiệu Đảng",
              "bảo vệ chính trị", "chuyển đổi số", "cải cách hành chính", "dân vận", "thanh niên",
              "miền núi", "đồng bào dân tộc thiểu số", "doanh nghiệp", "nông thôn mới", "đi cơ sở",
              "học tập", "nêu gương", "tiếp công dân", "đảng phí", "hồ sơ đảng viên",
              "đào tạo", "tập huấn", "Nghệ An", "tổng kết", "sơ kết", "khen thưởng",
              "cấp ủy", "tổ chức bộ máy", "tinh giản biên chế", "chính sách cán bộ", "phụ nữ",
              "người cao tuổi", "tôn giáo"]
TAG_NAMES = TOPIC_TAGS + DISTRICTS  # 60 tags

TITLE_ACTIONS = [
    "tổ chức hội nghị sơ kết {topic}",
    "tổng kết {topic} năm {year}",
    "triển khai {topic} năm {year}",
    "kiểm tra, giám sát {topic}",
    "tập huấn nghiệp vụ {topic}",
    "làm việc với {office} về {topic}",
    "trao Huy hiệu {badge} năm tuổi Đảng cho đảng viên",
    "kết nạp {count} đảng viên mới",
    "sinh hoạt chuyên đề về {topic}",
    "quán triệt, triển khai {document}",
    "đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm {year}",
    "đối thoại với cán bộ, đảng viên về {topic}",
    "sơ kết 5 năm thực hiện {document}",
]
TITLE_FORMS = [
    "{subject} {action}",
    "{subject} {action}",
    "{subject} {action}",
    "{Topic} ở {place}: những chuyển biến tích cực",
    "Hiệu quả từ {topic} tại {place}",
    "{place_cap}: {count} đảng viên mới được kết nạp trong {period}",
    "Đoàn công tác Ban Tổ chức Tỉnh ủy làm việc tại {place}",
    "Gương đảng viên trẻ ở {village}, {district_full}",
    "Nâng cao hiệu quả {topic} theo tinh thần {document}",
    "Những kết quả bước đầu trong {topic} ở {place}",
    "Bài học từ {topic} ở {place}",
]
PERIODS = ["6 tháng đầu năm {year}", "năm {year}", "quý I/{year}", "quý III/{year}",
           "nhiệm kỳ 2020 - 2025"]
HEADINGS = ["Kết quả nổi bật", "Những chuyển biến đáng ghi nhận", "Khó khăn, hạn chế",
            "Nguyên nhân của hạn chế", "Nhiệm vụ, giải pháp thời gian tới", "Bài học kinh nghiệm",
            "Ý kiến từ cơ sở", "Một số số liệu chính", "Cách làm mới", "Điều còn trăn trở",
            "Đề xuất, kiến nghị", "Phương hướng năm tới", "Gắn với nhiệm vụ chính trị của địa phương",
            "Vai trò của người đứng đầu", "Từ nghị quyết đến thực tiễn"]
SENTENCES = [
    "{Subject} đã chỉ đạo các chi bộ trực thuộc tập trung vào {topic}, gắn với nhiệm vụ chính trị "
    "của từng địa phương.",
    "Qua {period}, toàn đảng bộ đã kết nạp {count} đảng viên mới, đạt {percent}% kế hoạch đề ra.",
    "Nhiều chi bộ ở {place} đã đổi mới nội dung sinh hoạt, chọn chuyên đề sát với đời sống của "
    "nhân dân.",
    "Việc thực hiện {document} được cấp ủy các cấp quan tâm, có kế hoạch cụ thể và phân công "
    "rõ người, rõ việc.",
    "Đồng chí {name}, {position}, nhấn mạnh yêu cầu bám sát cơ sở, nắm chắc tình hình và kịp "
    "thời tháo gỡ vướng mắc.",
    "Tỷ lệ chi bộ được xếp loại hoàn thành tốt nhiệm vụ trở lên năm {year} đạt {percent}%.",
    "Bên cạnh kết quả đạt được, {topic} ở một số nơi vẫn còn hình thức, chưa đi vào chiều sâu.",
    "Cán bộ theo dõi địa bàn đã dành nhiều thời gian xuống cơ sở, trực tiếp dự sinh hoạt chi bộ "
    "ở {village}.",
    "Ở các xã vùng cao của huyện {district}, đường sá đi lại khó khăn nhưng sinh hoạt chi bộ "
    "vẫn được duy trì đều đặn.",
    "Hội nghị cũng chỉ ra những hạn chế trong {topic} và đề ra giải pháp khắc phục trong thời "
    "gian tới.",
    "Cấp ủy đã phối hợp với các phòng chuyên môn để tránh chồng chéo lịch công tác tại cơ sở.",
    "Trong {period}, đảng bộ đã tổ chức {count} cuộc kiểm tra, giám sát theo chương trình đề ra.",
    "Nhiều mô hình hay như tổ đảng viên tự quản, chi bộ kiểu mẫu đã được nhân rộng ở {place}.",
    "Đội ngũ cán bộ cơ sở từng bước được trẻ hóa, trình độ chuyên môn và lý luận chính trị "
    "được nâng lên.",
    "Việc ứng dụng phần mềm quản lý đảng viên giúp cập nhật hồ sơ nhanh, chính xác hơn.",
    "Theo đánh giá của {office}, {topic} năm {year} có nhiều chuyển biến rõ nét.",
    "Các đồng chí đảng viên cao tuổi luôn gương mẫu, là chỗ dựa tin cậy của chi bộ ở {village}.",
    "Công tác tạo nguồn kết nạp đảng viên trong đoàn viên thanh niên, người lao động ở doanh "
    "nghiệp được chú trọng.",
    "Mỗi chuyến đi cơ sở được kết hợp nhiều nội dung, vừa kiểm tra, vừa hướng dẫn, vừa nắm tình "
    "hình tư tưởng.",
    "Cấp ủy đã lắng nghe ý kiến của cán bộ, đảng viên và nhân dân để điều chỉnh cách làm cho "
    "phù hợp.",
    "Đến nay, đảng bộ có {count} tổ chức cơ sở đảng với hơn {big} đảng viên.",
    "Những khó khăn về nhân sự ở cơ sở được {office} lắng nghe, kịp thời hướng dẫn tháo gỡ.",
    "Thực tiễn ở {place} cho thấy, nơi nào người đứng đầu gương mẫu thì nơi đó phong trào chuyển "
    "biến rõ rệt.",
    "Sau mỗi đợt công tác, báo cáo được gửi về Ban kèm theo đề xuất cụ thể, có địa chỉ và thời "
    "hạn xử lý.",
]
EMPHASES = ["Nổi bật là **{topic}**.", "Đáng chú ý là việc thực hiện *{document}*.",
            "Tỷ lệ hoàn thành kế hoạch đạt **{percent}%**."]
LIST_ITEMS = [
    "Tiếp tục nâng cao chất lượng sinh hoạt chi bộ, nhất là sinh hoạt chuyên đề.",
    "Rà soát, bổ sung quy hoạch cán bộ các cấp nhiệm kỳ tới.",
    "Tăng cường kiểm tra, giám sát việc thực hiện {document}.",
    "Đẩy mạnh chuyển đổi số trong quản lý hồ sơ đảng viên.",
    "Quan tâm tạo nguồn kết nạp đảng viên ở {village}.",
    "Kịp thời biểu dương, khen thưởng tập thể, cá nhân có thành tích xuất sắc.",
    "Phân công cán bộ theo dõi địa bàn bám sát cơ sở, nắm chắc tình hình.",
    "Phối hợp giữa các phòng để tránh trùng lặp lịch làm việc ở {place}.",
    "Thực hiện tốt chính sách đối với cán bộ cơ sở ở vùng đặc biệt khó khăn.",
    "Định kỳ hằng quý tổ chức trao đổi kinh nghiệm giữa các chuyên viên.",
    "Hoàn thành {count} cuộc kiểm tra theo chương trình năm {year}.",
    "Củng cố, kiện toàn cấp ủy ở những nơi còn thiếu, yếu.",
]
QUOTES = [
    "Đi cơ sở không phải để nghe báo cáo, mà để cùng cơ sở tìm cách gỡ khó.",
    "Chi bộ mạnh thì phong trào ở thôn, bản mới mạnh.",
    "Cán bộ phải nói đi đôi với làm, nói ít làm nhiều.",
    "Mỗi đảng viên là một tấm gương để quần chúng noi theo.",
    "Việc gì có lợi cho dân thì phải hết sức làm.",
]
TABLES = [
    ("Kết quả kết nạp đảng viên", ["Đơn vị", "Chỉ tiêu", "Đã kết nạp", "Tỷ lệ (%)"],
     ["|:---|---:|---:|---:|"], "admission"),
    ("Xếp loại chất lượng chi bộ", ["Đơn vị", "Hoàn thành xuất sắc", "Hoàn thành tốt",
                                    "Hoàn thành", "Không hoàn thành"],
     ["|:---|---:|---:|---:|---:|"], "ranking"),
    ("Đảng viên theo độ tuổi", ["Độ tuổi", "Số đảng viên", "Tỷ lệ (%)"], ["|:---|---:|---:|"],
     "ages"),
]


# --- results --------------------------------------------------------------------------------------

@dataclass
class SiteSummary:
    n_articles: int
    seed: int
    categories: int = 0
    tags: int = 0
    article_tags: int = 0
    old_slugs: int = 0
    statuses: dict = field(default_factory=dict)  # draft/pending/published/archived/scheduled
    public: int = 0
    featured: int = 0
    seconds: float = 0.0
    database: str = ""

    def as_dict(self):
        return asdict(self)

    def describe(self):
        statuses = ", ".join(f"{name} {count}" for name, count in sorted(self.statuses.items()))
        return (f"{self.n_articles} bài ({statuses}; công khai {self.public}, nổi bật {self.featured}),"
                f" {self.categories} chuyên mục, {self.tags} thẻ ({self.article_tags} liên kết),"
                f" {self.old_slugs} slug cũ — {self.seconds:.1f} s")


class SiteNotEmptyError(RuntimeError):
    """The target database already has articles, categories or tags (pass clear=True)."""


# --- text ---------------------------------------------------------------------------------------

def _cap(text):
    return text[:1].upper() + text[1:]


class _Writer:
    """Fills the templates above from a seeded random source."""

    def __init__(self, rng):
        self.rng = rng
        self.authors = [f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
                        for _ in range(40)]

    def _place(self):
        r = self.rng.random()
        if r < 0.45:
            return f"huyện {self.rng.choice(DISTRICTS)}"
        if r < 0.6:
            return self.rng.choice(TOWNS)
        return f"xã {self.rng.choice(COMMUNES)}"

    def _subject(self):
        r = self.rng.random()
        if r < 0.3:
            return self.rng.choice(OFFICES)
        if r < 0.55:
            return f"Huyện ủy {self.rng.choice(DISTRICTS)}"
        if r < 0.65:
            return _cap(self.rng.choice(TOWNS).replace("thị xã", "Thị ủy").replace(
                "thành phố", "Thành ủy"))
        if r < 0.9:
            return f"Đảng ủy xã {self.rng.choice(COMMUNES)}"
        return f"Chi bộ {self.rng.choice(VILLAGES)}"

    def fill(self, template, year=None, **extra):
        rng = self.rng
        year = year or rng.randint(2019, 2025)
        topic = rng.choice(TOPICS)
        place = self._place()
        district = rng.choice(DISTRICTS)
        values = {
            "subject": self._subject(), "topic": topic, "Topic": _cap(topic),
            "office": rng.choice(OFFICES), "document": rng.choice(DOCUMENTS), "year": year,
            "place": place, "place_cap": _cap(place), "village": rng.choice(VILLAGES),
            "district": district, "district_full": f"huyện {district}",
            "count": rng.randint(3, 60), "big": rng.randint(20, 90) * 100,
            "badge": rng.choice([30, 40, 45, 50, 55, 60, 65, 70, 75]),
            "percent": rng.randint(62, 100), "name": self.name(), "position": rng.choice(POSITIONS),
        }
        values["Subject"] = values["subject"]
        values["period"] = rng.choice(PERIODS).format(year=year)
        values.update(extra)
        return template.format(**values)

    def name(self):
        rng = self.rng
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"

    def title(self, year):
        action = self.fill(self.rng.choice(TITLE_ACTIONS), year)
        return _cap(self.fill(self.rng.choice(TITLE_FORMS), year, action=action))

    def lead(self, local_date, year):
        date = f"Ngày {local_date.day}/{local_date.month}"
        first = self.fill(self.rng.choice([
            "{subject} đã tổ chức hội nghị về {topic}.",
            "{subject} đã làm việc với cơ sở về {topic} tại {place}.",
            "{subject} đã triển khai {document} đến cán bộ, đảng viên.",
            "{subject} đã sơ kết {topic} trong {period}.",
        ]), year)
        second = self.fill(self.rng.choice([
            "Tham dự có đồng chí {name}, {position}.",
            "Hội nghị đánh giá kết quả đạt được và đề ra nhiệm vụ thời gian tới.",
            "Toàn đảng bộ đã kết nạp {count} đảng viên mới, đạt {percent}% kế hoạch.",
            "Nhiều cách làm hay ở {village} được chia sẻ, nhân rộng.",
        ]), year)
        return f"{date}, {first} {second}"

    def paragraph(self):
        sentences = [self.fill(self.rng.choice(SENTENCES)) for _ in range(self.rng.randint(3, 6))]
        if self.rng.random() < 0.3:
            sentences.append(self.fill(self.rng.choice(EMPHASES)))
        return " ".join(sentences)

    def bullet_list(self):
        items = self.rng.sample(LIST_ITEMS, self.rng.randint(3, 6))
        if self.rng.random() < 0.4:
            return "\n".join(f"{i}. {self.fill(item)}" for i, item in enumerate(items, 1))
        return "\n".join(f"- {self.fill(item)}" for item in items)

    def quote(self):
        return f"> {self.rng.choice(QUOTES)} — đồng chí {self.name()}, {self.rng.choice(POSITIONS)}."

    def table(self):
        rng = self.rng
        caption, header, align, kind = rng.choice(TABLES)
        rows = []
        if kind == "ages":
            groups = ["Dưới 30 tuổi", "Từ 30 đến 40", "Từ 41 đến 50", "Từ 51 đến 60", "Trên 60 tuổi"]
            counts = [rng.randint(50, 900) for _ in groups]
            total = sum(counts)
            rows = [[g, str(c), f"{100 * c / total:.1f}".replace(".", ",")]
                    for g, c in zip(groups, counts, strict=True)]
        else:
            for unit in rng.sample(DISTRICTS + [t.replace("thị xã ", "TX ") for t in TOWNS],
                                   rng.randint(4, 8)):
                if kind == "admission":
                    target = rng.randint(40, 300)
                    done = rng.randint(target * 6 // 10, target * 12 // 10)
                    rows.append([unit, str(target), str(done),
                                 f"{100 * done / target:.1f}".replace(".", ",")])
                else:
                    rows.append([unit] + [str(rng.randint(0, 120)) for _ in header[1:]])
        lines = [f"**{caption}**", "", "| " + " | ".join(header) + " |", align[0]]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)


def _folded(text):
    """The folded syllables Article.save() stores in search_text for a piece of text."""
    return " ".join(search_words(text))


class _BlockPool:
    """Markdown blocks prepared once each: (markdown, render_markdown(markdown), folded text)."""

    def __init__(self, blocks):
        self.blocks = [(md, render_markdown(md), _folded(md) if HAS_SEARCH_TEXT else "")
                       for md in dict.fromkeys(nfc(b) for b in blocks)]

    def pick(self, rng):
        return self.blocks[rng.randrange(len(self.blocks))]


def _pools(writer, n_articles):
    n_paragraphs = max(300, min(20_000, n_articles // 2))
    rare = max(60, min(2000, n_articles // 20))
    return {
        "paragraph": _BlockPool(writer.paragraph() for _ in range(n_paragraphs)),
        "heading": _BlockPool(f"## {h}" for h in HEADINGS),
        "list": _BlockPool(writer.bullet_list() for _ in range(rare)),
        "quote": _BlockPool(writer.quote() for _ in range(rare)),
        "table": _BlockPool(writer.table() for _ in range(rare)),
    }


def _body(rng, pools):
    """A Markdown body of several hundred words, its HTML and its folded text, from the pools.

    Markdown renders blank-line separated blocks independently and joins them with newlines, and
    folding works word by word: so the whole equals the parts joined (checked in generate_site).
    """
    blocks = [pools["paragraph"].pick(rng) for _ in range(rng.randint(1, 2))]
    headings = rng.sample(range(len(pools["heading"].blocks)), rng.randint(2, 3))
    with_table = rng.random() < 0.25
    for i, heading in enumerate(headings):
        blocks.append(pools["heading"].blocks[heading])
        blocks += [pools["paragraph"].pick(rng) for _ in range(rng.randint(1, 2))]
        if with_table and i == 0:
            blocks.append(pools["table"].pick(rng))
        elif rng.random() < 0.3:
            blocks.append(pools["list"].pick(rng))
    if rng.random() < 0.15:
        blocks.insert(rng.randint(1, len(blocks)), pools["quote"].pick(rng))
    return ("\n\n".join(b[0] for b in blocks), "\n".join(b[1] for b in blocks),
            " ".join(b[2] for b in blocks if b[2]))


# --- the site -------------------------------------------------------------------------------------

def _weighted_cumulative(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _unique(slug, taken):
    base = slug or "bai-viet"
    if base not in taken:
        taken.add(base)
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    taken.add(f"{base}-{n}")
    return f"{base}-{n}"


def _insert(model, rows, fields):
    """insert_many in chunks small enough for the database's limit on bound parameters."""
    if not rows:
        return
    limit = 999 if sqlite3.sqlite_version_info < (3, 32, 0) else 32_000
    per_statement = max(1, min(500, limit // len(fields)))
    for start in range(0, len(rows), per_statement):
        model.insert_many(rows[start:start + per_statement], fields=fields).as_rowcount().execute()


def _is_postgres():
    return type(database.obj).__name__.startswith("Postgres")


def clear_site():
    """Delete every article, category, tag (and their links and old slugs) of the bound database."""
    with database.atomic():
        for model in (ArticleTag, SlugHistory, Article):
            model.delete().execute()
        Category.update(parent=None).execute()
        Category.delete().execute()
        Tag.delete().execute()


def _reset_sequences():
    """PostgreSQL: move the id sequences past the explicit ids given here."""
    if not _is_postgres():
        return
    for model in (Category, Tag, Article, ArticleTag, SlugHistory):
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table}\"), false)")


def generate_site(n_articles=DEFAULT_ARTICLES, seed=DEFAULT_SEED, *, now=None, clear=False,
                  progress=None):
    """Fill the bound database (see cms.db) with a generated site; returns a SiteSummary.

    The database must hold no articles, categories or tags, unless `clear` is true (then they are
    deleted first). Pending migrations are applied. `now` (naive UTC, default the current time)
    anchors the dates: published articles spread over the YEARS before its day, scheduled ones in
    the weeks after it. `progress`, if given, is called with a short message now and then.
    """
    started = time.perf_counter()
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    # Dates count from the start of now's (UTC) day: the same seed then gives the same site, in the
    # same order, whatever the hour; another day only shifts every date by the same amount.
    anchor = (now or utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    opened_here = database.is_closed()
    if opened_here:
        database.connect()
    try:
        migrate()
        if clear:
            clear_site()
        elif Article.select().exists() or Category.select().exists() or Tag.select().exists():
            raise SiteNotEmptyError("the database already has content; use clear=True (--clear)")
        summary = SiteSummary(n_articles=n_articles, seed=seed)
        writer = _Writer(rng)

        # Categories: top-level then subcategories, explicit ids.
        category_rows, leaves, cat_slugs = [], [], set()
        next_id = 1
        for position, (name, weight, subs) in enumerate(CATEGORIES, 1):
            top_id = next_id
            next_id += 1
            category_rows.append({"id": top_id, "name": name, "slug": _unique(slugify(name), cat_slugs),
                                  "parent": None, "position": position,
                                  "description": f"Tin bài về {name.lower()}."})
            # Articles of a category with subcategories go mostly to the subcategories.
            leaves.append((top_id, weight * (0.25 if subs else 1)))
            sub_total = sum(w for _, w in subs)
            for sub_position, (sub_name, sub_weight) in enumerate(subs, 1):
                category_rows.append({"id": next_id, "name": sub_name,
                                      "slug": _unique(slugify(sub_name), cat_slugs),
                                      "parent": top_id, "position": sub_position, "description": ""})
                leaves.append((next_id, weight * 0.75 * sub_weight / sub_total))
                next_id += 1
        leaf_ids = [c for c, _ in leaves]
        leaf_cum = _weighted_cumulative([w for _, w in leaves])

        tag_rows, tag_slugs = [], set()
        for i, name in enumerate(TAG_NAMES, 1):
            tag_rows.append({"id": i, "name": nfc(name), "slug": _unique(slugify(name), tag_slugs)})
        # Some tags much more used than others (Zipf-like), in a seeded order.
        tag_ids = [row["id"] for row in tag_rows]
        rng.shuffle(tag_ids)
        tag_cum = _weighted_cumulative([1 / (rank + 1) ** 0.7 for rank in range(len(tag_ids))])

        with database.atomic():
            _insert(Category, category_rows, ["id", "name", "slug", "parent", "position",
                                              "description"])
            _insert(Tag, tag_rows, ["id", "name", "slug"])
        summary.categories, summary.tags = len(category_rows), len(tag_rows)
        say(f"{len(category_rows)} chuyên mục, {len(tag_rows)} thẻ")

        # Dates and statuses first, so that ids follow creation time as on a real site.
        span_days = YEARS * 365
        metas = []
        for _ in range(n_articles):
            r = rng.random()
            published_at = None
            if r < DRAFT_SHARE:
                status = Article.DRAFT
            elif r < DRAFT_SHARE + PENDING_SHARE:
                status = Article.PENDING
            elif r < DRAFT_SHARE + PENDING_SHARE + SCHEDULED_SHARE:
                status = "scheduled"
                published_at = anchor + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 10),
                                                  minutes=rng.randrange(60))
            else:
                status = (Article.ARCHIVED if r < DRAFT_SHARE + PENDING_SHARE + SCHEDULED_SHARE
                          + ARCHIVED_SHARE else Article.PUBLISHED)
                # Office hours in Vietnam (UTC+7) are 00:00-11:00 UTC; never later than yesterday.
                published_at = anchor - timedelta(days=rng.randint(1, span_days)) + timedelta(
                    hours=rng.randint(0, 10), minutes=rng.randrange(60))
            if published_at is None:
                created_at = anchor - timedelta(minutes=rng.randrange(60 * 24 * 60))
            else:
                created_at = min(anchor, published_at) - timedelta(minutes=rng.randint(10, 3 * 24 * 60))
            metas.append((created_at, status, published_at))
        metas.sort(key=lambda m: m[0])

        say(f"chuẩn bị khối văn bản cho {n_articles} bài")
        pools = _pools(writer, n_articles)
        verify_every = max(1, n_articles // VERIFY_SAMPLE)
        taken_slugs, statuses = set(), {}
        fields = ["id", "title", "slug", "lead", "body", "body_html", "author", "source", "category",
                  "cover_image", "status", "published_at", "created_at", "updated_at", "view_count",
                  "featured"] + (["search_text"] if HAS_SEARCH_TEXT else [])
        verify_ids = []
        old_slug_rows = []
        for chunk_start in range(0, n_articles, ARTICLES_PER_TRANSACTION):
            rows, links = [], []
            for index in range(chunk_start, min(n_articles, chunk_start + ARTICLES_PER_TRANSACTION)):
                article_id = index + 1
                created_at, status, published_at = metas[index]
                statuses[status] = statuses.get(status, 0) + 1
                stored_status = Article.PUBLISHED if status == "scheduled" else status
                year = (published_at or created_at).year
                local = (published_at or created_at) + timedelta(hours=7)
                title = nfc(writer.title(year))
                slug = _unique(slugify(title), taken_slugs)
                body, body_html, body_folded = _body(rng, pools)
                if index % verify_every == 0:
                    verify_ids.append(article_id)
                featured = status == Article.PUBLISHED and rng.random() < FEATURED_SHARE
                updated_at = max(created_at, published_at or created_at)
                if published_at and published_at < anchor and rng.random() < 0.2:
                    updated_at = min(anchor, published_at + timedelta(hours=rng.randint(1, 24 * 90)))
                source = rng.choice(SOURCES).format(district=rng.choice(DISTRICTS)) \
                    if rng.random() < 0.3 else ""
                cover = f"/media/demo/{rng.choice(COVERS)}" if rng.random() < COVER_SHARE else ""
                age_days = max(1, (anchor - (published_at or anchor)).days)
                views = int(rng.paretovariate(1.3) * 20 * min(age_days, 90) ** 0.5) \
                    if status in (Article.PUBLISHED, Article.ARCHIVED) else 0
                lead, author = nfc(writer.lead(local, year)), rng.choice(writer.authors)
                row = (article_id, title, slug, lead, body, body_html, author, nfc(source),
                       rng.choices(leaf_ids, cum_weights=leaf_cum)[0], cover,
                       stored_status, published_at, created_at, updated_at, views, featured)
                if HAS_SEARCH_TEXT:  # as Article.save(): title, lead, author, source, body
                    words = [_folded(title), _folded(lead), _folded(author), _folded(nfc(source)),
                             body_folded]
                    row += (" " + " ".join(w for w in words if w) + " ",)
                rows.append(row)
                summary.featured += featured
                for tag_id in _pick_tags(rng, tag_ids, tag_cum):
                    links.append((article_id, tag_id))
                if status == Article.PUBLISHED and rng.random() < OLD_SLUG_SHARE:
                    old = _unique(slugify(writer.title(year)), taken_slugs)
                    old_slug_rows.append((old, article_id, updated_at))
            with database.atomic():
                _insert(Article, rows, fields)
                _insert(ArticleTag, links, ["article", "tag"])
            summary.article_tags += len(links)
            say(f"{min(n_articles, chunk_start + ARTICLES_PER_TRANSACTION)}/{n_articles} bài")
        with database.atomic():
            _insert(SlugHistory, old_slug_rows, ["old_slug", "article", "changed_at"])
            _reset_sequences()
            # What saving through the models does after any change (the page cache's validator).
            bump = getattr(cms_models, "bump_site_version", None)
            if bump is not None:
                bump()
        if _is_postgres():
            # What autovacuum would soon do on a real server; without it the first plans after a
            # bulk load are guesses. (SQLite is left alone: the app never runs ANALYZE there.)
            database.execute_sql("ANALYZE")
        _verify_against_save(verify_ids)
        summary.old_slugs = len(old_slug_rows)
        summary.statuses = statuses
        summary.public = Article.select().where(Article.is_public_expr()).count()
        summary.database = database.database if not _is_postgres() else "postgresql"
    finally:
        if opened_here:
            database.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _verify_against_save(article_ids):
    """The stored rows must be what Article.save() itself would store (body_html, search_text...).

    Each sampled article is saved through the model inside a transaction that is rolled back, and
    every column except updated_at and version is compared with what was generated.
    """
    ignored = {"updated_at", "version"}
    for article_id in article_ids:
        with database.atomic() as transaction:
            generated = Article.select().where(Article.id == article_id).dicts().get()
            Article.get_by_id(article_id).save()
            saved = Article.select().where(Article.id == article_id).dicts().get()
            transaction.rollback()
        differ = sorted(k for k in generated if k not in ignored and generated[k] != saved[k])
        if differ:
            raise AssertionError(f"article {article_id}: generated {', '.join(differ)} differ from what "
                                 "Article.save() stores; update bench/generate.py")


def _pick_tags(rng, tag_ids, tag_cum):
    wanted = rng.randint(2, 4)
    chosen = []
    while len(chosen) < wanted:
        tag_id = rng.choices(tag_ids, cum_weights=tag_cum)[0]
        if tag_id not in chosen:
            chosen.append(tag_id)
    return chosen


# --- apps, files and the cache ------------------------------------------------------------------

def sqlite_url(data_dir):
    return f"sqlite:///{Path(data_dir).resolve() / 'cms.sqlite3'}"


def make_app(data_dir, database_url=None, **config):
    """An app on `data_dir` (never ./instance): its SQLite file there unless database_url is given.

    DATABASE_URL is always set explicitly, so a DATABASE_URL in the environment is not used.
    """
    from app import create_app

    settings = {"CMS_DATA_DIR": Path(data_dir), "DATABASE_URL": database_url or sqlite_url(data_dir),
                "SECRET_KEY": "bench-not-secret"}
    settings.update(config)
    return create_app(settings)


def bind_database(database_url):
    """Point the models at database_url, as create_app does, without creating an app.

    Generating needs no app; and an app may want tables to exist as soon as it is created (the
    back office reads categories when it builds its filters).
    """
    database.initialize(open_database(database_url))


def finish_schema(data_dir, database_url=None):
    """Create an app on the site and apply the migrations every package registers; returns it."""
    app = make_app(data_dir, database_url)
    with app.app_context(), database.connection_context():
        migrate()
    return app


def build_site(data_dir, n_articles=DEFAULT_ARTICLES, seed=DEFAULT_SEED, *, database_url=None,
               clear=False, progress=None):
    """Generate the site into data_dir's SQLite file (or database_url); returns a SiteSummary.

    Binds the models to that database (no app is created).
    """
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    bind_database(database_url or sqlite_url(data_dir))
    return generate_site(n_articles, seed, clear=clear, progress=progress)


CACHE_INPUTS = [Path(__file__).resolve()] + [ROOT / "cms" / name for name in
                                             ("models.py", "migrations.py", "markup.py", "text.py")]


def cache_key(n_articles, seed):
    """Changes with the size, the seed and the text of the generator, the core models and what
    derives stored columns (markup, text helpers): any of them changed means a rebuild."""
    digest = hashlib.sha1()
    for path in CACHE_INPUTS:
        digest.update(path.read_bytes())
    return f"site-{n_articles}-seed{seed}-{digest.hexdigest()[:10]}"


def cached_site_database(n_articles=DEFAULT_ARTICLES, seed=DEFAULT_SEED, *, cache_dir=None,
                         rebuild=False, progress=None):
    """Path of a generated SQLite site in cache_dir (bench/out/), built only when missing.

    Treat the file as read-only: copy it (install_cached_site) before serving from it. Building
    binds the models to the new file: create your own app afterwards.
    """
    cache_dir = Path(cache_dir or OUT_DIR)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{cache_key(n_articles, seed)}.sqlite3"
    if path.exists() and not rebuild:
        return path
    work = Path(tempfile.mkdtemp(prefix="build-", dir=cache_dir))
    try:
        build_site(work, n_articles, seed, progress=progress)
        built = work / "cms.sqlite3"
        # One self-contained file: fold the WAL back in and leave WAL mode.
        with sqlite3.connect(built) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        os.replace(built, path)
        for stale in cache_dir.glob(f"site-{n_articles}-seed{seed}-*.sqlite3"):
            if stale != path:  # built by an older generator or schema
                stale.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


def install_cached_site(data_dir, n_articles=DEFAULT_ARTICLES, seed=DEFAULT_SEED, *, cache_dir=None,
                        progress=None):
    """Copy the cached site to data_dir/cms.sqlite3 (replacing it) and apply pending migrations.

    Returns the file's path; the data dir is then ready to serve (CMS_DATA_DIR=data_dir, e.g. under
    gunicorn). Like cached_site_database, this creates an app: create yours afterwards.
    """
    source = cached_site_database(n_articles, seed, cache_dir=cache_dir, progress=progress)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "cms.sqlite3"
    for stale in (target, data_dir / "cms.sqlite3-wal", data_dir / "cms.sqlite3-shm"):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    finish_schema(data_dir)  # the cache may predate a migration added since; the data stays valid
    return target


def prepare_site(data_dir, n_articles=DEFAULT_ARTICLES, seed=DEFAULT_SEED, *, database_url=None,
                 cache_dir=None, progress=None, **config):
    """An app whose database holds the generated site, ready for requests.

    SQLite (no database_url): a fresh copy of the cached file in data_dir, so requests that write
    (view counts) never touch the cache. PostgreSQL: the site is generated again into database_url,
    replacing its articles, categories and tags; use a scratch database.
    """
    if database_url:
        build_site(data_dir, n_articles, seed, database_url=database_url, clear=True,
                   progress=progress)
        finish_schema(data_dir, database_url)
    else:
        install_cached_site(data_dir, n_articles, seed, cache_dir=cache_dir, progress=progress)
    return make_app(data_dir, database_url, **config)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fill a data dir (or a PostgreSQL database) with a "
                                                 "generated site for benchmarks.")
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("CMS_DATA_DIR"),
                        help="data dir of the site (default: $CMS_DATA_DIR; ./instance is refused)")
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--database-url", help="postgresql://... instead of the data dir's SQLite file")
    parser.add_argument("--clear", action="store_true",
                        help="delete the existing articles, categories and tags first")
    parser.add_argument("--cached", action="store_true",
                        help="SQLite only: copy the site cached in bench/out/ (built when missing)")
    args = parser.parse_args(argv)
    if not args.data_dir:
        parser.error("give --data-dir (or set CMS_DATA_DIR)")
    data_dir = Path(args.data_dir).resolve()
    if data_dir == (ROOT / "instance").resolve():
        parser.error("refusing to generate into ./instance, the development data dir")
    if args.cached and args.database_url:
        parser.error("--cached is for SQLite only")

    def progress(message):
        print(f"  {message}", file=sys.stderr)

    if args.cached:
        target = install_cached_site(data_dir, args.articles, args.seed, progress=progress)
        print(f"{target} ({args.articles} bài, seed {args.seed}, từ bộ đệm bench/out/)")
        return 0
    try:
        summary = build_site(data_dir, args.articles, args.seed, database_url=args.database_url,
                             clear=args.clear, progress=progress)
    except SiteNotEmptyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finish_schema(data_dir, args.database_url)
    print(summary.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
