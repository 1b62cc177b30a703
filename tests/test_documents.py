"""The documents register (Văn bản): numbers however typed, what readers see, the list's filters, a
document's page and files, articles linking the numbers they write, search, sitemap and feed, the page
cache following a publication, and query counts that do not grow with the register."""

import io
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfWriter

from cms.db import database
from cms.document_files import save_file
from cms.documents import (
    EXPIRED,
    REPLACED,
    Document,
    DocumentCitation,
    catch_up_citations,
    number_key,
    numbers_in,
)
from cms.models import Article, SiteState
from cms.timeutil import utcnow
from search_index import sync

sys.path.insert(0, str(Path(__file__).resolve().parent / "perf"))
from perfkit import another_worker, counted_get  # noqa: E402


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def make_document(db):
    counter = {"n": 0}

    def make(number=None, kind="quy-dinh", status=Document.PUBLISHED, **fields):
        counter["n"] += 1
        values = {"issuing_body": "Ban Thường vụ Tỉnh ủy",
                  "date_issued": date(2024, 1, counter["n"] % 28 + 1),
                  "summary": f"Về công tác cán bộ, đợt {counter['n']}", "field": "Công tác cán bộ"}
        values.update(fields)
        if status == Document.PUBLISHED and "published_at" not in values:
            values["published_at"] = utcnow() - timedelta(hours=1)
        return Document.create(number=number or f"{counter['n']}-QĐ/TU", kind=kind, status=status, **values)
    return make


def text(response):
    return response.get_data(as_text=True)


# --- numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["2993-QĐ/TU", "2993-QD/TU", "2993 qd tu", "2993/qđ-tu", " 2993-Qđ/Tu "])
def test_a_number_has_one_key_however_it_is_typed(typed):
    assert number_key(typed) == "2993-qd-tu"


def test_numbers_are_found_in_text_but_dates_are_not():
    found = numbers_in("Theo Quy định số 132-QĐ/TW, ngày 08/3/2018 và Nghị định 42/2022/NĐ-CP; "
                       "Kết luận 08-KL/TW (lần 2), giai đoạn 2020-2025.")
    assert found == ["132-qd-tw", "42-2022-nd-cp", "08-kl-tw"]


def test_a_document_is_stored_as_typed_in_nfc_with_its_key_and_slug(make_document):
    document = make_document(number=" 2993-QĐ/TU ", summary="Về trách nhiệm nêu gương")
    stored = Document.get_by_id(document.id)
    assert stored.number == "2993-QĐ/TU" and stored.number_key == "2993-qd-tu"
    assert stored.slug == "quy-dinh-2993-qd-tu" and stored.year == 2024
    decomposed = make_document(number="15-Q\u0110/TU", summary="Ve\u0302\u0300 co\u0302ng ta\u0301c")
    assert Document.get_by_id(decomposed.id).summary == "Về công tác"


def test_only_published_documents_whose_time_has_come_are_public(make_document):
    shown = make_document()
    make_document(status=Document.DRAFT)
    make_document(published_at=utcnow() + timedelta(days=1))
    make_document(status=Document.ARCHIVED)
    assert [d.id for d in Document.public()] == [shown.id]


def test_saving_a_document_bumps_the_site_version(make_document):
    document = make_document()
    before = SiteState.get_by_id(1).version
    document.summary = "Trích yếu mới"
    document.save()
    assert SiteState.get_by_id(1).version > before


# --- public pages -------------------------------------------------------------------------------

def test_the_list_shows_public_documents_only_and_offers_only_values_with_documents(client, make_document):
    make_document(number="05-NQ/TU", kind="nghi-quyet", issuing_body="Ban Chấp hành Đảng bộ tỉnh",
                  field="Xây dựng tổ chức đảng", date_issued=date(2021, 9, 10))
    make_document(number="18-CT/TU", kind="chi-thi", date_issued=date(2022, 6, 20))
    make_document(number="77-KH/TU", kind="ke-hoach", status=Document.DRAFT, field="Lĩnh vực ẩn",
                  date_issued=date(2019, 1, 1))
    page = text(client.get("/van-ban"))
    assert "Nghị quyết số 05-NQ/TU" in page and "Chỉ thị số 18-CT/TU" in page
    assert "77-KH/TU" not in page
    kinds = re.search(r'<select id="doc-loai".*?</select>', page, re.S).group(0)
    assert ">Nghị quyết<" in kinds and ">Chỉ thị<" in kinds and ">Kế hoạch<" not in kinds
    assert "Lĩnh vực ẩn" not in page and ">2019<" not in page and ">2021<" in page


