"""The editorial workflow: each step by each role, what it records, and scheduling."""

import json
from datetime import timedelta

import pytest
from backoffice import admin_token, article_form, location, text_of

from admin.editorial import TRANSITIONS, WorkflowEvent
from cms.audit import AuditEntry
from cms.models import Article, Category
from cms.timeutil import to_local

DRAFT, PENDING, PUBLISHED, ARCHIVED = "draft", "pending", "published", "archived"

# Who may take each step, as the issue states it ("owner" = the staff member who wrote the article,
# "other staff" = another staff member). Written out here, not read from the code under test.
RULES = {
    # step: (from, to, actors allowed)
    "submit": (DRAFT, PENDING, {"admin", "editor", "owner"}),
    "withdraw": (PENDING, DRAFT, {"owner"}),
    "return": (PENDING, DRAFT, {"admin", "editor"}),
    "publish": (PENDING, PUBLISHED, {"admin", "editor"}),
    "unpublish": (PUBLISHED, DRAFT, {"admin", "editor"}),
    "archive": (PUBLISHED, ARCHIVED, {"admin", "editor"}),
    "restore": (ARCHIVED, DRAFT, {"admin", "editor"}),
}
ACTORS = {"admin": "admin", "editor": "editor", "leader": "leader", "owner": "staff", "other staff": "staff2"}
LABELS = {DRAFT: "Bản nháp", PENDING: "Chờ duyệt", PUBLISHED: "Đã xuất bản", ARCHIVED: "Lưu trữ"}


def test_the_rules_above_are_the_applications_rules():
    assert set(RULES) == set(TRANSITIONS)
    for name, (source, target, _) in RULES.items():
        assert source in TRANSITIONS[name].sources and TRANSITIONS[name].target == target


@pytest.fixture
def staff_article(users):
    """An article written by the staff member, in whatever status a test puts it."""
    category = Category.create(name="Xây dựng Đảng")

    def make(status):
        article = Article(title="Bài của chuyên viên", category=category, status=status, body="Nội dung.",
                          owner_id=users["staff"].id)
        article.save()
        return article
    return make


def step(client, article, name, **fields):
    return client.post(f"/admin/article/transition/{article.id}",
                       data={"csrf_token": admin_token(client), "name": name, **fields})


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("name", list(RULES))
def test_each_step_by_each_role(name, actor, staff_article, client_as, users):
    source, target, allowed = RULES[name]
    article = staff_article(source)
    client = client_as(ACTORS[actor])
    response = step(client, article, name, comment="Ghi chú của bước")
    stored = Article.get_by_id(article.id)
    events = list(WorkflowEvent.of(article))
    audits = list(AuditEntry.select().where(AuditEntry.action == "transition"))
    if actor == "other staff":  # staff see only their own articles: another's is not found
        assert response.status_code == 404
    if actor not in allowed:
        if actor != "other staff":
            assert response.status_code == 403
            assert "Không có quyền truy cập" in text_of(response)
        assert stored.status == source and stored.version == article.version
        assert events == [] and audits == []
        return
    assert response.status_code == 302
    assert stored.status == target
    assert stored.version == article.version + 1
    [event] = events
    user = users[ACTORS[actor]]
    assert (event.actor_id, event.from_status, event.to_status, event.comment) == (
        user.id, source, target, "Ghi chú của bước")
    [audit] = audits
    assert (audit.actor_id, audit.object_type, audit.object_id) == (user.id, "article", str(article.id))
    details = json.loads(audit.details)
    assert details["từ"] == LABELS[source] and details["sang"] == LABELS[target]
    assert details["ghi chú"] == "Ghi chú của bước"
    page = text_of(client.get(location(response)))
    assert f"Đã thực hiện: {TRANSITIONS[name].label}." in page or "Đã lên lịch" in page


