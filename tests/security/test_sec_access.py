"""The back office's role-by-endpoint rules run as attacks (anonymous on every /admin URL, guessed ids
of other users' articles and visits, direct export and attachment URLs), and confidential data absent
from every public surface."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from seckit import changed_tables, db_fingerprint, login, map_app, text_of, token

from cms.db import database
from cms.roles import RULES
from visits.models import FollowUp

ANON_ALLOWED = {"admin.static"}  # Flask-Admin's CSS and scripts


def _rules(sec_app):
    return sorted((r for r in sec_app.url_map.iter_rules() if r.rule.startswith("/admin")),
                  key=lambda r: r.rule)


def _admin_rules():
    app = map_app()
    return [(r.endpoint, r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in _rules(app)]


ADMIN_RULES = _admin_rules()


def _fill(rule, values):
    def one(match):
        return str(values.get(match.group(2), 1))
    return re.sub(r"<(?:(\w+):)?(\w+)>", one, rule)


@pytest.fixture(scope="module")
def ids(sec_app, world):
    with sec_app.app_context(), database.connection_context():
        follow_a = FollowUp.get(FollowUp.visit == world.field.visit_a.id)
    f = world.field
    return {"article_id": world.articles.other_draft.id, "number": 1, "visit_id": f.visit_a.id,
            "other_id": f.visit_b.id, "attachment_id": f.attachment_a.id, "item_id": follow_a.id,
            "export_type": "csv", "fmt": "csv", "kind": "departments", "filename": "x"}


@pytest.fixture(scope="module")
def clients(sec_app, world):
    made = {}
    for key in world.users:
        client = sec_app.test_client()
        assert login(client, world.users[key].username).status_code == 302
        made[key] = client
    return made


def _fingerprint(sec_app):
    with sec_app.app_context(), database.connection_context():
        return db_fingerprint(skip_tables={"login_attempt"})


# --- anonymous --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("endpoint", "rule", "methods"), ADMIN_RULES, ids=[r[0] for r in ADMIN_RULES])
def test_access_anonymous_on_every_admin_url(sec_app, world, ids, endpoint, rule, methods):
    client = sec_app.test_client()
    url = _fill(rule, ids) + ("?id=1" if endpoint.endswith(("edit_view", "details_view")) else "")
    if endpoint in ANON_ALLOWED:
        return
    if "GET" in methods:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"], (url, response)
    if "POST" in methods:
        before = _fingerprint(sec_app)
        # Even with a valid token (from the login page), an anonymous post does nothing.
        page = text_of(client.get("/dang-nhap"))
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post(url, data={"csrf_token": csrf, "id": "1", "name": "x", "title": "x"})
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "/dang-nhap" in response.headers["Location"]
        assert changed_tables(before, _fingerprint(sec_app)) == []


# --- the role table -----------------------------------------------------------------------------------

MODEL_VIEWS = {"article": "article", "category": "category", "tag": "tag", "media": "media", "user": "user",
               "audit": "audit"}
ROLE_OF = {"admin": "admin", "editor": "editor", "leader": "leader", "staff": "staff"}


@pytest.mark.parametrize("who", list(ROLE_OF))
@pytest.mark.parametrize("view", list(MODEL_VIEWS))
def test_access_role_matrix_of_article_side(clients, who, view):
    area, role = MODEL_VIEWS[view], ROLE_OF[who]
    client = clients[who]
    expected_read = 200 if role in RULES[area]["read"] else 403
    assert client.get(f"/admin/{view}/").status_code == expected_read, (who, view)
    expected_create = 200 if role in RULES[area]["create"] and role in RULES[area]["read"] else 403
    assert client.get(f"/admin/{view}/new/").status_code == expected_create, (who, view)
    export = client.get(f"/admin/{view}/export/csv/")  # no export on this side, for anyone
    assert export.status_code in (302, 403, 404), (who, view)
    assert export.mimetype == "text/html" and "Content-Disposition" not in export.headers


VISIT_VIEWS = ["visit", "visit_follow_up", "visit_meeting", "visit_locality", "visit_official",
               "visit_department", "visit_assignment", "visit_calendar", "visit-dashboard"]


@pytest.mark.parametrize("who", ["editor", "staff", "staff2"])
@pytest.mark.parametrize("view", VISIT_VIEWS)
def test_access_unlinked_accounts_see_nothing_of_visits(clients, who, view):
    """Editors and staff not linked to an official have no access to field visits at all."""
    client = clients[who]
    assert client.get(f"/admin/{view}/").status_code == 403
    response = client.get(f"/admin/{view}/export/csv/")
    assert response.status_code in (403, 404)
    assert "bimatcoso7319" not in text_of(response)


# --- guessed ids ---------------------------------------------------------------------------------------

def test_access_staff_guessing_article_ids(sec_app, world, clients):
    """A staff member tries every id near the real ones: only their own articles open."""
    client = clients["staff"]
    own = {world.articles.own_draft.id, world.articles.pending.id}
    top = max(a.id for a in vars(world.articles).values()) + 3
    before = _fingerprint(sec_app)
    for article_id in range(1, top):
        for path in (f"/admin/article/edit/?id={article_id}", f"/admin/article/details/?id={article_id}",
                     f"/admin/article/revisions/{article_id}"):
            response = client.get(path)
            if article_id in own:  # (a pending article is no longer editable by its author)
                assert response.status_code in (200, 302, 403), path
            else:
                assert response.status_code in (403, 404, 302), (path, response.status_code)
                assert "nhapmat5521" not in text_of(response) and "lichmat6630" not in text_of(response)
                if response.status_code == 302:  # Flask-Admin's "record not found" back to the list
                    assert "/admin/article/" in response.headers["Location"]
        tok = token(client)
        for path, data in ((f"/admin/article/transition/{article_id}", {"name": "submit"}),
                           (f"/admin/article/revisions/{article_id}/restore/1", {}),
                           ("/admin/article/delete/", {"id": str(article_id)}),
                           (f"/admin/article/edit/?id={article_id}",
                            {"title": "Chiếm bài", "category": "1"})):
            if article_id in own:
                continue
            response = client.post(path, data={**data, "csrf_token": tok})
            assert response.status_code in (302, 403, 404), (path, response.status_code)
    assert changed_tables(before, _fingerprint(sec_app)) == []


VISIT_GETS = ["/admin/visit/details/?id={visit}", "/admin/visit/report/{visit}",
              "/admin/visit/change/{visit}",
              "/admin/visit/edit/?id={visit}", "/admin/visit/export-record/{visit}/csv",
              "/admin/visit/export-record/{visit}/xlsx", "/admin/visit/attachment/{attachment}"]
VISIT_POSTS = [("/admin/visit/transition/{visit}", {"name": "cancel", "comment": "x"}),
               ("/admin/visit/report/{visit}", {"findings": "ghi đè", "proposals": "", "lessons": ""}),
               ("/admin/visit/attachment/delete/{attachment}", {}),
               ("/admin/visit/follow-up/add/{visit}", {"responsible": "x", "description": "x",
                                                       "due_date": "01/01/2030", "official": "0"}),
               ("/admin/visit/follow-up/status/{follow}", {"status": "done"}),
               ("/admin/visit/joint/propose/{visit}", {"key": "0" * 24, "keep": "target"}),
               ("/admin/visit/change/{visit}", {"reason": "x", "title": "x"}),
               ("/admin/visit/delete/", {"id": "{visit}"})]


@pytest.mark.parametrize("who", ["field_b", "editor", "staff"])
def test_access_other_department_visit_by_direct_urls(sec_app, world, ids, clients, who):
    """Department B's staff (and accounts with no visit access) reach none of department A's visit,
    report, exports or attachment by typing the URLs: 404 (or 403), nothing written."""
    client = clients[who]
    values = {"visit": ids["visit_id"], "attachment": ids["attachment_id"], "follow": ids["item_id"],
              "other": ids["other_id"]}
    before = _fingerprint(sec_app)
    for pattern in VISIT_GETS:
        path = pattern.format(**values)
        response = client.get(path)
        assert response.status_code in (403, 404), (who, path, response.status_code)
        body = response.get_data()
        assert b"bimatcoso7319" not in body and b"%PDF" not in body, path
    tok = token(client)
    for pattern, data in VISIT_POSTS:
        path = pattern.format(**values)
        data = {k: v.format(**values) for k, v in data.items()}
        response = client.post(path, data={**data, "csrf_token": tok})
        assert response.status_code in (403, 404), (who, path, response.status_code)
    upload = client.post(f"/admin/visit/attachment/upload/{ids['visit_id']}",
                         content_type="multipart/form-data",
                         data={"csrf_token": tok, "file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "x.pdf")})
    assert upload.status_code in (403, 404)
    assert changed_tables(before, _fingerprint(sec_app)) == []


def test_access_hidden_visit_looks_like_a_missing_one(world, ids, clients):
    """404 for another department's visit is the same page as for an id that does not exist."""
    client = clients["field_b"]
    hidden = client.get(f"/admin/visit/details/?id={ids['visit_id']}")
    missing = client.get("/admin/visit/details/?id=987654")
    assert hidden.status_code == missing.status_code == 404
    strip = lambda r: re.sub(r'content="[^"]+"', "", text_of(r))  # noqa: E731 (the CSRF meta differs)
    assert strip(hidden) == strip(missing)


