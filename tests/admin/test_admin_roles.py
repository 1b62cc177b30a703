"""The role matrix: every back-office endpoint, for each role and for a logged-out visitor.

Each row names an endpoint, how to call it, the roles allowed, and the effect a user would see
(page content, or the database change a POST makes). An allowed role gets 200/302 and the effect;
a refused role gets 403 (a logged-out visitor: a redirect to /dang-nhap) and nothing changes; a
role that may not see the record at all (`hidden`: staff and another person's article) gets 404,
the answer for a record that does not exist. A few refusals are Flask-Admin's own "disabled"
redirects (marked `soft`): still no effect.

Reading and refused writes change nothing, so they run together on one world per role; each allowed
write runs on a fresh world.
"""

from dataclasses import dataclass, field

import pytest
from backoffice import (
    PASSWORD,
    admin_token,
    article_form,
    image_bytes,
    is_login_redirect,
    next_of,
    text_of,
    upload_field,
)

from admin.editorial import Revision
from admin.media import Media
from cms.accounts import User
from cms.audit import AuditEntry
from cms.models import Article, Category, Tag

ADMIN, EDITOR, LEADER, STAFF = "admin", "editor", "leader", "staff"
EVERY_ROLE = {ADMIN, EDITOR, LEADER, STAFF}
WRITERS = {ADMIN, EDITOR, STAFF}
EDITORS = {ADMIN, EDITOR}
READERS = {ADMIN, EDITOR, LEADER}
NOT_OWNER = {STAFF}  # staff see only their own articles: another's is "not found"


@dataclass
class Case:
    name: str
    method: str
    path: object  # callable(world) -> str
    allowed: set
    effect: object  # callable(world, response) -> bool: what an allowed request does
    data: object = None  # callable(world) -> dict, for POST
    soft: set = field(default_factory=set)  # roles refused by a redirect instead of 403
    hidden: set = field(default_factory=set)  # roles that may not see the record: 404, as if absent
    multipart: bool = False


def shows(*texts):
    return lambda w, r: r.status_code == 200 and all(t in text_of(r) for t in texts)


def article(w, name):
    return Article.get_or_none(Article.id == getattr(w, name).id)


def category_form(name, slug):
    return {"name": name, "slug": slug, "parent": "__None", "position": "0", "description": ""}


