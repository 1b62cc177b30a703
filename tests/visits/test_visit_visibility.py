"""Who sees which visits: staff their own and their department's, leaders and admins all, editors
none unless linked to an official. Enforced on every list, page, export, download and endpoint:
guessing an id gives 404. Nothing of it on the public site."""

import io
from datetime import date, timedelta
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook
from visitkit import pdf_bytes, post, text

from visits import vocab
from visits.access import build_scope
from visits.models import Attachment, FollowUp, VisitReport
from visits.search import iter_search_documents, search_document


@pytest.fixture
def world(field, make_visit, as_user, app):
    """A done visit of department A with a report, a follow-up and an attachment; one of B."""
    a = make_visit("a", state=vocab.DONE, start=date.today() - timedelta(days=20), title="Đợt bí mật phòng A",
                   localities=[field.namcan])
    VisitReport.create(visit=a, findings="Phát hiện riêng của phòng A", proposals="Kiến nghị riêng")
    FollowUp.create(visit=a, responsible="Đảng ủy xã", description="Việc riêng phòng A",
                    due_date=date.today() - timedelta(days=3))
    a_joint = make_visit("b", state=vocab.APPROVED, title="Đợt phòng B có người phòng A", participants=["a2"])
    b = make_visit("b", state=vocab.APPROVED, title="Đợt riêng phòng B", localities=[field.dienchau])
    post(as_user("staff_a"), f"/admin/visit/transition/{a.id}", {})  # no-op: just to warm a session
    from visits.attachments import save_attachment
    with app.app_context():
        attachment = save_attachment(app, a, pdf_bytes(), "bien-ban.pdf", field.users["staff_a"])
    return {"a": a, "joint": a_joint, "b": b, "attachment": attachment}


URLS = [
    "/admin/visit/details/?id={a}",
    "/admin/visit/report/{a}",
    "/admin/visit/export-record/{a}/xlsx",
    "/admin/visit/export-record/{a}/csv",
    "/admin/visit/attachment/{att}",
    "/admin/visit/edit/?id={a}",
    "/admin/visit/change/{a}",
]


@pytest.mark.parametrize("url", URLS)
def test_staff_of_another_department_gets_404_for_everything_of_a_visit(url, world, as_user):
    client = as_user("staff_b")
    response = client.get(url.format(a=world["a"].id, att=world["attachment"].id))
    assert response.status_code == 404
    assert "bí mật" not in text(response)


@pytest.mark.parametrize("url", URLS[:5])
def test_an_editor_not_linked_to_an_official_gets_nothing(url, world, as_user):
    client = as_user("editor")
    assert client.get(url.format(a=world["a"].id, att=world["attachment"].id)).status_code == 403
    assert client.get("/admin/visit/").status_code == 403
    assert client.get("/admin/visit-dashboard/").status_code == 403
    assert "Đi cơ sở" not in text(client.get("/admin/"))


def test_unlinked_staff_have_no_access(world, as_user):
    client = as_user("loner")
    for path in ("/admin/visit/", "/admin/visit-dashboard/", "/admin/visit_follow_up/",
                 f"/admin/visit/details/?id={world['a'].id}"):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["loner", "editor"])
def test_an_unlinked_account_is_told_to_ask_an_admin_for_the_link(role, world, as_user):
    client = as_user(role)
    present, absent = (client.get(f"/admin/visit/details/?id={i}") for i in (world["a"].id, 999_999))
    for answer in (client.get("/admin/visit/"), client.get("/admin/visit-dashboard/"), present, absent):
        assert answer.status_code == 403
        page = text(answer)
        assert "chưa được gắn với tên của bạn trong danh sách cán bộ" in page
        assert "quản trị viên" in page and "Phát hiện riêng" not in page
    assert present.data == absent.data  # the link is asked for before any record is looked up


def test_an_account_with_no_right_gets_the_plain_refusal(world, as_user):
    """Linked field staff refused a leaders' page are not told to ask for a link they already have."""
    answer = as_user("staff_a").get("/admin/visit-import/")
    assert answer.status_code == 403 and "Không có quyền truy cập" in text(answer)
    assert "danh sách cán bộ" not in text(answer)