@pytest.mark.parametrize("query, expected", [
    ("loai=nghi-quyet", {"05-NQ/TU"}),
    ("co-quan=ban-chap-hanh-dang-bo-tinh", {"05-NQ/TU"}),
    ("linh-vuc=cong-tac-can-bo", {"18-CT/TU", "2993-QĐ/TU"}),
    ("nam=2022", {"18-CT/TU"}),
    ("q=2993-QĐ/TU", {"2993-QĐ/TU"}),
    ("q=2993+qd+tu", {"2993-QĐ/TU"}),
    ("q=2993-QD/TU", {"2993-QĐ/TU"}),
    ("q=2993", {"2993-QĐ/TU"}),
    ("q=neu+guong", {"2993-QĐ/TU"}),
    ("loai=chi-thi&nam=2021", set()),
    ("loai=khong-co&nam=abc", {"05-NQ/TU", "18-CT/TU", "2993-QĐ/TU"}),  # unknown values are ignored
])
def test_the_list_filters(client, make_document, query, expected):
    make_document(number="05-NQ/TU", kind="nghi-quyet", issuing_body="Ban Chấp hành Đảng bộ tỉnh",
                  field="Xây dựng tổ chức đảng", date_issued=date(2021, 9, 10))
    make_document(number="18-CT/TU", kind="chi-thi", date_issued=date(2022, 6, 20))
    make_document(number="2993-QĐ/TU", kind="quyet-dinh", date_issued=date(2021, 3, 15),
                  summary="Ban hành Quy định về trách nhiệm nêu gương của cán bộ, đảng viên")
    response = client.get(f"/van-ban?{query}")
    assert response.status_code == 200
    shown = set(re.findall(r'class="document-number"><a [^>]*>[^<]* số ([^<]+)</a>', text(response)))
    assert shown == expected


def test_the_list_is_paginated(client, make_document):
    for n in range(23):
        make_document(number=f"{100 + n}-TB/TU", kind="thong-bao")
    first, second = text(client.get("/van-ban")), text(client.get("/van-ban?page=2"))
    assert first.count('class="document-row"') == 20 and second.count('class="document-row"') == 3
    assert 'rel="next"' in first and client.get("/van-ban?page=3").status_code == 404


def test_a_document_page_shows_its_metadata_files_and_replacement(app, client, make_document):
    new = make_document(number="12-HD/BTCTU", kind="huong-dan", issuing_body="Ban Tổ chức Tỉnh ủy")
    old = make_document(number="05-HD/BTCTU", kind="huong-dan", issuing_body="Ban Tổ chức Tỉnh ủy",
                        signer="Lê Thị Thu Hà", date_effective=date(2022, 11, 5), legal_status=REPLACED,
                        replaced_by=new.id)
    with app.app_context():
        row = save_file(app, old, pdf_bytes(), "Hướng dẫn 05-HD-BTCTU.pdf")
    page = text(client.get(f"/van-ban/{old.slug}"))
    assert "Lê Thị Thu Hà" in page and "05/11/2022" in page and "Ban Tổ chức Tỉnh ủy" in page
    assert "Đã được thay thế" in page and f'href="/van-ban/{new.slug}"' in page
    assert f"/van-ban/{old.slug}/tep/{row.id}" in page
    assert f'href="/van-ban/{old.slug}"' in text(client.get(f"/van-ban/{new.slug}"))  # "Thay thế văn bản"
    download = client.get(f"/van-ban/{old.slug}/tep/{row.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF-")
    disposition = download.headers["Content-Disposition"]
    assert "attachment" in disposition and "filename*=UTF-8''H%C6%B0%E1%BB%9Bng" in disposition


def test_hidden_documents_and_their_files_answer_404(app, client, make_document):
    draft = make_document(status=Document.DRAFT)
    with app.app_context():
        row = save_file(app, draft, pdf_bytes(), "nhap.pdf")
    assert client.get(f"/van-ban/{draft.slug}").status_code == 404
    assert client.get(f"/van-ban/{draft.slug}/tep/{row.id}").status_code == 404
    assert client.get(f"/media/{row.file_name}").status_code == 404  # never through /media/
    assert client.get("/van-ban/khong-co").status_code == 404
    expired = make_document(legal_status=EXPIRED)
    assert "Văn bản này đã hết hiệu lực" in text(client.get(f"/van-ban/{expired.slug}"))


# --- articles writing numbers ---------------------------------------------------------------------