@pytest.mark.parametrize(("name", "status"), [
    ("publish", ARCHIVED), ("withdraw", DRAFT), ("restore", PUBLISHED), ("unpublish", PENDING),
    ("return", DRAFT), ("archive", PENDING), ("submit", PUBLISHED), ("no-such-step", DRAFT),
])
def test_a_step_from_the_wrong_status_is_refused_even_for_an_editor(name, status, staff_article, client_as):
    article = staff_article(status)
    response = step(client_as("editor"), article, name)
    assert response.status_code == 403
    assert Article.get_by_id(article.id).status == status
    assert WorkflowEvent.select().count() == 0


def test_the_article_page_offers_only_the_steps_the_user_may_take(staff_article, client_as):
    article = staff_article(PENDING)
    editor_page = text_of(client_as("editor").get(f"/admin/article/edit/?id={article.id}"))
    assert 'name="name" value="publish"' in editor_page and 'name="name" value="return"' in editor_page
    assert 'name="name" value="withdraw"' not in editor_page
    leader_page = text_of(client_as("leader").get(f"/admin/article/details/?id={article.id}"))
    assert 'name="name" value=' not in leader_page  # a leader reads, takes no step
    staff_page = text_of(client_as("staff").get(f"/admin/article/details/?id={article.id}"))
    assert 'name="name" value="withdraw"' in staff_page and 'name="name" value="publish"' not in staff_page


def test_returned_article_shows_the_comment_to_its_writer_who_can_edit_again(staff_article, client_as):
    article = staff_article(PENDING)
    staff = client_as("staff")
    assert staff.get(f"/admin/article/edit/?id={article.id}").status_code == 403
    step(client_as("editor"), article, "return", comment="Cần bổ sung số liệu quý III")
    history = text_of(staff.get(f"/admin/article/revisions/{article.id}"))
    assert "Cần bổ sung số liệu quý III" in history and "Chờ duyệt → Bản nháp" in history
    assert staff.get(f"/admin/article/edit/?id={article.id}").status_code == 200


# --- publishing and scheduling on the public site ---------------------------------------------------

def local_text(moment):
    return to_local(moment).strftime("%d/%m/%Y %H:%M")


def public_pages(client, article):
    return {"article": client.get(f"/bai-viet/{article.slug}").status_code == 200,
            "home": article.title in text_of(client.get("/")),
            "category": article.title in text_of(client.get(f"/chuyen-muc/{article.category.slug}"))}


def test_publishing_without_a_time_makes_the_article_public_now(staff_article, client_as, client):
    article = staff_article(PENDING)
    assert public_pages(client, article) == {"article": False, "home": False, "category": False}
    step(client_as("editor"), article, "publish")
    assert public_pages(client, article) == {"article": True, "home": True, "category": True}


def assert_scheduled(client, editor, article, clock, when):
    stored = Article.get_by_id(article.id)
    assert stored.status == PUBLISHED
    # Typed in Vietnam time (UTC+7), stored in UTC, to the minute.
    assert stored.published_at == when.replace(second=0, microsecond=0)
    assert public_pages(client, article) == {"article": False, "home": False, "category": False}
    dashboard = text_of(editor.get("/admin/"))
    scheduled_card = dashboard.split("Đã lên lịch đăng", 1)[1].split("Mới xuất bản", 1)[0]
    assert article.title in scheduled_card
    assert "Đã lên lịch" in text_of(editor.get("/admin/article/"))
    clock.advance(hours=1, minutes=58)
    assert public_pages(client, article)["article"] is False
    clock.advance(minutes=3)
    assert public_pages(client, article) == {"article": True, "home": True, "category": True}


def test_publishing_with_a_future_time_schedules_it(staff_article, client_as, client, clock):
    article = staff_article(PENDING)
    editor = client_as("editor")
    when = clock.now + timedelta(hours=2)
    response = step(editor, article, "publish", published_at=local_text(when))
    assert response.status_code == 302
    assert f"Đã lên lịch đăng lúc {local_text(when)}." in text_of(editor.get(location(response)))
    assert_scheduled(client, editor, article, clock, when)