@pytest.mark.parametrize("who", ["field_b", "editor", "staff"])
def test_access_list_exports_and_dashboards_hold_only_own_department(world, clients, who):
    client = clients[who]
    paths = ["/admin/visit/export/csv/", "/admin/visit/export/xlsx/", "/admin/visit_follow_up/export/csv/",
             "/admin/visit-dashboard/follow-ups?format=csv", "/admin/visit-dashboard/follow-ups?format=xlsx",
             "/admin/visit-dashboard/", "/admin/visit/?search=bimatcoso7319", "/admin/visit_follow_up/",
             "/admin/tim-kiem/?q=bimatcoso7319", "/admin/tim-kiem/?q=Kỳ Sơn",
             "/admin/visit-dashboard/?department=" + str(world.field.dept_a.id)]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 403, 404), (who, path, response.status_code)
        body = response.get_data()
        assert "Đi cơ sở Kỳ Sơn".encode() not in body, (who, path)
        assert b"SOA" not in body or who == "field_b"  # an official code of department A


def test_access_own_department_still_sees_its_visit(world, ids, clients):
    """The refusals above are the rule's doing, not a broken page: department A sees its own visit."""
    client = clients["field_a"]
    assert client.get(f"/admin/visit/details/?id={ids['visit_id']}").status_code == 200
    assert client.get(f"/admin/visit/attachment/{ids['attachment_id']}").status_code == 200
    assert "Đi cơ sở Kỳ Sơn".encode() in client.get("/admin/visit/export/csv/").get_data()


