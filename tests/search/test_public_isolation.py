"""No public surface ever shows a visit record or a non-public article, with visits in the database
and the internal index built: not /tim-kiem (results, count, snippet, suggestion), not /api/search,
not related articles, feeds, sitemap or lists; and the public index files hold no visit document.

Each visit's plan, report and follow-up carry words found nowhere else (staffkit.SECRETS), as do the
non-public articles ("zetanhap"); a leak shows as one of those words on a public page.
"""

import functools
from datetime import timedelta
from html import escape
from pathlib import Path

import pytest
from searchkit import connected
from staffkit import SECRETS, build_world
from werkzeug.security import generate_password_hash

import cms.accounts
from cms.models import Article
from cms.timeutil import utcnow
from search_index import sync
from search_index.analysis import folded_form

SECRET_WORDS = sorted({w for words in SECRETS.values() for w in words.values() if w} | {"zetanhap"})
ONE_WORD_SECRETS = ["vuôngxoe", "khèxương", "lùngthùng", "MAT-8841", "MAT-5520", "MAT-3307", "zetanhap"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture
def world(app, db, indexes, catch_up, cli):
    built = build_world()
    category = built.category
    now = utcnow()
    # A public article written like a visit report (so a visit would be its closest "related" document).
    built.alike = _article("Trồng cây dưới tán rừng ở vùng cao", category, Article.PUBLISHED,
                           now - timedelta(days=1),
                           "Đảng bộ xã trồng cây dưới tán rừng. Ủy ban huyện hỗ trợ giống; hợp tác xã làm ăn "
                           "hiệu quả, nhân rộng mô hình, các hộ chăm sóc chè tốt.",
                           slug="trong-cay-duoi-tan-rung")
    for status, offset in ((Article.DRAFT, None), (Article.PENDING, -1), (Article.ARCHIVED, -2),
                           (Article.PUBLISHED, +48)):  # the last one is scheduled
        _article(f"Tin chưa công khai zetanhap {status}", category, status,
                 None if offset is None else now + timedelta(hours=offset),
                 "Đảng bộ xã trồng cây dưới tán rừng zetanhap.", slug=f"an-{status}-{offset}")
    catch_up()
    result = cli("reindex")  # both indexes rebuilt from the database, visits included
    assert result.exit_code == 0, result.output
    return built


def _article(title, category, status, published_at, body, slug):
    article = Article(title=title, category=category, status=status, published_at=published_at, body=body,
                      lead=body[:80], slug=slug)
    article.save()
    return article


def _without_echo(body, query):
    """The page minus the places that repeat what the reader typed (search box, "no results for …")."""
    for form in {query, escape(query), escape(query, quote=False)}:
        body = body.replace(form, "")
    return body


def assert_nothing_confidential(body, world, allowed=()):
    lowered = body.lower()
    for word in SECRET_WORDS:
        if word not in allowed:
            assert word.lower() not in lowered, word
            assert folded_form(word) not in folded_form(body) or word.startswith("MAT"), word
    for visit in world.visits.values():
        assert visit.title not in body, visit.title
    assert "/admin/visit" not in body and "Báo cáo: " not in body


def test_the_search_page_and_the_api_show_no_record(app, client, world):
    for word in SECRET_WORDS:
        response = client.get("/tim-kiem", query_string={"q": word})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert_nothing_confidential(_without_echo(body, word), world)
        data = client.get("/api/search", query_string={"q": word, "per_page": 50}).get_json()
        assert all(r["url"].startswith("/bai-viet/") for r in data["results"])
        assert_nothing_confidential(str(data).replace(word, ""), world)
        if word in ONE_WORD_SECRETS:
            assert data["total"] == 0 and data["results"] == [], word
            assert "Không tìm thấy bài viết nào" in body, word


def test_suggestions_never_offer_a_confidential_word(client, world):
    # one letter off each secret word: a suggestion could only come from a document holding it
    for typed in ("vuôngxoa", "khèxươn", "lungthun", "zetanhap", "zetanhep", "Ngọc Linhh", "Shan tuyếtt"):
        body = client.get("/tim-kiem", query_string={"q": typed}).get_data(as_text=True)
        assert_nothing_confidential(_without_echo(body, typed), world)
        data = client.get("/api/search", query_string={"q": typed}).get_json()
        assert data["total"] == 0 or all(r["url"].startswith("/bai-viet/") for r in data["results"])


def test_related_articles_lists_feeds_and_sitemap_show_no_record(client, world):
    page = client.get(f"/bai-viet/{world.alike.slug}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert world.articles["public"].title in body  # the related list is there, with public articles only
    assert_nothing_confidential(body, world)
    for url in ("/", "/chuyen-muc/xay-dung-dang", "/rss.xml", "/chuyen-muc/xay-dung-dang/rss.xml",
                "/sitemap.xml", f"/bai-viet/{world.articles['public'].slug}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_confidential(response.get_data(as_text=True), world)
    with connected():
        hidden = [a.slug for a in Article.select().where(Article.title.contains("zetanhap"))]
    assert len(hidden) == 4
    for slug in hidden:
        assert client.get(f"/bai-viet/{slug}").status_code == 404


def _index_bytes(store):
    return b"".join(path.read_bytes() for path in Path(store.current_dir()).iterdir() if path.is_file())


def test_the_public_index_holds_no_visit_document(app, world, service):
    public, internal = service.stores["public"], service.stores["internal"]
    with app.app_context(), connected():
        with public.index().searcher() as searcher:
            stored = list(searcher.all_stored_fields())
        expected = {f"article:{a.id}" for a in Article.select().where(Article.status == Article.PUBLISHED)}
    assert {fields["kind"] for fields in stored} == {"article"}
    assert {fields["key"] for fields in stored} == expected
    public_bytes, internal_bytes = _index_bytes(public), _index_bytes(internal)
    for word in ("vuôngxoe", "khèxương", "lùngthùng", "8841", "5520", "3307"):
        for form in {word.lower(), folded_form(word)}:
            assert form.encode() in internal_bytes, form  # the check can see a word where it is
            assert form.encode() not in public_bytes, form


class LeakySource:
    """A broken source that offers its visit documents to the public index too."""

    doc_type = "visit"

    def __init__(self, real):
        self.real = real

    def all_ids(self):
        return self.real.all_ids()

    def load(self, ids):
        docs = self.real.load(ids)
        return {i: {"internal": d["internal"], "public": d["internal"]} for i, d in docs.items()}

    def stamps(self, index_name):
        return self.real.stamps("internal")


def test_the_public_index_refuses_visit_documents_whatever_a_source_says(app, world, service):
    public = service.stores["public"]
    sources = dict(service.sources, visit=LeakySource(service.sources["visit"]))
    with app.app_context(), connected():
        sync.rebuild(public, sources)
        with public.index().searcher() as searcher:
            assert {fields["kind"] for fields in searcher.all_stored_fields()} == {"article"}
        visit = world.visits["a"]
        visit.title = "Kiểm tra lại vuôngxoe"
        visit.save()  # an outbox row: applied with the leaky source
        assert sync.apply_pending(public, sources) >= 1
        with public.index().searcher() as searcher:
            assert {fields["kind"] for fields in searcher.all_stored_fields()} == {"article"}
        drift = sync.check(public, sources)  # index-check --fix would not write them either
        sync.repair(public, sources, drift)
        with public.index().searcher() as searcher:
            assert {fields["kind"] for fields in searcher.all_stored_fields()} == {"article"}
