"""Stored and reflected XSS: every text field, Markdown bodies, file names, search boxes and URL
parameters, on public and back-office pages. A rendered page must hold no executable script from
input (seckit.script_problems: no script/style element, event handler or javascript: URL carrying
input, no unescaped payload, no evaluated template expression)."""

import io
import json
from datetime import date, timedelta
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
from filekit import pdf_file
from PIL import Image
from seckit import MARK, PAYLOAD_IDS, XSS_PAYLOADS, assert_no_script, script_problems, text_of, token

from admin.editorial import save_revision
from admin.media import save_upload
from cms import audit
from cms.accounts import create_user
from cms.db import database
from cms.models import Article, Category
from cms.timeutil import utcnow
from search_index import sync
from visits import vocab
from visits.attachments import save_attachment
from visits.models import (
    Department,
    FollowUp,
    Locality,
    Official,
    PlanChange,
    Visit,
    VisitEvent,
    VisitLocality,
    VisitParticipant,
    VisitReport,
    VisitTopic,
)
from visits.workflow import refresh_search_text

PAYLOADS = [payload for _, payload in XSS_PAYLOADS]
N = len(PAYLOADS)


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_xss_world(app, world):
    """One row per payload in every text field of every kind of record."""
    made = SimpleNamespace(articles=[], categories=[], visits=[])
    admin_user = world.users["admin"]
    dept_x = Department.create(code="SX", name="Phòng thử nghiệm", position=9)
    for i, payload in enumerate(PAYLOADS):
        category = Category.create(name=f"{payload} {i}", description=payload)
        article = Article(title=f"{payload} {i}", lead=payload, body=f"{payload}\n\n{payload} đảng viên {i}",
                          author=payload, source=payload, cover_image=payload, category=category,
                          status=Article.PUBLISHED, published_at=utcnow() - timedelta(minutes=5 + i),
                          owner_id=admin_user.id, featured=i < 3)
        article.save()
        article.set_tags([f"{payload} {i}"])
        save_revision(article, admin_user, note=payload)
        article.body += f"\n\n{payload} (sửa)"
        article.save()
        save_revision(article, admin_user, note=payload)
        made.articles.append(article)
        made.categories.append(category)
        user = create_user(f"xss{i}", "mat-khau-Bao-mat-1", "staff", full_name=payload, email="x@example.vn")
        official = Official.create(code=f"X{i}", full_name=payload, title=payload, department=dept_x,
                                   user=user.id)
        Department.create(code=f"XD{i}", name=payload, position=10 + i)
        locality = Locality.create(code=f"XL{i}", name=payload, kind="xa", parent=world.field.locality)
        visit = Visit.create(title=f"{payload} {i}", lead=world.field.official_a,
                             department=world.field.dept_a, start_date=date.today() + timedelta(days=40 + i),
                             end_date=date.today() + timedelta(days=41 + i), main_topic="nam_tinh_hinh",
                             partners=payload, plan_text=payload, state=vocab.APPROVED,
                             return_comment=payload, created_by=world.users["field_a"].id)
        VisitTopic.create(visit=visit, topic="nam_tinh_hinh", is_main=True)
        VisitLocality.create(visit=visit, locality=locality)
        VisitParticipant.create(visit=visit, official=official)
        VisitReport.create(visit=visit, findings=payload, proposals=payload, lessons=payload)
        FollowUp.create(visit=visit, responsible=payload[:300], description=payload, note=payload,
                        official=official, due_date=date.today() - timedelta(days=1))
        VisitEvent.create(visit=visit, actor=admin_user.id, action="approve", from_state=vocab.SUBMITTED,
                          to_state=vocab.APPROVED, comment=payload)
        PlanChange.create(visit=visit, actor=admin_user.id, reason=payload,
                          changes=json.dumps({"Tên đợt": [payload, payload]}), state_before=vocab.APPROVED,
                          state_after=vocab.APPROVED)
        save_attachment(app, visit, pdf_file(), f"{payload}.pdf", admin_user)
        save_upload(app, _png(), f"{payload}.png", payload, admin_user)
        audit.record("update", "article", article, {payload: payload}, actor=admin_user, label=payload)
        refresh_search_text(visit.id)
        made.visits.append(Visit.get_by_id(visit.id))
    service = app.extensions["search"]
    for store in service.stores.values():
        sync.rebuild(store, service.sources)
    return made


