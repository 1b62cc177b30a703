"""Import Markdown files with front matter (format in content/README.md); idempotent by slug.

A bad file is reported with its name and the field at fault; the other files are still imported.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import frontmatter
import yaml
from peewee import DatabaseError

from . import timeutil
from .db import database
from .models import Article, Category, Tag
from .text import nfc, slugify
from .timeutil import LOCAL_TZ, local_to_utc

IMPORT_STATUSES = {Article.DRAFT, Article.PENDING, Article.PUBLISHED, Article.ARCHIVED}


class ContentError(ValueError):
    """A file that cannot be imported: says which file and which field."""

    def __init__(self, path, field_name, message):
        self.path, self.field_name = path, field_name
        where = f"trường '{field_name}'" if field_name else "nội dung"
        super().__init__(f"{path}: {where}: {message}")


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def parse_local_datetime(value):
    """published_at as written in front matter (Vietnam local time) to naive UTC."""
    try:
        return _parse_local_datetime(value)
    except OverflowError as exc:  # 0001-01-01 00:00 local is before datetime.min in UTC
        raise ValueError(f"ngày giờ '{value}' nằm ngoài khoảng cho phép") from exc


def _parse_local_datetime(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return local_to_utc(value.astimezone(LOCAL_TZ).replace(tzinfo=None))
        return local_to_utc(value)
    if isinstance(value, date):
        return local_to_utc(datetime(value.year, value.month, value.day))
    text = str(value).strip()
    found = timeutil.parse_local_datetime(text)
    if found is None:
        raise ValueError(f"không đọc được ngày giờ '{text}' (dùng dạng 2023-05-12 08:00)")
    return found


def _text(meta, key, path, required=False, max_length=None):
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ContentError(path, key, "thiếu hoặc để trống")
        return ""
    if isinstance(value, (list, dict)):
        raise ContentError(path, key, "phải là một chuỗi văn bản")
    text = nfc(str(value)).strip()
    if max_length and len(text) > max_length:  # PostgreSQL would refuse it; SQLite must too
        raise ContentError(path, key, f"dài quá {max_length} ký tự")
    return text


def _tags(meta, path):
    value = meta.get("tags") or []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise ContentError(path, "tags", "phải là danh sách, ví dụ [đảng viên, cơ sở]")
    tags = [nfc(str(tag)).strip() for tag in value if str(tag).strip()]
    for tag in tags:
        if len(tag) > Tag.name.max_length:
            raise ContentError(path, "tags", f"thẻ '{tag[:40]}…' dài quá {Tag.name.max_length} ký tự")
    return tags


def read_article_file(path):
    """Validated fields of one file, or ContentError naming the file and field."""
    try:
        post = frontmatter.load(path)
    except yaml.YAMLError as exc:
        raise ContentError(path, None, f"phần front matter không phải YAML hợp lệ ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, "tệp không phải văn bản UTF-8") from exc
    meta = post.metadata
    title = _text(meta, "title", path, required=True, max_length=Article.title.max_length)
    category = _text(meta, "category", path, required=True, max_length=Category.name.max_length)
    if not slugify(category):  # the category is found again by its slug: it needs one
        raise ContentError(path, "category", "không tạo được đường dẫn từ tên chuyên mục")
    status = _text(meta, "status", path) or Article.PUBLISHED
    if status not in IMPORT_STATUSES:
        raise ContentError(path, "status", f"'{status}' không hợp lệ (published, draft, pending, archived)")
    published_at = None
    if meta.get("published_at") not in (None, ""):
        try:
            published_at = parse_local_datetime(meta["published_at"])
        except ValueError as exc:
            raise ContentError(path, "published_at", str(exc)) from exc
    elif status == Article.PUBLISHED:
        raise ContentError(path, "published_at", "bài đã xuất bản cần ngày giờ xuất bản")
    slug = slugify(_text(meta, "slug", path) or title)
    if not slug:
        raise ContentError(path, "slug", "không tạo được đường dẫn từ tiêu đề")
    featured = meta.get("featured", False)
    if not isinstance(featured, bool):
        raise ContentError(path, "featured", "phải là true hoặc false")
    return {
        "title": title, "category": category, "status": status, "published_at": published_at,
        "slug": slug, "author": _text(meta, "author", path, max_length=Article.author.max_length),
        "lead": _text(meta, "lead", path),
        "source": _text(meta, "source", path, max_length=Article.source.max_length),
        "cover_image": _text(meta, "cover", path, max_length=Article.cover_image.max_length),
        "featured": featured, "tags": _tags(meta, path), "body": nfc(post.content),
    }


def category_by_name(name):
    """The category with this name (compared as readers compare: case and tone placement aside)."""
    slug = slugify(name)
    return Category.get_or_none(Category.slug == slug) or Category.create(name=name, slug=slug)


def import_categories(path):
    """Create or update categories from a YAML list of {name, description}, in menu order."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    with database.atomic():
        for position, entry in enumerate(entries, start=1):
            category = category_by_name(nfc(str(entry["name"])).strip())
            category.position = position
            category.description = nfc(str(entry.get("description") or ""))
            category.save()


def save_article(fields):
    """Create or update the article with this slug; returns (article, created)."""
    fields = dict(fields)
    tags = fields.pop("tags")
    fields["category"] = category_by_name(fields["category"])
    article = Article.get_or_none(Article.slug == fields["slug"])
    created = article is None
    article = article or Article()
    for key, value in fields.items():
        setattr(article, key, value)
    article.save()
    article.set_tags(tags)
    return article, created


def import_folder(folder):
    """Import every *.md under `folder` (sorted by name), each file in its own transaction."""
    report = ImportReport()
    folder = Path(folder)
    paths = [folder] if folder.is_file() else sorted(folder.rglob("*.md"))
    for path in paths:
        if path.name.lower() == "readme.md":
            continue
        try:
            fields = read_article_file(path)
            with database.atomic():
                article, created = save_article(fields)
        except ContentError as exc:
            report.errors.append(str(exc))
            continue
        except DatabaseError as exc:
            report.errors.append(f"{path}: cơ sở dữ liệu từ chối bài viết ({exc})")
            continue
        (report.created if created else report.updated).append(article.slug)
    return report
