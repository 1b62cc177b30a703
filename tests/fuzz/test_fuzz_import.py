"""Fuzzing the front matter import (cms/content_import.py): any file either imports whole or gives one
error naming the file and the field at fault, never an exception and never a half-written article."""

import shutil
import tempfile
from pathlib import Path

import yaml
from fuzzkit import fuzz_settings, texts
from hypothesis import event, example, given
from hypothesis import strategies as st
from searchkit import connected

from cms.content_import import import_folder, read_article_file
from cms.models import Article, ArticleTag, Category, SlugHistory, Tag
from cms.text import slugify

FIELDS = ["title", "category", "published_at", "author", "lead", "tags", "status", "slug", "featured",
          "source", "cover"]

GOOD = {"title": "Hội nghị sơ kết công tác tổ chức", "category": "Xây dựng Đảng",
        "published_at": "2024-05-12 08:00", "author": "Nguyễn Văn Hùng", "lead": "Sapo.",
        "tags": ["đảng viên", "cơ sở"], "status": "published"}

scalar = st.one_of(
    texts(max_fragments=6), st.text(max_size=400), st.integers(), st.floats(), st.booleans(), st.none(),
    st.dates(), st.datetimes(), st.sampled_from(["published", "draft", "pending", "archived", "PUBLISHED"]),
    st.sampled_from(["2024-05-12 08:00", "12/05/2024", "2024-02-30", "0001-01-01 00:00", "9999-12-31 23:59",
                     "2024-05-12T08:00:00+07:00", "hôm qua"]),
)
value = st.one_of(scalar, st.lists(scalar, max_size=4),
                  st.dictionaries(st.text(max_size=5), scalar, max_size=3))
BREAKERS = [":", "- ", "[", "{", "'", '"', "\t", "&a", "*a", "!!python/object:x"]


@st.composite
def front_matter_files(draw):
    """Bytes of a Markdown file with front matter: valid fields with some changed, dropped or added;
    sometimes free YAML, broken YAML, no closing fence, or bytes that are not UTF-8."""
    meta = dict(GOOD)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            meta[name] = draw(value)
        else:
            meta.pop(name, None)
    meta.update(draw(st.dictionaries(st.text(max_size=6), value, max_size=2)))
    kind = draw(st.sampled_from(["yaml", "yaml", "yaml", "free", "broken", "unclosed", "bytes"]))
    body = draw(texts(max_fragments=10))
    if kind == "free":
        header = draw(st.one_of(texts(max_fragments=10), value.map(
            lambda v: yaml.safe_dump(v, allow_unicode=True))))
    else:
        header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    if kind == "broken":
        cut = draw(st.integers(0, len(header)))
        header = header[:cut] + draw(st.sampled_from(BREAKERS)) + header[cut:]
    text = f"---\n{header}---\n{body}" if kind != "unclosed" else f"---\n{header}{body}"
    data = text.encode("utf-8", "surrogatepass")
    if kind == "bytes":
        data = draw(st.sampled_from([b"\xff\xfe", b"\xef\xbb\xbf", b"\x80\x81"])) + data
    return data


def yaml_file(meta, body="Thân bài."):
    return f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}".encode()


def counts():
    models = (Article, Category, Tag, ArticleTag, SlugHistory)
    return {model.__name__: model.select().count() for model in models}


def import_one(site, data):
    folder = Path(tempfile.mkdtemp(prefix="fuzz-import-"))
    try:
        path = folder / "bai-viet.md"
        path.write_bytes(data)
        site._bind()
        with site.app.app_context(), connected():
            before = counts()
            report = import_folder(folder)
            after = counts()
            outcome = report.errors + report.created + report.updated
            assert len(outcome) == 1, report
            if report.errors:
                message = report.errors[0]
                assert message.startswith(f"{path}: "), message
                where = message[len(f"{path}: "):]
                assert where.startswith(("trường '", "nội dung:")), message
                assert after == before, (message, before, after)  # nothing half-written
                return "error"
            fields = read_article_file(path)
            article = Article.get(Article.slug == fields["slug"])
            assert article.title == fields["title"] and article.body == fields["body"]
            assert article.status == fields["status"] and article.author == fields["author"]
            assert slugify(article.category.name) == slugify(fields["category"])
            assert sorted(slugify(t.name) or "the" for t in article.tag_list()) == sorted(
                {slugify(t) or "the" for t in fields["tags"]})
            # Idempotent by slug: the same file again changes nothing but the article itself.
            again = import_folder(folder)
            assert again.updated == [fields["slug"]] and not again.errors, again
            assert counts() == after
            return "imported"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@fuzz_settings(200)
@given(front_matter_files())
@example(b"---\ntitle: T\ncategory: C\npublished_at: 0001-01-01 00:00\n---\nx")
@example(b"---\ntitle: T\ncategory: C\npublished_at: 0001-01-01\n---\nx")
@example(b"---\n- a\n- b\n---\nx")
@example(yaml_file({**GOOD, "category": "Chuyên mục " * 30}))  # longer than the column (PostgreSQL)
@example(yaml_file({**GOOD, "author": "Tác giả " * 40, "tags": ["thẻ " * 40]}))
@example(yaml_file({**GOOD, "source": "Nguồn " * 60, "cover": "anh.png" * 80}))
@example(yaml_file({**GOOD, "category": "漢字"}))
@example(b"---\njust text\n---\nx")
def test_any_front_matter_imports_or_names_the_file_and_field(site, data):
    event(import_one(site, data))


def test_the_fuzzed_files_include_good_and_bad_ones(site):
    """The strategy reaches both outcomes (so the property above is not only checking errors)."""
    assert import_one(site, yaml_file(GOOD)) == "imported"
    assert import_one(site, yaml_file({**GOOD, "status": "xuất bản"})) == "error"