@pytest.fixture(scope="module")
def xss(sec_app, world):
    with sec_app.app_context():
        database.connect(reuse_if_open=True)
        built = build_xss_world(sec_app, world)
        database.close()
    return built


def _public(client, path, **query):
    response = client.get(path, query_string=query or None)
    assert_no_script(response, PAYLOADS, where=path)
    return response


def _admin(client, path, **query):
    response = client.get(path, query_string=query or None)
    assert response.status_code == 200, (path, response.status_code)
    assert_no_script(response, PAYLOADS, allow_handlers=True, where=path)
    return response


def test_xss_checker_catches_every_payload_left_raw():
    """The checker itself: each payload pasted raw into a page is reported (else the tests below
    could pass on pages that run script)."""
    for name, payload in XSS_PAYLOADS:
        if name.startswith("markdown-"):  # script only once rendered: checked on rendered pages
            continue
        if name == "template-injection":
            assert script_problems(f"<p>49{MARK}</p>")
            continue
        raw = f"<html><body><p>{payload}</p><img src=\"{payload}\"></body></html>"
        assert script_problems(raw, [payload]), name
        assert not script_problems(f"<p>{payload.replace('&', '&amp;').replace('<', '&lt;')}</p>".replace(
            '"', "&quot;")), name


# --- stored, public -----------------------------------------------------------------------------------

@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_stored_public_article_page(xss, client_as, i):
    response = _public(client_as(), f"/bai-viet/{xss.articles[i].slug}")
    assert response.status_code == 200
    assert MARK in text_of(response)  # the payload is shown, as text


@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_stored_public_category_and_tag_pages(xss, client_as, i):
    client = client_as()
    assert _public(client, f"/chuyen-muc/{xss.categories[i].slug}").status_code == 200
    page = text_of(client.get(f"/bai-viet/{xss.articles[i].slug}"))
    tag_href = page.split('href="/the/', 1)[1].split('"', 1)[0]
    assert _public(client, f"/the/{tag_href}").status_code == 200


@pytest.mark.parametrize("path", ["/", "/chuyen-muc/xay-dung-dang", "/tim-kiem?q=xssmark",
                                  "/tim-kiem?q=đảng viên", "/tim-kiem?q=alert script img",
                                  "/dang-nhap", "/khong-co"])
def test_xss_stored_public_lists_and_search(xss, client_as, path):
    _public(client_as(), path)


def test_xss_stored_search_api_snippets_escaped(xss, client_as):
    client = client_as()
    for q in ("xssmark", "alert", "đảng viên", "script onerror"):
        response = client.get("/api/search", query_string={"q": q, "per_page": 50})
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        data = response.get_json()
        for result in data["results"]:
            # The snippet is HTML (with <mark>): it must be safe HTML. Title and category are text.
            assert not script_problems(result["snippet"], PAYLOADS), result["snippet"]
            assert result["url"].startswith("/bai-viet/")


@pytest.mark.parametrize("path", ["/rss.xml", "/sitemap.xml"])
def test_xss_stored_feeds_are_well_formed_text(xss, client_as, path):
    response = client_as().get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())  # payloads never break the XML
    assert not root.findall(".//script") and not root.findall(".//{*}script")
    for element in root.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    for link in root.iter("link"):
        assert (link.text or "").startswith("http://localhost/")


# --- stored, back office --------------------------------------------------------------------------

