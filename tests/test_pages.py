"""Giới thiệu: the pages readers see, the organisation page's departments (the same list the field
visits use), the page cache following every change, and who may do what in the back office."""

import functools
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

import cms.accounts
from cms.accounts import create_user
from cms.audit import AuditEntry
from cms.organisation import Department
from cms.pages import Page
from cms.timeutil import format_datetime

sys.path.insert(0, str(Path(__file__).parent / "admin"))
from backoffice import PASSWORD, admin_token, flashes, is_login_redirect, login, text_of  # noqa: E402

ROLES = ("admin", "editor", "leader", "staff")


@pytest.fixture
def users(app, db, monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
    made = {role: create_user(f"tk-{role}", PASSWORD, role, full_name=f"Tài khoản {role}")
            for role in ROLES}
    made["staff2"] = create_user("tk-staff2", PASSWORD, "staff", full_name="Chuyên viên khác")
    return made


@pytest.fixture
def client_as(app, users):
    def make(key):
        client = app.test_client()
        response = login(client, users[key].username)
        assert response.status_code == 302 and not is_login_redirect(response)
        return client
    return make


def page(title="Chức năng, nhiệm vụ", status=Page.PUBLISHED, **fields):
    return Page.create(title=title, status=status, body=fields.pop("body", "Nội dung trang."), **fields)


def body_text(response):
    return text_of(response)


# --- what readers see ----------------------------------------------------------------------------
def test_index_lists_published_pages_in_order_and_hides_drafts(client, db):
    page("Liên hệ", position=4, summary="Địa chỉ và điện thoại của Ban.")
    page("Chức năng, nhiệm vụ", position=1)
    page("Bản nháp chưa duyệt", status=Page.DRAFT)
    html = body_text(client.get("/gioi-thieu"))
    assert html.index("Chức năng, nhiệm vụ") < html.index("Liên hệ")
    assert "Địa chỉ và điện thoại của Ban." in html
    assert "Bản nháp chưa duyệt" not in html


def test_a_draft_page_answers_as_an_absent_one(client, db):
    draft = page("Trang nháp", status=Page.DRAFT)
    hidden, absent = client.get(f"/gioi-thieu/{draft.slug}"), client.get("/gioi-thieu/khong-co-trang-nay")
    assert hidden.status_code == absent.status_code == 404
    assert "Không tìm thấy trang" in body_text(hidden)


def test_page_body_is_markdown_made_safe(client, db):
    item = page("Liên hệ", body="**Điện thoại:** 0238 3000000\n\n<script>alert(1)</script>")
    html = body_text(client.get(f"/gioi-thieu/{item.slug}"))
    assert "<strong>Điện thoại:</strong> 0238 3000000" in html
    assert "<script>alert(1)" not in html


def test_organisation_page_lists_active_departments_with_their_heads(client, db):
    Department.create(code="TCD", name="Phòng Tổ chức đảng - đảng viên", position=2,
                      head_title="Trưởng phòng", head_name="Phan Đình Tuấn")
    Department.create(code="VP", name="Văn phòng Ban", position=1, head_title="Chánh Văn phòng",
                      head_name="Nguyễn Văn Thắng")
    Department.create(code="CU", name="Phòng đã giải thể", position=3, active=False)
    item = page("Cơ cấu tổ chức", shows=Page.SHOWS_DEPARTMENTS)
    html = body_text(client.get(f"/gioi-thieu/{item.slug}"))
    assert html.index("Văn phòng Ban") < html.index("Phòng Tổ chức đảng - đảng viên")
    assert "Chánh Văn phòng: Nguyễn Văn Thắng" in html
    assert "Trưởng phòng: Phan Đình Tuấn" in html
    assert "Phòng đã giải thể" not in html


def test_visits_use_the_same_department_list():
    import visits.models

    assert visits.models.Department is Department
    assert visits.models.Official.department.rel_model is Department


def test_renaming_a_department_still_reindexes_its_visits(db):
    """The rename hook visits registers runs in the core's save."""
    from cms.models import IndexTask
    from visits.models import Official, Visit

    department = Department.create(code="VP", name="Văn phòng Ban")
    lead = Official.create(code="CB1", full_name="Nguyễn Văn A", department=department)
    visit = Visit.create(title="Đi cơ sở xã Quế Phong", lead=lead, department=department,
                         start_date="2026-12-01", end_date="2026-12-02")
    IndexTask.delete().execute()
    department.name = "Văn phòng Ban Tổ chức"
    department.save()
    assert ("visit", visit.id) in {(t.doc_type, t.doc_id) for t in IndexTask.select()}


# --- the page cache follows every change ------------------------------------------------------------
def test_saving_a_page_shows_at_once_on_cached_pages(client, db):
    item = page("Liên hệ", body="Điện thoại cũ: 0238 1111111")
    url = f"/gioi-thieu/{item.slug}"
    assert "0238 1111111" in body_text(client.get(url))
    assert "0238 1111111" in body_text(client.get(url))  # from the cache now
    item.body = "Điện thoại mới: 0238 2222222"
    item.save()
    assert "0238 2222222" in body_text(client.get(url))
    item.status = Page.ARCHIVED
    item.save()
    assert client.get(url).status_code == 404
    assert "Liên hệ" not in body_text(client.get("/gioi-thieu"))


def test_a_new_department_head_shows_at_once_on_the_organisation_page(client, db):
    department = Department.create(code="VP", name="Văn phòng Ban", head_name="Người cũ")
    item = page("Cơ cấu tổ chức", shows=Page.SHOWS_DEPARTMENTS)
    url = f"/gioi-thieu/{item.slug}"
    assert "Người cũ" in body_text(client.get(url))
    department.head_name = "Người mới"
    department.save()
    assert "Người mới" in body_text(client.get(url))


def test_sitemap_lists_the_section_and_its_public_pages(client, db):
    item = page("Lãnh đạo Ban")
    page("Trang nháp", status=Page.DRAFT)
    xml = body_text(client.get("/sitemap.xml"))
    assert "http://localhost/gioi-thieu</loc>" in xml
    assert f"http://localhost/gioi-thieu/{item.slug}</loc>" in xml
    assert "trang-nhap" not in xml


def test_menu_links_to_the_section(client, db):
    assert 'href="/gioi-thieu"' in body_text(client.get("/"))


# --- back office ------------------------------------------------------------------------------------
def page_form(client, title, **extra):
    data = {"csrf_token": admin_token(client), "title": title, "slug": "", "position": "1",
            "summary": "", "body": "Nội dung.", "shows": ""}
    data.update(extra)
    return data


def step(client, item, name, **extra):
    """Take a workflow step from the card beside the form, as the editor's button does."""
    return client.post(f"/admin/intro_page/transition/{item.id}",
                       data={"csrf_token": admin_token(client), "name": name, **extra})


@pytest.mark.parametrize("role, allowed", [("admin", True), ("editor", True), ("staff", True),
                                           ("leader", False)])
def test_who_may_create_a_page(client_as, role, allowed):
    client = client_as(role)
    response = client.get("/admin/intro_page/new/")
    assert (response.status_code == 200) == allowed
    if not allowed:
        assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    assert is_login_redirect(client.get("/admin/intro_page/"))


def test_editor_publishes_a_page_and_readers_see_it_at_once(client_as, client, db):
    assert "Liên hệ" not in body_text(client.get("/gioi-thieu"))  # cached, before
    editor = client_as("editor")
    response = editor.post("/admin/intro_page/new/",
                           data=page_form(editor, "Liên hệ", body="Điện thoại: 0238 3000000"))
    assert response.status_code == 302, flashes(text_of(response))
    saved = Page.get(Page.title == "Liên hệ")
    assert saved.slug == "lien-he" and saved.status == Page.DRAFT
    assert client.get("/gioi-thieu/lien-he").status_code == 404  # a draft
    assert "Xuất bản" in text_of(editor.get(f"/admin/intro_page/edit/?id={saved.id}"))
    assert step(editor, saved, "publish").status_code == 302
    assert "Liên hệ" in body_text(client.get("/gioi-thieu"))
    assert "0238 3000000" in body_text(client.get("/gioi-thieu/lien-he"))
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.object_type == "page")
               .order_by(AuditEntry.id)]
    assert actions == ["create", "transition"]
    history = text_of(editor.get(f"/admin/intro_page/revisions/{saved.id}"))
    assert "Liên hệ" in history and "Đã xuất bản" in history