@pytest.mark.parametrize("role", ["admin", "leader", "staff_a", "staff_a2", "editor_staff"])
def test_who_sees_department_a_visit_and_its_attachment(role, world, as_user):
    client = as_user(role)
    assert "Phát hiện riêng của phòng A" in text(client.get(f"/admin/visit/details/?id={world['a'].id}"))
    download = client.get(f"/admin/visit/attachment/{world['attachment'].id}")
    assert download.status_code == 200 and download.data == pdf_bytes()
    assert {part.strip() for part in download.headers["Cache-Control"].split(",")} == {"private", "no-store"}
    assert "attachment" in download.headers["Content-Disposition"]


def test_lists_and_exports_hold_only_what_the_user_sees(world, as_user):
    staff_b = as_user("staff_b")
    listing = text(staff_b.get("/admin/visit/"))
    assert "Đợt riêng phòng B" in listing and "Đợt bí mật phòng A" not in listing
    for fmt in ("csv", "xlsx"):
        body = staff_b.get(f"/admin/visit/export/{fmt}/").data
        if fmt == "csv":
            assert "Đợt riêng phòng B" in body.decode("utf-8-sig")
            assert "bí mật" not in body.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(body)).active
            cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
            assert "Đợt riêng phòng B" in cells and "Đợt bí mật phòng A" not in cells
    follow = text(staff_b.get("/admin/visit_follow_up/"))
    assert "Việc riêng phòng A" not in follow
    assert "Việc riêng phòng A" not in text(staff_b.get("/admin/visit-dashboard/follow-ups"))
    staff_a = as_user("staff_a2")
    listing = text(staff_a.get("/admin/visit/"))
    # Department A sees its own visit and the one of B in which an official of A takes part.
    assert "Đợt bí mật phòng A" in listing and "Đợt phòng B có người phòng A" in listing
    assert "Đợt riêng phòng B" not in listing
    leader = text(as_user("leader").get("/admin/visit/"))
    assert all(title in leader for title in ("Đợt bí mật phòng A", "Đợt riêng phòng B"))


def test_search_documents_carry_the_same_visibility(world, field):
    documents = {d["id"]: d for d in iter_search_documents()}
    assert set(documents) == {world["a"].id, world["joint"].id, world["b"].id}
    assert "Phát hiện riêng" in documents[world["a"].id]["findings"]
    assert search_document(world["a"].id)["locality_ids"] == [field.namcan.id]
    for key, user in field.users.items():
        scope = build_scope(user)
        visible = visits_found(scope.search_grant(), documents)
        for doc in documents.values():
            from visits.models import Visit
            assert (doc["id"] in visible) == scope.sees_visit(Visit.get_by_id(doc["id"])), (key, doc["id"])


def visits_found(grant, ids):
    """Ids of the visits whose index documents (visits.search_source) the grant lets a search find,
    through the one translation of a grant into a Whoosh query (search_index.internal)."""
    from whoosh.filedb.filestore import RamStorage
    from whoosh.query import Every

    from search_index.internal import restriction_query
    from search_index.schema import internal_schema
    from search_index.store import to_whoosh
    from visits.search_source import VisitSource

    ix = RamStorage().create_index(internal_schema())
    with ix.writer() as writer:
        for docs in VisitSource().load(list(ids)).values():
            writer.add_document(**to_whoosh(docs["internal"], ix.schema))
    query = restriction_query({"visit": grant}, ["visit"]) or Every()
    with ix.searcher() as searcher:
        return {int(hit["key"].partition(":")[2]) for hit in searcher.search(query, limit=None)}


def test_the_public_site_never_shows_visits(world, client, app):
    for path in ("/", "/sitemap.xml", "/rss.xml"):
        body = client.get(path).get_data(as_text=True)
        assert "Đợt bí mật" not in body and "/admin/visit" not in body
    ET.fromstring(client.get("/sitemap.xml").data)
    attachment = Attachment.get_by_id(world["attachment"].id)
    name = attachment.file_name  # visits/YYYY/MM/<hex>.pdf under uploads/
    for path in (f"/media/{name}", f"/media/./{name}", f"/media/demo/../{name}", f"/media//{name}",
                 f"/media/{name.replace('visits', 'Visits', 1)}"):
        assert client.get(path, follow_redirects=True).status_code == 404, path
    assert client.get(f"/admin/visit/attachment/{attachment.id}").status_code == 302  # to the login page


def test_cms_does_not_import_visits():
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[2] / "cms"
    for path in root.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+(visits|admin)\b", path.read_text(encoding="utf-8"),
                             re.M), path
