"""The audit log: what the back office records, and how an admin reads and filters it."""

import html
import re

import pytest
from backoffice import PASSWORD, admin_token, article_form, image_bytes, login, text_of, upload_field

from cms.audit import AuditEntry
from cms.models import Article, Category


def column(page, name):
    """The texts of one column of a Flask-Admin list table."""
    cells = re.findall(rf'<td class="col-{name}">(.*?)</td>', page, re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", cell))).strip() for cell in cells]


@pytest.fixture
def history(app, client_as, users):
    """A morning in the back office, done through the pages; returns the admin's client."""
    login(app.test_client(), "bientap", "mat-khau-sai")                      # login_failed
    editor, staff = client_as("editor"), client_as("staff")                  # login x2
    editor.post("/admin/category/new/", data={                               # create category
        "csrf_token": admin_token(editor), "name": "Kiểm tra, giám sát", "slug": "", "position": "0"})
    category = Category.get(Category.name == "Kiểm tra, giám sát")
    editor.post(f"/admin/category/edit/?id={category.id}", data={             # update category
        "csrf_token": admin_token(editor), "name": "Kiểm tra - Giám sát", "slug": category.slug,
        "parent": "__None", "position": "3", "description": ""})
    spare = Category.create(name="Chuyên mục bỏ")
    editor.post("/admin/category/delete/", data={"csrf_token": admin_token(editor), "id": spare.id})  # delete
    staff.post("/admin/media/new/", content_type="multipart/form-data", data={  # upload
        "csrf_token": admin_token(staff), "title": "Ảnh đoàn công tác",
        "upload": upload_field(image_bytes(size=(80, 60)), "doan.png")})
    staff.post("/admin/article/new/", data=article_form(                      # create article
        category.id, "Báo cáo đi cơ sở", body="Bản một.", csrf_token=admin_token(staff)))
    article = Article.get(Article.title == "Báo cáo đi cơ sở")
    staff.post(f"/admin/article/edit/?id={article.id}", data=article_form(     # update article
        category.id, "Báo cáo đi cơ sở", body="Bản hai.", expected_version=1, csrf_token=admin_token(staff)))
    staff.post(f"/admin/article/transition/{article.id}", data={              # transition
        "csrf_token": admin_token(staff), "name": "submit", "comment": "Kính gửi anh chị duyệt"})
    editor.post(f"/admin/article/revisions/{article.id}/restore/1",             # restore
                data={"csrf_token": admin_token(editor)})
    admin = client_as("admin")
    return admin


EXPECTED = [
    # action, object type, object label, actor
    ("login_failed", "user", "bientap", ""),
    ("login", "user", "Trần Thị Biên", "Trần Thị Biên"),
    ("login", "user", "Phạm Thị Chuyên", "Phạm Thị Chuyên"),
    ("create", "category", "Kiểm tra, giám sát", "Trần Thị Biên"),
    ("update", "category", "Kiểm tra - Giám sát", "Trần Thị Biên"),
    ("delete", "category", "Chuyên mục bỏ", "Trần Thị Biên"),
    ("upload", "media", "Ảnh đoàn công tác", "Phạm Thị Chuyên"),
    ("create", "article", "Báo cáo đi cơ sở", "Phạm Thị Chuyên"),
    ("update", "article", "Báo cáo đi cơ sở", "Phạm Thị Chuyên"),
    ("transition", "article", "Báo cáo đi cơ sở", "Phạm Thị Chuyên"),
    ("restore", "article", "Báo cáo đi cơ sở", "Trần Thị Biên"),
    ("login", "user", "Nguyễn Văn Quản", "Nguyễn Văn Quản"),
]


def test_each_change_leaves_an_entry(history):
    rows = [(e.action, e.object_type, e.object_label, e.actor_name)
            for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert rows == EXPECTED
    for entry in AuditEntry.select():
        assert entry.ip_address == "127.0.0.1" and entry.created_at is not None
    update = AuditEntry.get(AuditEntry.action == "update", AuditEntry.object_type == "category")
    assert "Tên" in update.details_text and "Thứ tự" in update.details_text
    transition = AuditEntry.get(AuditEntry.action == "transition")
    assert transition.details_text == "từ: Bản nháp; sang: Chờ duyệt; ghi chú: Kính gửi anh chị duyệt"


def test_an_admin_reads_the_log_in_vietnamese(history):
    page = text_of(history.get("/admin/audit/?page_size=100"))
    actions = column(page, "action")
    assert len(actions) == len(EXPECTED)
    assert {"Đăng nhập sai", "Đăng nhập", "Tạo mới", "Sửa", "Xóa", "Tải lên", "Chuyển trạng thái",
            "Khôi phục phiên bản"} == set(actions)
    assert "từ: Bản nháp; sang: Chờ duyệt; ghi chú: Kính gửi anh chị duyệt" in column(page, "details")


FILTERS = [
    ("transition", "Chuyển trạng thái", ["Báo cáo đi cơ sở"]),
    ("upload", "Tải lên", ["Ảnh đoàn công tác"]),
    ("delete", "Xóa", ["Chuyên mục bỏ"]),
    ("restore", "Khôi phục phiên bản", ["Báo cáo đi cơ sở"]),
    ("create", "Tạo mới", ["Báo cáo đi cơ sở", "Kiểm tra, giám sát"]),  # newest first
    ("login_failed", "Đăng nhập sai", ["bientap"]),
    ("password", None, []),
]


def test_an_admin_filters_the_log_by_action(history):
    for action, label, objects in FILTERS:
        page = text_of(history.get(f"/admin/audit/?flt0_0={action}"))
        assert set(column(page, "action")) == ({label} if label else set()), action
        assert column(page, "object_label") == objects, action


def test_filtering_by_actor_and_object_type(history):
    page = text_of(history.get("/admin/audit/?flt0_2=Chuyên&flt1_1=article"))
    assert set(column(page, "actor_name")) == {"Phạm Thị Chuyên"}
    assert set(column(page, "object_type")) == {"article"}
    assert len(column(page, "action")) == 3


def test_the_log_offers_no_way_to_change_it_even_to_an_admin(history):
    page = text_of(history.get("/admin/audit/"))
    for link in ("/admin/audit/new/", "/admin/audit/edit/", "/admin/audit/delete/", "/admin/audit/action/"):
        assert link not in page
    entry = AuditEntry.select().first()
    token = admin_token(history)
    assert history.get("/admin/audit/new/").status_code == 403
    assert history.get(f"/admin/audit/edit/?id={entry.id}").status_code == 403
    assert history.post(f"/admin/audit/edit/?id={entry.id}", data={
        "csrf_token": token, "object_label": "Sửa nhật ký"}).status_code == 403
    assert history.post("/admin/audit/delete/", data={"csrf_token": token, "id": entry.id}).status_code == 403
    assert history.post("/admin/audit/action/", data={"csrf_token": token, "action": "delete",
                                                      "rowid": entry.id}).status_code == 403
    assert AuditEntry.get_by_id(entry.id).object_label == entry.object_label
    assert history.get(f"/admin/audit/details/?id={entry.id}").status_code == 200


def test_user_changes_are_logged_without_the_password(client_as, users):
    admin = client_as("admin")
    admin.post("/admin/user/new/", data={
        "csrf_token": admin_token(admin), "username": "nguoimoi", "full_name": "Đỗ Thị Mới", "email": "",
        "role": "leader", "department": "Phòng Tổ chức cán bộ", "active": "y",
        "new_password": "bi-mat-123456"})
    admin.post(f"/admin/user/edit/?id={users['staff'].id}", data={
        "csrf_token": admin_token(admin), "username": "chuyenvien", "full_name": "Phạm Thị Chuyên",
        "email": "", "role": "editor", "department": "", "active": "y", "new_password": "bi-mat-654321"})
    entries = list(AuditEntry.select().where(AuditEntry.object_type == "user",
                                             AuditEntry.action.in_(["create", "update"])))
    assert [(e.action, e.object_label) for e in entries] == [("create", "Đỗ Thị Mới"),
                                                             ("update", "Phạm Thị Chuyên")]
    assert "Vai trò" in entries[1].details_text
    everything = " ".join(e.details + e.object_label for e in AuditEntry.select())
    assert "bi-mat" not in everything and PASSWORD not in everything