CASES = [
    Case("dashboard", "GET", lambda w: "/admin/", EVERY_ROLE, shows("Tổng quan", "Bản nháp của tôi")),
    # --- articles ------------------------------------------------------------------------------
    Case("article-list", "GET", lambda w: "/admin/article/", EVERY_ROLE, shows("Bài nháp của chuyên viên")),
    Case("article-new-form", "GET", lambda w: "/admin/article/new/", WRITERS,
         shows('name="title"', 'name="body"')),
    Case("article-create", "POST", lambda w: "/admin/article/new/", WRITERS,
         lambda w, r: Article.select().where(Article.title == "Bài mới trong ma trận").exists(),
         data=lambda w: article_form(w.category.id, "Bài mới trong ma trận", body="Nội dung.")),
    Case("article-edit-form-own-draft", "GET", lambda w: f"/admin/article/edit/?id={w.own.id}", WRITERS,
         shows('value="Bài nháp của chuyên viên"')),
    Case("article-edit-form-other-draft", "GET", lambda w: f"/admin/article/edit/?id={w.other.id}", EDITORS,
         shows('value="Bài nháp của người khác"'), hidden=NOT_OWNER),
    Case("article-edit-form-published", "GET", lambda w: f"/admin/article/edit/?id={w.published.id}",
         EDITORS, shows('value="Bài đã xuất bản"'), hidden=NOT_OWNER),
    Case("article-save-own-draft", "POST", lambda w: f"/admin/article/edit/?id={w.own.id}", WRITERS,
         lambda w, r: article(w, "own").title == "Đã sửa bài của chuyên viên",
         data=lambda w: article_form(w.category.id, "Đã sửa bài của chuyên viên", expected_version=1)),
    Case("article-save-other-draft", "POST", lambda w: f"/admin/article/edit/?id={w.other.id}", EDITORS,
         lambda w, r: article(w, "other").title == "Đã sửa bài của người khác",
         data=lambda w: article_form(w.category.id, "Đã sửa bài của người khác", expected_version=1),
         hidden=NOT_OWNER),
    Case("article-save-own-after-submit", "POST", lambda w: f"/admin/article/edit/?id={w.pending.id}",
         EDITORS, lambda w, r: article(w, "pending").title == "Sửa sau khi đã gửi duyệt",
         data=lambda w: article_form(w.category.id, "Sửa sau khi đã gửi duyệt", expected_version=1)),
    Case("article-edit-form-own-after-submit", "GET", lambda w: f"/admin/article/edit/?id={w.pending.id}",
         EDITORS, shows('value="Bài đã gửi duyệt"')),
    Case("article-details-own", "GET", lambda w: f"/admin/article/details/?id={w.own.id}", EVERY_ROLE,
         shows("Bài nháp của chuyên viên", "Nội dung bản đầu của tôi.")),
    Case("article-details-other", "GET", lambda w: f"/admin/article/details/?id={w.other.id}", READERS,
         shows("Bài nháp của người khác", "Nội dung của đồng nghiệp."), hidden=NOT_OWNER),
    Case("article-delete", "POST", lambda w: "/admin/article/delete/", EDITORS,
         lambda w, r: article(w, "other") is None, data=lambda w: {"id": str(w.other.id)}),
    Case("article-delete-own", "POST", lambda w: "/admin/article/delete/", EDITORS,
         lambda w, r: article(w, "own") is None, data=lambda w: {"id": str(w.own.id)}),
    Case("article-action-delete", "POST", lambda w: "/admin/article/action/", EDITORS,
         lambda w, r: article(w, "own") is None,
         data=lambda w: {"action": "delete", "rowid": str(w.own.id)}, soft={STAFF}),
    Case("article-export", "GET", lambda w: "/admin/article/export/csv/", set(),
         lambda w, r: r.status_code == 200 and "csv" in r.content_type, soft=EVERY_ROLE),
    Case("article-preview", "POST", lambda w: "/admin/article/preview", WRITERS,
         lambda w, r: r.status_code == 200 and "<strong>đậm</strong>" in r.get_json()["html"],
         data=lambda w: {"body": "Chữ **đậm**"}),
    Case("article-transition-own", "POST", lambda w: f"/admin/article/transition/{w.own.id}", WRITERS,
         lambda w, r: article(w, "own").status == Article.PENDING, data=lambda w: {"name": "submit"}),
    Case("article-transition-other", "POST", lambda w: f"/admin/article/transition/{w.other.id}", EDITORS,
         lambda w, r: article(w, "other").status == Article.PENDING, data=lambda w: {"name": "submit"},
         hidden=NOT_OWNER),
    Case("article-publish", "POST", lambda w: f"/admin/article/transition/{w.pending.id}", EDITORS,
         lambda w, r: article(w, "pending").status == Article.PUBLISHED, data=lambda w: {"name": "publish"}),
    Case("article-revisions-own", "GET", lambda w: f"/admin/article/revisions/{w.own.id}", EVERY_ROLE,
         shows("Lịch sử: Bài nháp của chuyên viên")),
    Case("article-revisions-other", "GET", lambda w: f"/admin/article/revisions/{w.other.id}", READERS,
         shows("Lịch sử: Bài nháp của người khác"), hidden=NOT_OWNER),
    Case("article-restore-own", "POST", lambda w: f"/admin/article/revisions/{w.own.id}/restore/1", WRITERS,
         lambda w, r: (Revision.of(article(w, "own")).count() == 3
                       and article(w, "own").body == "Nội dung bản đầu của tôi.")),
    Case("article-restore-other", "POST", lambda w: f"/admin/article/revisions/{w.other.id}/restore/1",
         EDITORS, lambda w, r: article(w, "other").body == "Nội dung của đồng nghiệp.", hidden=NOT_OWNER),
    # --- categories ----------------------------------------------------------------------------
    Case("category-list", "GET", lambda w: "/admin/category/", READERS, shows("Chuyên mục trống")),
    Case("category-new-form", "GET", lambda w: "/admin/category/new/", EDITORS, shows('name="name"')),
    Case("category-create", "POST", lambda w: "/admin/category/new/", EDITORS,
         lambda w, r: Category.select().where(Category.name == "Chuyên mục mới").exists(),
         data=lambda w: category_form("Chuyên mục mới", "")),
    Case("category-edit-form", "GET", lambda w: f"/admin/category/edit/?id={w.category.id}", EDITORS,
         shows('value="Xây dựng Đảng"')),
    Case("category-save", "POST", lambda w: f"/admin/category/edit/?id={w.category.id}", EDITORS,
         lambda w, r: Category.get_by_id(w.category.id).name == "Xây dựng Đảng (sửa)",
         data=lambda w: category_form("Xây dựng Đảng (sửa)", "xay-dung-dang")),
    Case("category-details", "GET", lambda w: f"/admin/category/details/?id={w.category.id}", READERS,
         shows("Xây dựng Đảng")),
    Case("category-delete", "POST", lambda w: "/admin/category/delete/", EDITORS,
         lambda w, r: Category.get_or_none(Category.id == w.empty_category.id) is None,
         data=lambda w: {"id": str(w.empty_category.id)}),
    # --- tags ----------------------------------------------------------------------------------
    Case("tag-list", "GET", lambda w: "/admin/tag/", READERS, shows("Từ khóa thừa")),
    Case("tag-new-form", "GET", lambda w: "/admin/tag/new/", EDITORS, shows('name="name"')),
    Case("tag-create", "POST", lambda w: "/admin/tag/new/", EDITORS,
         lambda w, r: Tag.select().where(Tag.name == "Cơ sở").exists(),
         data=lambda w: {"name": "Cơ sở", "slug": ""}),
    Case("tag-edit-form", "GET", lambda w: f"/admin/tag/edit/?id={w.tag.id}", EDITORS,
         shows('value="Đảng viên"')),
    Case("tag-save", "POST", lambda w: f"/admin/tag/edit/?id={w.tag.id}", EDITORS,
         lambda w, r: Tag.get_by_id(w.tag.id).name == "Đảng viên mới",
         data=lambda w: {"name": "Đảng viên mới", "slug": "dang-vien-moi"}),
    Case("tag-details", "GET", lambda w: f"/admin/tag/details/?id={w.tag.id}", READERS, shows("Đảng viên")),
    Case("tag-delete", "POST", lambda w: "/admin/tag/delete/", EDITORS,
         lambda w, r: Tag.get_or_none(Tag.id == w.spare_tag.id) is None,
         data=lambda w: {"id": str(w.spare_tag.id)}),
    # --- media ---------------------------------------------------------------------------------
    Case("media-list", "GET", lambda w: "/admin/media/", EVERY_ROLE, shows("Ảnh hội nghị")),
    Case("media-new-form", "GET", lambda w: "/admin/media/new/", WRITERS, shows('name="upload"')),
    Case("media-upload", "POST", lambda w: "/admin/media/new/", WRITERS,
         lambda w, r: Media.select().where(Media.title == "Ảnh mới tải").exists(),
         data=lambda w: {"title": "Ảnh mới tải",
                         "upload": upload_field(image_bytes(size=(300, 200)), "a.png")},
         multipart=True),
    Case("media-edit-form", "GET", lambda w: f"/admin/media/edit/?id={w.media.id}", EDITORS,
         shows('value="Ảnh hội nghị"')),
    Case("media-save", "POST", lambda w: f"/admin/media/edit/?id={w.media.id}", EDITORS,
         lambda w, r: Media.get_by_id(w.media.id).title == "Chú thích mới",
         data=lambda w: {"title": "Chú thích mới"}),
    Case("media-details", "GET", lambda w: f"/admin/media/details/?id={w.media.id}", EVERY_ROLE,
         shows("Ảnh hội nghị")),
    Case("media-delete", "POST", lambda w: "/admin/media/delete/", EDITORS,
         lambda w, r: Media.get_or_none(Media.id == w.media.id) is None,
         data=lambda w: {"id": str(w.media.id)}),
    # --- users ---------------------------------------------------------------------------------
    Case("user-list", "GET", lambda w: "/admin/user/", {ADMIN}, shows("chuyenvien2")),
    Case("user-new-form", "GET", lambda w: "/admin/user/new/", {ADMIN}, shows('name="new_password"')),
    Case("user-create", "POST", lambda w: "/admin/user/new/", {ADMIN},
         lambda w, r: User.select().where(User.username == "nguoimoi").exists(),
         data=lambda w: {"username": "nguoimoi", "full_name": "Người Mới", "email": "moi@example.vn",
                         "role": "staff", "department": "Phòng Tổ chức", "active": "y",
                         "new_password": PASSWORD}),
    Case("user-edit-form", "GET", lambda w: f"/admin/user/edit/?id={w.users['staff'].id}", {ADMIN},
         shows('value="chuyenvien"')),
    Case("user-save", "POST", lambda w: f"/admin/user/edit/?id={w.users['staff'].id}", {ADMIN},
         lambda w, r: User.get_by_id(w.users["staff"].id).full_name == "Phạm Thị Chuyên (sửa)",
         data=lambda w: {"username": "chuyenvien", "full_name": "Phạm Thị Chuyên (sửa)",
                         "email": "chuyenvien@example.vn", "role": "staff", "department": "",
                         "active": "y", "new_password": ""}),
    Case("user-change-role", "POST", lambda w: f"/admin/user/edit/?id={w.users['staff'].id}", {ADMIN},
         lambda w, r: User.get_by_id(w.users["staff"].id).role == "admin",
         data=lambda w: {"username": "chuyenvien", "full_name": "Phạm Thị Chuyên",
                         "email": "chuyenvien@example.vn", "role": "admin", "department": "",
                         "active": "y", "new_password": ""}),
    Case("user-details", "GET", lambda w: f"/admin/user/details/?id={w.users['staff'].id}", {ADMIN},
         shows("chuyenvien")),
    Case("user-delete", "POST", lambda w: "/admin/user/delete/", set(),
         lambda w, r: User.get_or_none(User.id == w.users["staff2"].id) is None,
         data=lambda w: {"id": str(w.users["staff2"].id)}, soft={ADMIN}),
    # --- audit log: read by admins, never written through the admin ----------------------------
    Case("audit-list", "GET", lambda w: "/admin/audit/", {ADMIN}, shows("Mục nhật ký mẫu")),
    Case("audit-details", "GET", lambda w: f"/admin/audit/details/?id={w.entry.id}", {ADMIN},
         shows("Mục nhật ký mẫu")),
    Case("audit-new-form", "GET", lambda w: "/admin/audit/new/", set(), shows('name="action"')),
    Case("audit-create", "POST", lambda w: "/admin/audit/new/", set(),
         lambda w, r: AuditEntry.select().where(AuditEntry.object_label == "Giả mạo").exists(),
         data=lambda w: {"action": "delete", "object_type": "article", "object_label": "Giả mạo",
                         "actor_name": "Ai đó"}),
    Case("audit-edit-form", "GET", lambda w: f"/admin/audit/edit/?id={w.entry.id}", set(),
         shows('name="object_label"')),
    Case("audit-save", "POST", lambda w: f"/admin/audit/edit/?id={w.entry.id}", set(),
         lambda w, r: AuditEntry.get_by_id(w.entry.id).object_label != "Mục nhật ký mẫu",
         data=lambda w: {"action": "update", "object_type": "category", "object_label": "Đã xóa dấu vết",
                         "actor_name": "Ai đó"}),
    Case("audit-delete", "POST", lambda w: "/admin/audit/delete/", set(),
         lambda w, r: AuditEntry.get_or_none(AuditEntry.id == w.entry.id) is None,
         data=lambda w: {"id": str(w.entry.id)}),
    Case("audit-action-delete", "POST", lambda w: "/admin/audit/action/", set(),
         lambda w, r: AuditEntry.get_or_none(AuditEntry.id == w.entry.id) is None,
         data=lambda w: {"action": "delete", "rowid": str(w.entry.id)}),
]