# --- /media/ never serves what is not a public image ---------------------------------------------------

@pytest.mark.parametrize("path", [
    "/media/../secret_key", "/media/%2e%2e/secret_key", "/media/..%2fsecret_key", "/media/..%5csecret_key",
    "/media/....//secret_key", "/media/%2e%2e%2f%2e%2e%2fetc/passwd", "/media//etc/passwd",
    "/media/{attachment}", "/media/VISITS/{attachment_rest}", "/media/./visits/{attachment_rest}",
    "/media/media/../visits/{attachment_rest}", "/media/visits%2f{attachment_rest}",
    "/media/visits\\{attachment_rest}", "/media/%76isits/{attachment_rest}",
])
def test_access_media_url_never_serves_secrets_or_attachments(sec_app, world, path):
    name = world.field.attachment_a.file_name
    path = path.format(attachment=name, attachment_rest=name.split("/", 1)[1])
    response = sec_app.test_client().get(path)
    assert response.status_code in (301, 308, 404), (path, response.status_code)
    body = response.get_data()
    assert b"%PDF" not in body and sec_app.config["SECRET_KEY"].encode() not in body


# --- confidentiality on public surfaces -----------------------------------------------------------------

def _public_surfaces(world):
    paths = ["/", "/chuyen-muc/xay-dung-dang", "/chuyen-muc/tin-hoat-dong", "/the/dang-vien", "/rss.xml",
             "/chuyen-muc/xay-dung-dang/rss.xml", "/chuyen-muc/tin-hoat-dong/rss.xml", "/sitemap.xml",
             "/robots.txt", "/tim-kiem", "/dang-nhap"]
    for word in world.secret_words + ["Kỳ Sơn", "Biên bản", "Nguyễn Văn An", "Phòng Cán bộ", "đi cơ sở"]:
        paths += [f"/tim-kiem?q={word}", f"/api/search?q={word}&per_page=50"]
    return paths