def test_an_article_links_a_known_number_with_or_without_diacritics(client, make_document, make_article):
    document = make_document(number="2993-QĐ/TU")
    article = make_article(title="Nêu gương", body="Thực hiện Quy định số 2993-QĐ/TU và 2993-QD/TU, "
                           "cùng [đường dẫn 2993-QĐ/TU](https://example.vn/) và số 777-QĐ/TU chưa có.")
    html = Article.get_by_id(article.id).body_html
    assert html.count(f'<a class="document-link" href="/van-ban/{document.slug}">') == 2
    assert '<a href="https://example.vn/" rel="noopener noreferrer">đường dẫn 2993-QĐ/TU</a>' in html
    assert "777-QĐ/TU" in html and "/van-ban/777" not in html
    assert f'href="/van-ban/{document.slug}"' in text(client.get(f"/bai-viet/{article.slug}"))


def test_articles_written_before_a_document_is_published_link_to_it_once_it_is(client, make_document,
                                                                               make_article):
    article = make_article(body="Theo Quy định số 132-QĐ/TW, ngày 08/3/2018 của Bộ Chính trị.")
    draft = make_document(number="132-QĐ/TW", issuing_body="Bộ Chính trị", status=Document.DRAFT)
    assert "document-link" not in Article.get_by_id(article.id).body_html
    draft.status = Document.PUBLISHED
    draft.save()
    assert f'href="/van-ban/{draft.slug}"' in Article.get_by_id(article.id).body_html
    assert f'href="/van-ban/{draft.slug}"' in text(client.get(f"/bai-viet/{article.slug}"))
    draft.status = Document.DRAFT  # withdrawn: the link goes
    draft.save()
    assert "document-link" not in Article.get_by_id(article.id).body_html