ROLES_AND_ANONYMOUS = (ADMIN, EDITOR, LEADER, STAFF, "anonymous")
READ_CASES = [case for case in CASES if case.method == "GET"]
WRITE_CASES = [case for case in CASES if case.method == "POST"]


def _call(client, case, world):
    path = case.path(world)
    if case.method == "GET":
        return client.get(path)
    data = {"csrf_token": admin_token(client), **(case.data(world) if case.data else {})}
    return client.post(path, data=data,
                       content_type="multipart/form-data" if case.multipart else None)


def _mismatch(case, role, world, response):
    """What is wrong with `response` to `case` for `role`, or None when it is as the rules say."""
    status = response.status_code
    if role in case.allowed:
        if status not in (200, 302) or is_login_redirect(response):
            return f"{case.name}: {role} should be allowed, got {status}"
        if not case.effect(world, response):
            return f"{case.name}: {role} was allowed but nothing happened"
        return None
    if role == "anonymous":
        if not is_login_redirect(response):
            return f"{case.name}: anonymous should go to /dang-nhap, got {status}"
        if case.method == "GET" and next_of(response) != case.path(world):
            return f"{case.name}: anonymous login redirect lost next ({next_of(response)!r})"
    elif role in case.soft:
        if status not in (302, 403) or is_login_redirect(response):
            return f"{case.name}: {role} should be refused, got {status}"
    elif role in case.hidden:
        if status != 404:
            return f"{case.name}: {role} should get 404 (the record is not theirs to see), got {status}"
    elif status != 403 or "Không có quyền truy cập" not in text_of(response):
        return f"{case.name}: {role} should get the Vietnamese 403 page, got {status}"
    if case.effect(world, response):
        return f"{case.name}: {role} was refused but it took effect"
    return None