ADMIN_LISTS = ["/admin/", "/admin/article/?page_size=100", "/admin/category/?page_size=100",
               "/admin/tag/?page_size=100", "/admin/user/?page_size=100", "/admin/audit/?page_size=100",
               "/admin/media/?page_size=100", "/admin/visit/?page_size=100",
               "/admin/visit_department/?page_size=100", "/admin/visit_official/?page_size=100",
               "/admin/visit_locality/?page_size=100", "/admin/visit_follow_up/?page_size=100",
               "/admin/visit_assignment/", "/admin/visit_meeting/", "/admin/visit-dashboard/",
               "/admin/visit-dashboard/months", "/admin/visit-dashboard/field-days",
               "/admin/visit-dashboard/coverage?level=all", "/admin/visit-dashboard/follow-ups",
               "/admin/article/?search=xssmark", "/admin/visit/?search=xssmark",
               "/admin/article/?search=alert script"]


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_xss_stored_admin_lists_and_dashboards(xss, client_as, path):
    _admin(client_as("admin"), path)


@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_stored_admin_article_screens(xss, client_as, i):
    client = client_as("admin")
    article = xss.articles[i]
    for path in (f"/admin/article/edit/?id={article.id}", f"/admin/article/details/?id={article.id}",
                 f"/admin/article/revisions/{article.id}?a=1&b=2",
                 f"/admin/category/edit/?id={xss.categories[i].id}"):
        _admin(client, path)


@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_stored_admin_visit_screens(xss, client_as, i):
    client = client_as("admin")
    visit = xss.visits[i]
    for path in (f"/admin/visit/details/?id={visit.id}", f"/admin/visit/report/{visit.id}",
                 f"/admin/visit/change/{visit.id}", f"/admin/visit/edit/?id={visit.id}"):
        response = client.get(path)
        if response.status_code == 302:  # an approved plan's edit goes to the recorded change
            continue
        assert_no_script(response, PAYLOADS, allow_handlers=True, where=path)
        assert response.status_code == 200, path


def test_xss_stored_attachment_download_name_is_safe(xss, client_as):
    """File names come back only in a Content-Disposition header, quoted, never as HTML."""
    from visits.models import Attachment
    client = client_as("admin")
    with database.connection_context():
        attachments = list(Attachment.select().where(Attachment.visit.in_([v.id for v in xss.visits])))
    assert len(attachments) == N
    for attachment in attachments:
        response = client.get(f"/admin/visit/attachment/{attachment.id}")
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "\n" not in disposition and "\r" not in disposition
        assert response.mimetype == "application/pdf"


# --- stored through the real forms --------------------------------------------------------------------

@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_stored_through_article_form(sec_app, world, xss, client_as, i):
    """Every field of the editor's form filled with the payload, published, then read everywhere."""
    payload = PAYLOADS[i]
    client = client_as("editor")
    form = {"csrf_token": token(client, "/admin/article/new/"), "title": f"Qua biểu mẫu {payload} {i}",
            "slug": "", "category": str(world.category.id), "lead": payload, "body": payload,
            "author": payload, "source": payload, "cover_image": payload, "published_at": "",
            "tags_text": f"{payload}, thẻ {i}", "featured": "y"}
    response = client.post("/admin/article/new/", data=form)
    assert response.status_code in (200, 302)
    with database.connection_context():
        article = Article.get_or_none(Article.title == f"Qua biểu mẫu {payload} {i}".strip())
    if article is None:  # refused: it must say why, in Vietnamese, without running the payload
        assert_no_script(response, PAYLOADS, allow_handlers=True, where="form")
        assert "alert-danger" in text_of(response) or "invalid-feedback" in text_of(response)
        return
    response = client.post(f"/admin/article/transition/{article.id}", data={
        "csrf_token": token(client), "name": "publish", "published_at": ""})
    assert response.status_code == 302
    _admin(client, f"/admin/article/edit/?id={article.id}")
    reader = client_as()
    _public(reader, f"/bai-viet/{article.slug}")
    _public(reader, "/")
    _public(reader, f"/chuyen-muc/{world.category.slug}")


# --- reflected ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_reflected_public_parameters(xss, client_as, i):
    payload = PAYLOADS[i]
    client = client_as()
    _public(client, "/tim-kiem", q=payload, page=payload, sort=payload, nam=payload,
            **{"chuyen-muc": payload})
    _public(client, "/chuyen-muc/xay-dung-dang", page=payload)
    _public(client, f"/bai-viet/{payload}")
    _public(client, "/dang-nhap", next=payload)
    api = client.get("/api/search", query_string={"q": payload, "page": payload, "per_page": payload})
    assert api.status_code == 200 and api.mimetype == "application/json"
    for result in api.get_json()["results"]:
        assert not script_problems(result["snippet"], PAYLOADS)