def test_confidentiality_public_surfaces_hold_no_secret(sec_app, world):
    client = sec_app.test_client()
    for path in _public_surfaces(world):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        typed = parse_qs(urlsplit(path).query).get("q", [""])[0]
        if typed:  # the search box shows what was typed: that is not a leak, anything else would be
            if typed in world.secret_words:
                assert "Không tìm thấy bài viết nào" in body or '"total":0' in body.replace(" ", ""), path
            body = body.replace(typed, "")
        for word in world.secret_words:
            assert word not in body, (path, word)
        for visit_text in ("Đi cơ sở Kỳ Sơn", "Biên bản A", "Nguyễn Văn An", "Phòng Tổ chức đảng"):
            assert visit_text not in body, (path, visit_text)


def test_confidentiality_search_api_finds_nothing_unpublished(sec_app, world):
    client = sec_app.test_client()
    published = f"/bai-viet/{world.articles.published.slug}"
    for word in world.secret_words:
        data = client.get("/api/search", query_string={"q": word, "per_page": 50}).get_json()
        assert data["total"] == 0 and data["results"] == [], word
    data = client.get("/api/search", query_string={"q": "công khai"}).get_json()
    assert [r["url"] for r in data["results"]] == [published]  # the search itself works


@pytest.mark.parametrize("kind", ["own_draft", "other_draft", "pending", "scheduled", "archived"])
def test_confidentiality_unpublished_article_404_reveals_nothing(sec_app, world, kind):
    """An unpublished article's URL answers exactly like a URL that never existed."""
    client = sec_app.test_client()
    article = getattr(world.articles, kind)
    hidden = client.get(f"/bai-viet/{article.slug}")
    missing = client.get("/bai-viet/khong-he-ton-tai-bai-nay")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    assert article.slug not in client.get("/sitemap.xml").get_data(as_text=True)


def test_confidentiality_staff_search_respects_departments(world, clients):
    """The back office's search: unlinked accounts find no visit, department B not department A's."""
    for who in ("editor", "staff", "field_b"):
        response = clients[who].get("/admin/tim-kiem/", query_string={"q": "bimatcoso7319"})
        assert response.status_code in (200, 403)
        assert "Đi cơ sở Kỳ Sơn" not in text_of(response), who
    found = clients["field_a"].get("/admin/tim-kiem/", query_string={"q": "bimatcoso7319"})
    assert found.status_code == 200 and "Đi cơ sở Kỳ Sơn" in text_of(found)


ARTICLE_KINDS = ["scheduled", "other_draft", "published", "own_draft", "pending", "archived"]
SECRET_OF = {"own_draft": "nhapmat5521", "other_draft": "nhapmat5521", "pending": "choduyetmat2207",
             "scheduled": "lichmat6630", "archived": "luutrumat8842", "published": "Sapo"}


def _result_links(body):
    return re.findall(r'<h2 class="h6 my-1"><a href="([^"]+)">', body)


@pytest.mark.parametrize("who", ["admin", "editor", "leader", "staff", "staff2", "field_a"])
def test_confidentiality_staff_search_finds_only_articles_the_user_may_open(world, clients, who):
    """Staff search follows the back office: an article is found (title, lead, body, count) only by
    those who may open it there. Staff open only their own; others' drafts, pending, scheduled
    (embargoed) and even published articles are not theirs to find here (the public search has the
    published ones)."""
    client = clients[who]
    articles = {kind: getattr(world.articles, kind) for kind in ARTICLE_KINDS}
    may_open = {kind: client.get(f"/admin/article/details/?id={a.id}").status_code == 200
                for kind, a in articles.items()}
    assert may_open["own_draft"] and may_open["pending"] if who == "staff" else True
    for kind, article in articles.items():
        typed = SECRET_OF[kind]
        body = text_of(client.get("/admin/tim-kiem/", query_string={"q": typed, "kind": "article"}))
        links = _result_links(body)
        count = re.search(r"Tìm thấy <strong>(\d+)</strong>", body)
        assert (int(count.group(1)) if count else 0) == len(links), (who, kind)
        for other_kind, other in articles.items():
            shown = any(link.endswith((f"?id={other.id}", f"/{other.slug}")) for link in links)
            if not may_open[other_kind]:
                assert not shown and other.title not in body, (who, typed, other_kind)
        target = any(link.endswith(f"?id={article.id}") for link in links)
        assert target == may_open[kind], (who, kind)
        if not any(may_open[k] for k, word in SECRET_OF.items() if word == typed):
            # no title, lead or snippet carries the word: only the search box shows what was typed
            assert typed not in re.sub(r'value="[^"]*"', "", body), (who, kind)