def test_a_page_scheduled_for_later_appears_when_its_time_comes(client_as, client, clock, db):
    editor = client_as("editor")
    item = page("Lãnh đạo Ban", status=Page.DRAFT)
    later = clock.now + timedelta(hours=2)
    assert step(editor, item, "publish", published_at=format_datetime(later)).status_code == 302
    assert client.get(f"/gioi-thieu/{item.slug}").status_code == 404
    assert "Lãnh đạo Ban" not in body_text(client.get("/gioi-thieu"))  # cached now
    clock.advance(hours=3)
    assert client.get(f"/gioi-thieu/{item.slug}").status_code == 200
    assert "Lãnh đạo Ban" in body_text(client.get("/gioi-thieu"))


def test_staff_write_drafts_but_may_not_publish(client_as, db):
    staff = client_as("staff")
    response = staff.post("/admin/intro_page/new/", data=page_form(staff, "Bản nháp của tôi"))
    assert response.status_code == 302
    mine = Page.get(Page.title == "Bản nháp của tôi")
    assert mine.status == Page.DRAFT
    assert step(staff, mine, "publish").status_code == 403
    assert Page.get_by_id(mine.id).status == Page.DRAFT
    assert step(staff, mine, "submit").status_code == 302
    assert Page.get_by_id(mine.id).status == Page.PENDING