@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_reflected_login_form_username(sec_app, xss, client_as, i):
    client = client_as()
    client.environ_base["REMOTE_ADDR"] = f"10.77.0.{i + 1}"  # failed logins lock an address after 5
    page = text_of(client.get("/dang-nhap"))
    from seckit import csrf_from
    response = client.post("/dang-nhap", data={"csrf_token": csrf_from(page), "username": PAYLOADS[i],
                                               "password": "sai", "next": PAYLOADS[i]})
    assert response.status_code in (200, 401)  # too long a name (200, the form again) or wrong
    assert_no_script(response, PAYLOADS, where="login")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text_of(response) or "80 ký tự" in text_of(response)


@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_reflected_admin_parameters(xss, client_as, i):
    payload = PAYLOADS[i]
    client = client_as("admin")
    filters = {f"flt{n}_{n}": payload for n in range(8)}
    for path in ("/admin/article/", "/admin/visit/", "/admin/user/"):
        response = client.get(path, query_string={"search": payload, "sort": payload, "page": payload,
                                                  "page_size": payload, "desc": payload, **filters})
        assert response.status_code in (200, 302, 400), (path, response.status_code)
        assert_no_script(response, PAYLOADS, allow_handlers=True, where=path)
    for path in ("/admin/visit-dashboard/field-days", "/admin/visit-dashboard/coverage"):
        response = client.get(path, query_string={"department": payload, "year": payload, "quarter": payload,
                                                  "month": payload, "period": payload, "stale": payload,
                                                  "level": payload})
        assert response.status_code == 200, path
        assert_no_script(response, PAYLOADS, allow_handlers=True, where=path)
    article = xss.articles[i]
    for path, query in ((f"/admin/article/revisions/{article.id}", {"a": payload, "b": payload}),
                        ("/admin/article/edit/", {"id": payload, "url": payload}),
                        ("/admin/article/new/", {"url": payload})):
        response = client.get(path, query_string=query)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        assert_no_script(response, PAYLOADS, allow_handlers=True, where=path)


@pytest.mark.parametrize("i", range(N), ids=PAYLOAD_IDS)
def test_xss_reflected_markdown_preview(xss, client_as, i):
    """The editor's live preview returns sanitized HTML (it is put into the page with innerHTML)."""
    client = client_as("editor")
    response = client.post("/admin/article/preview", data={"body": PAYLOADS[i]},
                           headers={"X-CSRFToken": token(client)})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert not script_problems(response.get_json()["html"], PAYLOADS), response.get_json()["html"]


@pytest.mark.parametrize("url", ["javascript:alert('XSSMARK')", " JaVaScRiPt:alert(1)",
                                 "data:image/svg+xml,<svg>", "//evil.example/x.png",
                                 "/x.png\" onerror=\"alert(1)", "vbscript:msgbox(1)"])
def test_xss_stored_cover_image_script_url_refused(sec_app, world, client_as, url):
    """The cover image is written into <img src>: a script URL is refused with a reason, and one that
    reaches the model another way (import, script) is dropped."""
    client = client_as("editor")
    response = client.post("/admin/article/new/", data={
        "csrf_token": token(client, "/admin/article/new/"), "title": f"Ảnh bìa độc {url}", "slug": "",
        "category": str(world.category.id), "lead": "", "body": "", "author": "", "source": "",
        "cover_image": url, "published_at": "", "tags_text": ""})
    assert response.status_code == 200
    assert "Ảnh đại diện phải là đường dẫn trên trang" in text_of(response)
    with database.connection_context():
        assert not Article.select().where(Article.title == f"Ảnh bìa độc {url}".strip()).exists()
        article = Article(title=f"Nhập từ tệp {url}", category=world.category, cover_image=url)
        article.save()
        assert Article.get_by_id(article.id).cover_image == ""