@pytest.mark.parametrize("role", ROLES_AND_ANONYMOUS)
def test_read_endpoints(role, world, client_as, anon):
    """Every GET endpoint for one role, on one world (reading changes nothing)."""
    client = anon if role == "anonymous" else client_as(role)
    problems = [_mismatch(case, role, world, _call(client, case, world)) for case in READ_CASES]
    assert [p for p in problems if p] == []


@pytest.mark.parametrize("role", ROLES_AND_ANONYMOUS)
def test_refused_write_endpoints(role, world, client_as, anon):
    """Every POST endpoint a role may not use, one after the other on one world: none has any effect."""
    client = anon if role == "anonymous" else client_as(role)
    problems = [_mismatch(case, role, world, _call(client, case, world))
                for case in WRITE_CASES if role not in case.allowed]
    assert [p for p in problems if p] == []


@pytest.mark.parametrize(("case", "role"), [
    pytest.param(case, role, id=f"{case.name}-{role}")
    for case in WRITE_CASES for role in ROLES_AND_ANONYMOUS if role in case.allowed])
def test_allowed_write_endpoints(case, role, world, client_as):
    """Every POST endpoint a role may use, each on a fresh world, has its effect."""
    assert _mismatch(case, role, world, _call(client_as(role), case, world)) is None