def test_staff_see_only_their_own_pages(client_as, users, db):
    theirs = page("Trang của người khác", status=Page.DRAFT, owner=users["staff2"])
    mine = page("Trang của tôi", status=Page.DRAFT, owner=users["staff"])
    staff = client_as("staff")
    listing = text_of(staff.get("/admin/intro_page/"))
    assert "Trang của tôi" in listing and "Trang của người khác" not in listing
    assert staff.get(f"/admin/intro_page/edit/?id={theirs.id}").status_code == 404
    assert staff.get(f"/admin/intro_page/edit/?id={mine.id}").status_code == 200
    mine.status = Page.PENDING
    mine.save()
    assert staff.get(f"/admin/intro_page/edit/?id={mine.id}").status_code == 403  # sent: editors' now


def test_a_slug_in_use_is_refused_in_vietnamese(client_as, db):
    page("Liên hệ")
    editor = client_as("editor")
    response = editor.post("/admin/intro_page/new/", data=page_form(editor, "Trang khác", slug="lien-he"))
    assert response.status_code == 200
    assert any("Đường dẫn 'lien-he' đã được trang khác dùng." in m for m in flashes(text_of(response)))
    assert Page.select().count() == 1


def test_staff_may_not_delete(client_as, users, db):
    mine = page("Trang của tôi", status=Page.DRAFT, owner=users["staff"])
    staff = client_as("staff")
    response = staff.post("/admin/intro_page/delete/", data={"id": mine.id, "csrf_token": admin_token(staff)})
    assert response.status_code == 403
    assert Page.get_or_none(Page.id == mine.id) is not None


def test_a_leader_types_a_department_head_in_the_back_office(client_as, client, db):
    """Heads of departments are typed on the department (the officials of the field records are
    not public), and the organisation page shows them at once."""
    department = Department.create(code="VP", name="Văn phòng Ban", position=1)
    item = page("Cơ cấu tổ chức", shows=Page.SHOWS_DEPARTMENTS)
    assert "Chánh Văn phòng" not in body_text(client.get(f"/gioi-thieu/{item.slug}"))
    leader = client_as("leader")
    response = leader.post(f"/admin/visit_department/edit/?id={department.id}", data={
        "csrf_token": admin_token(leader), "code": "VP", "name": "Văn phòng Ban", "position": "1",
        "active": "y", "head_name": "Nguyễn Văn Thắng", "head_title": "Chánh Văn phòng"})
    assert response.status_code == 302, flashes(text_of(response))
    assert "Chánh Văn phòng: Nguyễn Văn Thắng" in body_text(client.get(f"/gioi-thieu/{item.slug}"))


def test_contact_page_shows_the_sites_own_address_phone_and_email(client, db):
    """Typed once, in the site's settings (as the footer shows them), and changed there at once."""
    from cms.site_settings import SiteSettings

    item = page("Liên hệ", shows=Page.SHOWS_CONTACT, body="Giờ tiếp nhận văn bản: giờ hành chính.")
    url = f"/gioi-thieu/{item.slug}"
    assert "Thông tin liên hệ đang được cập nhật." in body_text(client.get(url))
    settings = SiteSettings.current()
    settings.address, settings.phone = "Số 12 đường Trường Thi", "0238 3844 123"
    settings.email = "bt@example.vn"
    settings.save()
    html = body_text(client.get(url))
    assert "Số 12 đường Trường Thi" in html and 'href="tel:02383844123"' in html
    assert 'href="mailto:bt@example.vn"' in html and "Giờ tiếp nhận văn bản" in html