def citing_section(page):
    found = re.search(r'<section class="document-citing">.*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_a_document_page_lists_the_public_articles_citing_it(client, make_document, make_article):
    document = make_document(number="132-QĐ/TW", issuing_body="Bộ Chính trị")
    citing = make_article(title="Đánh giá theo Quy định 132", body="Thực hiện Quy định 132-QD/TW.")
    make_article(title="Bài nháp dẫn chiếu", body="Quy định số 132-QĐ/TW.", status=Article.DRAFT)
    make_article(title="Bài không dẫn chiếu", body="Không nhắc văn bản nào.")
    page = text(client.get(f"/van-ban/{document.slug}"))
    section = citing_section(page)
    assert f"/bai-viet/{citing.slug}" in section
    assert "Bài nháp dẫn chiếu" not in section and "Bài không dẫn chiếu" not in section
    later = make_article(title="Bài viết mới dẫn chiếu", body="Tiếp tục thực hiện 132-QĐ/TW.")
    assert f"/bai-viet/{later.slug}" in citing_section(text(client.get(f"/van-ban/{document.slug}")))
    edited = Article.get_by_id(citing.id)
    edited.body = "Không còn nhắc văn bản."
    edited.save()
    assert f"/bai-viet/{citing.slug}" not in citing_section(text(client.get(f"/van-ban/{document.slug}")))


def test_citations_of_articles_written_before_the_register_are_read_by_its_migration(db, make_article):
    from cms.documents import CitationPosition, _create_tables

    article = make_article(body="Kết luận 08-KL/TW.")
    DocumentCitation.delete().execute()
    CitationPosition.delete().execute()
    _create_tables(db)  # migration 0140 on a site that has articles
    recorded = DocumentCitation.select().where(DocumentCitation.number_key == "08-kl-tw")
    assert [c.article_id for c in recorded] == [article.id]
    later = make_article(body="Lại nhắc 08-KL/TW.")
    catch_up_citations()  # from the outbox on
    assert {c.article_id for c in recorded.clone()} == {article.id, later.id}


# --- search ---------------------------------------------------------------------------------------

def _index(app):
    service = app.extensions["search"]
    with app.app_context():
        database.connect(reuse_if_open=True)
        sync.rebuild(service.stores["public"], service.sources)


@pytest.mark.parametrize("typed", ["2993-QĐ/TU", "2993 qd tu", "2993-QD/TU", "2993", "nêu gương"])
def test_public_search_finds_a_document_by_its_number_however_typed(app, client, make_document, make_article,
                                                                     typed):
    document = make_document(number="2993-QĐ/TU", kind="quyet-dinh",
                             summary="Ban hành Quy định về trách nhiệm nêu gương của cán bộ, đảng viên")
    make_document(number="2994-QĐ/TU", status=Document.DRAFT, summary="Bản nháp nêu gương")
    make_article(title="Nêu gương để lan tỏa", body="Thực hiện Quyết định số 2993-QĐ/TU.")
    _index(app)
    data = client.get("/api/search", query_string={"q": typed}).get_json()
    documents = [r for r in data["results"] if r.get("kind") == "document"]
    assert [r["url"] for r in documents] == [f"/van-ban/{document.slug}"]
    assert documents[0]["number"] == "2993-QĐ/TU" and documents[0]["category"] == "Văn bản"
    page = text(client.get("/tim-kiem", query_string={"q": typed}))
    assert f'href="/van-ban/{document.slug}"' in page and ">Văn bản</strong> · Số 2993-QĐ/TU" in page
    assert "2994-QĐ/TU" not in page


def test_a_document_is_searchable_once_published_and_gone_once_withdrawn(app, client, make_document):
    document = make_document(number="46-TB/TU", kind="thong-bao", status=Document.DRAFT,
                             summary="Kết luận về công tác cán bộ quý II")
    _index(app)
    assert client.get("/api/search?q=46-TB/TU").get_json()["total"] == 0
    document.status = Document.PUBLISHED
    document.save()
    assert client.get("/api/search?q=46+tb+tu").get_json()["total"] == 1
    document.status = Document.ARCHIVED
    document.save()
    assert client.get("/api/search?q=46-TB/TU").get_json()["total"] == 0


# --- sitemap, feed, menu ------------------------------------------------------------------------------

def test_sitemap_and_feed_list_public_documents(client, make_document):
    shown = make_document(number="27-KH/TU", kind="ke-hoach",
                          summary="Thực hiện đề án số hóa hồ sơ <đảng viên>")
    hidden = make_document(number="28-KH/TU", status=Document.DRAFT)
    sitemap = text(client.get("/sitemap.xml"))
    assert "http://localhost/van-ban</loc>" in sitemap and f"/van-ban/{shown.slug}</loc>" in sitemap
    assert hidden.slug not in sitemap
    feed = client.get("/van-ban/rss.xml")
    assert feed.mimetype == "application/rss+xml"
    body = text(feed)
    assert "<title>Kế hoạch 27-KH/TU</title>" in body and "&amp;lt;đảng viên&amp;gt;" in body
    assert hidden.number not in body
    assert 'href="/van-ban"' in text(client.get("/"))  # the main menu's "Văn bản"


# --- the page cache follows documents -------------------------------------------------------------------

def warm(client, path):
    """Serve `path` twice: the second answer comes from the page cache (the validator's query only)."""
    first = client.get(path)
    second, queries = counted_get(client, path)
    assert first.status_code == 200 and second.data == first.data and queries == 1, (path, queries)


def uncached_and_cached_counts(client, path):
    first, rendered = counted_get(client, path)
    second, cached = counted_get(client, path)
    assert first.status_code == second.status_code == 200, path
    return rendered, cached


def test_publishing_a_document_shows_at_once_on_cached_pages_of_every_worker(app, make_document,
                                                                           make_article):
    make_document(number="01-QĐ/TU")
    draft = make_document(number="02-QĐ/TU", status=Document.DRAFT)
    make_article(slug="bai-dan-chieu", body="Thực hiện Quy định số 02-QĐ/TU.")
    pages = {"/van-ban": "02-QĐ/TU", "/van-ban/rss.xml": "02-QĐ/TU", "/sitemap.xml": draft.slug,
             "/bai-viet/bai-dan-chieu": f'href="/van-ban/{draft.slug}"'}
    workers = [another_worker(app), another_worker(app)]
    database.connect(reuse_if_open=True)
    for worker in workers:
        for path, wanted in pages.items():
            warm(worker.test_client(), path)
            assert wanted not in text(worker.test_client().get(path)), path
    draft = Document.get_by_id(draft.id)
    draft.status = Document.PUBLISHED
    draft.save()
    for worker in workers:
        client = worker.test_client()
        for path, wanted in pages.items():
            assert wanted in text(client.get(path)), (path, wanted)
        assert client.get(f"/van-ban/{draft.slug}").status_code == 200


# --- query counts do not grow with the register ---------------------------------------------------------

def test_query_counts_are_fixed_as_documents_grow(app, client, make_document, make_article):
    counts = {}
    for size in (3, 60):
        while Document.select().count() < size:
            n = Document.select().count()
            document = make_document(number=f"{n + 1}-QĐ/TU", field=f"Lĩnh vực {n % 7}",
                                     issuing_body=f"Cơ quan {n % 5}")
            make_article(body=f"Thực hiện Quy định số {document.number}.")
        target = Document.public().order_by(Document.id).first()
        with app.app_context():
            save_file(app, target, pdf_bytes(), "tep.pdf")
        paths = ["/van-ban", "/van-ban?loai=quy-dinh&nam=2024", "/van-ban?q=1+qd+tu",
                 f"/van-ban/{target.slug}", "/van-ban/rss.xml"]
        counts[size] = {path: uncached_and_cached_counts(client, path) for path in paths}
    assert counts[3] == counts[60]