def test_matrix_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


# --- what the list shows, and what a form lets a role set --------------------------------------------

def test_staff_list_shows_only_their_own_articles_leader_sees_all(world, client_as):
    titles = ("Bài nháp của chuyên viên", "Bài đã gửi duyệt", "Bài nháp của người khác", "Bài đã xuất bản")
    staff_page = text_of(client_as("staff").get("/admin/article/"))
    assert [t in staff_page for t in titles] == [True, True, False, False]
    leader_page = text_of(client_as("leader").get("/admin/article/"))
    assert all(t in leader_page for t in titles)
    assert "/admin/article/new/" not in text_of(client_as("leader").get("/admin/article/"))


def test_staff_cannot_put_an_article_on_the_front_page_or_publish_it_by_form(world, client_as):
    staff = client_as("staff")
    assert 'name="featured"' not in text_of(staff.get("/admin/article/new/"))
    staff.post("/admin/article/new/", data=article_form(
        world.category.id, "Bài muốn lên trang nhất", featured="y", status="published",
        csrf_token=admin_token(staff)))
    article = Article.get(Article.title == "Bài muốn lên trang nhất")
    assert (article.featured, article.status) == (False, "draft")


def test_an_editor_can_feature_an_article(world, client_as):
    editor = client_as("editor")
    editor.post(f"/admin/article/edit/?id={world.published.id}", data=article_form(
        world.category.id, "Bài đã xuất bản", featured="y", expected_version=1,
        csrf_token=admin_token(editor)))
    assert Article.get_by_id(world.published.id).featured is True


def test_unknown_ids_are_not_found_not_errors(world, client_as):
    editor = client_as("editor")
    assert editor.get("/admin/article/revisions/999999").status_code == 404
    token = admin_token(editor)
    assert editor.post("/admin/article/transition/999999", data={"csrf_token": token,
                                                               "name": "submit"}).status_code == 404
    assert editor.get("/admin/article/edit/?id=999999").status_code == 404  # not a redirect to the list
    assert editor.get("/admin/article/details/?id=999999").status_code == 404


def test_accounts_cannot_be_deleted_by_the_bulk_action_either(world, client_as):
    admin = client_as("admin")
    assert "/admin/user/delete/" not in text_of(admin.get("/admin/user/"))
    admin.post("/admin/user/action/", data={"csrf_token": admin_token(admin), "action": "delete",
                                            "rowid": str(world.users["staff2"].id)})
    assert User.get_or_none(User.id == world.users["staff2"].id) is not None