def test_a_future_time_set_in_the_editor_then_publish_schedules_it(staff_article, client_as, client, clock):
    """The time typed in the article form's published_at; the publish step's own time left empty."""
    article = staff_article(PENDING)
    editor = client_as("editor")
    when = clock.now + timedelta(hours=2)
    response = editor.post(f"/admin/article/edit/?id={article.id}", data=article_form(
        article.category_id, article.title, body=article.body, expected_version=article.version,
        published_at=local_text(when), csrf_token=admin_token(editor)))
    assert response.status_code == 302
    assert Article.get_by_id(article.id).status == PENDING  # saving does not publish
    response = step(editor, article, "publish", published_at="")
    assert f"Đã lên lịch đăng lúc {local_text(when)}." in text_of(editor.get(location(response)))
    assert_scheduled(client, editor, article, clock, when)


def test_the_publish_button_after_setting_a_time_in_the_editor_schedules_it(staff_article, client_as,
                                                                             client, clock):
    """As in a browser: the publish form pre-fills the future time; the editor just clicks it."""
    article = staff_article(PENDING)
    editor = client_as("editor")
    when = clock.now + timedelta(hours=2)
    editor.post(f"/admin/article/edit/?id={article.id}", data=article_form(
        article.category_id, article.title, body=article.body, expected_version=article.version,
        published_at=local_text(when), csrf_token=admin_token(editor)))
    page = text_of(editor.get(f"/admin/article/edit/?id={article.id}"))
    prefilled = page.split('value="publish"', 1)[1]
    assert f'value="{local_text(when)}"' in prefilled.split("</form>", 1)[0]
    step(editor, article, "publish", published_at=local_text(when))
    assert_scheduled(client, editor, article, clock, when)


# 01/01/0001 00:00 reads as a date-time but has no UTC form (Vietnam is 7 hours ahead).
@pytest.mark.parametrize("typed", ["31/02/2025 25:00", "01/01/0001 00:00"])
def test_a_malformed_publish_time_is_refused_in_vietnamese(staff_article, client_as, typed):
    article = staff_article(PENDING)
    editor = client_as("editor")
    response = step(editor, article, "publish", published_at=typed)
    assert response.status_code == 302
    assert Article.get_by_id(article.id).status == PENDING
    assert WorkflowEvent.select().count() == 0
    assert "Ngày giờ không hợp lệ" in text_of(editor.get(location(response)))


def test_a_time_before_the_first_utc_moment_is_refused_by_the_article_form(staff_article, client_as):
    article = staff_article(PENDING)
    editor = client_as("editor")
    response = editor.post(f"/admin/article/edit/?id={article.id}", data=article_form(
        article.category_id, "Tiêu đề mới", body=article.body, expected_version=article.version,
        published_at="01/01/0001 00:00", csrf_token=admin_token(editor)))
    assert response.status_code == 200
    assert "Ngày giờ không hợp lệ" in text_of(response)
    assert Article.get_by_id(article.id).title == article.title


def test_unpublishing_takes_the_article_off_the_public_site(staff_article, client_as, client):
    article = staff_article(PENDING)
    editor = client_as("editor")
    step(editor, article, "publish")
    assert public_pages(client, article)["article"]
    step(editor, article, "unpublish", comment="Sai số liệu")
    assert Article.get_by_id(article.id).status == DRAFT
    assert public_pages(client, article) == {"article": False, "home": False, "category": False}
    step(editor, article, "archive")
    step(editor, article, "restore")
    assert [(e.from_status, e.to_status) for e in WorkflowEvent.select().order_by(WorkflowEvent.id)] == [
        (PENDING, PUBLISHED), (PUBLISHED, DRAFT), (DRAFT, ARCHIVED), (ARCHIVED, DRAFT)]
