"""Fixtures for the security tests: one app and one small world per test module (attacks read far
more than they write, and every write an attack must not make is checked against a fingerprint of
the whole database), on SQLite or on TEST_DATABASE_URL (PostgreSQL).

The world: accounts of every role (article staff, field staff of two departments, an unlinked
editor), articles in every state (drafts, pending, scheduled and archived ones carry a secret word),
two departments' visits with reports, follow-ups and attachments (carrying confidential words), and
built search indexes. Markers: world.secret_words must never appear on a public surface.
"""

import functools
import os
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from filekit import pdf_file
from seckit import PASSWORD, login
from werkzeug.security import generate_password_hash

import cms.accounts
from admin.editorial import save_revision
from app import create_app
from cms.accounts import create_user
from cms.db import database
from cms.migrations import migrate
from cms.models import Article, Category, Tag
from cms.timeutil import utcnow
from search_index import sync
from visits import vocab
from visits.attachments import save_attachment
from visits.models import (
    Department,
    FollowUp,
    Locality,
    Official,
    Visit,
    VisitLocality,
    VisitReport,
    VisitTopic,
)
from visits.workflow import refresh_search_text

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

ROLES = {"admin": "admin", "editor": "editor", "leader": "leader", "staff": "staff", "staff2": "staff",
         "field_a": "staff", "field_b": "staff"}

# Words that exist only in confidential records (visits) or unpublished articles.
VISIT_SECRET = "bimatcoso7319"
REPORT_SECRET = "kiennghimat4417"
DRAFT_SECRET = "nhapmat5521"
SCHEDULED_SECRET = "lichmat6630"
ARCHIVED_SECRET = "luutrumat8842"
PENDING_SECRET = "choduyetmat2207"


def _reset_schema():
    tables = database.get_tables()
    if tables:
        if TEST_DATABASE_URL:
            database.execute_sql("DROP TABLE IF EXISTS {} CASCADE".format(
                ", ".join(f'"{name}"' for name in tables)))
        else:
            database.pragma("foreign_keys", 0)
            for name in tables:
                database.execute_sql(f'DROP TABLE IF EXISTS "{name}"')
            database.pragma("foreign_keys", 1)
    migrate()


@pytest.fixture(scope="module")
def sec_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("security")
    patch = pytest.MonkeyPatch()
    patch.setattr(cms.accounts, "generate_password_hash",
                  functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
    settings = {"TESTING": True, "CMS_DATA_DIR": tmp / "data", "SECRET_KEY": "test-secret",
                "SERVER_NAME": "localhost",
                "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp / 'security.sqlite3'}"}
    application = create_app(settings)
    with application.app_context():
        database.connect(reuse_if_open=True)
        _reset_schema()
        database.close()
    yield application
    if not database.is_closed():
        database.close()
    patch.undo()


@pytest.fixture
def connected(sec_app):
    """An app context with an open connection, for arranging and checking through the models."""
    with sec_app.app_context():
        database.connect(reuse_if_open=True)
        yield database
        if not database.is_closed():
            database.close()


def _article(title, owner, status, body, category, published_at=None, **fields):
    item = Article(title=title, category=category, status=status, body=body, owner_id=owner.id,
                   published_at=published_at, **fields)
    item.save()
    save_revision(item, owner, note="Tạo mới")
    return item


def _visit(field, lead, title, secret, start):
    visit = Visit.create(title=title, lead=lead, department=lead.department_id, start_date=start,
                         end_date=start + timedelta(days=1), main_topic="nam_tinh_hinh",
                         state=vocab.APPROVED, created_by=lead.user_id,
                         plan_text=f"Kế hoạch làm việc {secret} với cơ sở.", partners=f"Đảng ủy xã {secret}")
    VisitTopic.create(visit=visit, topic="nam_tinh_hinh", is_main=True)
    VisitLocality.create(visit=visit, locality=field.locality)
    VisitReport.create(visit=visit, findings=f"Tình hình {secret} nắm được.",
                       proposals=f"Kiến nghị {REPORT_SECRET} {secret}.", lessons="Bài học.")
    FollowUp.create(visit=visit, responsible="Đảng ủy xã", description=f"Theo dõi {secret}",
                    due_date=date.today() - timedelta(days=3))
    refresh_search_text(visit.id)
    return Visit.get_by_id(visit.id)


def build_world(app):
    users = {key: create_user(f"sec_{key}", PASSWORD, role, full_name=f"Người dùng {key}")
             for key, role in ROLES.items()}
    category = Category.create(name="Xây dựng Đảng")
    other_category = Category.create(name="Tin hoạt động")
    tag = Tag.create(name="Đảng viên", slug="dang-vien")
    now = utcnow()
    articles = SimpleNamespace(
        published=_article("Bài đã xuất bản công khai", users["editor"], Article.PUBLISHED,
                           "Nội dung công khai về công tác đảng viên.", category,
                           published_at=now - timedelta(hours=2), lead="Sapo công khai"),
        own_draft=_article("Bài nháp của chuyên viên", users["staff"], Article.DRAFT,
                           f"Nội dung nháp {DRAFT_SECRET}.", category),
        other_draft=_article(f"Bài nháp người khác {DRAFT_SECRET}", users["staff2"], Article.DRAFT,
                             f"Nội dung nháp của đồng nghiệp {DRAFT_SECRET}.", category),
        pending=_article(f"Bài chờ duyệt {PENDING_SECRET}", users["staff"], Article.PENDING,
                         f"Nội dung chờ duyệt {PENDING_SECRET}.", category),
        scheduled=_article(f"Bài hẹn giờ {SCHEDULED_SECRET}", users["editor"], Article.PUBLISHED,
                           f"Nội dung hẹn giờ {SCHEDULED_SECRET}.", other_category,
                           published_at=now + timedelta(days=3)),
        archived=_article(f"Bài lưu trữ {ARCHIVED_SECRET}", users["editor"], Article.ARCHIVED,
                          f"Nội dung lưu trữ {ARCHIVED_SECRET}.", category,
                          published_at=now - timedelta(days=30)),
    )
    articles.published.set_tags(["Đảng viên"])
    dept_a = Department.create(code="SA", name="Phòng Tổ chức đảng", position=1)
    dept_b = Department.create(code="SB", name="Phòng Cán bộ", position=2)
    field = SimpleNamespace(dept_a=dept_a, dept_b=dept_b)
    field.locality = Locality.create(code="SKS", name="Huyện Kỳ Sơn", kind="huyen", remote=True)
    field.official_a = Official.create(code="SOA", full_name="Nguyễn Văn An", department=dept_a,
                                       user=users["field_a"].id)
    field.official_b = Official.create(code="SOB", full_name="Lê Văn Bình", department=dept_b,
                                       user=users["field_b"].id)
    start = date.today() + timedelta(days=20)
    field.visit_a = _visit(field, field.official_a, f"Đi cơ sở Kỳ Sơn {VISIT_SECRET}", VISIT_SECRET, start)
    field.visit_b = _visit(field, field.official_b, f"Đi cơ sở phòng B {VISIT_SECRET}", VISIT_SECRET,
                           start + timedelta(days=5))
    field.attachment_a = save_attachment(app, field.visit_a, pdf_file(), "Biên bản A.pdf", users["field_a"])
    field.attachment_b = save_attachment(app, field.visit_b, pdf_file(), "Biên bản B.pdf", users["field_b"])
    service = app.extensions["search"]
    for store in service.stores.values():
        sync.rebuild(store, service.sources)
    return SimpleNamespace(
        users=users, category=category, other_category=other_category, tag=tag, articles=articles,
        field=field, secret_words=[VISIT_SECRET, REPORT_SECRET, DRAFT_SECRET, SCHEDULED_SECRET,
                                   ARCHIVED_SECRET, PENDING_SECRET])


@pytest.fixture(scope="module")
def world(sec_app):
    with sec_app.app_context():
        database.connect(reuse_if_open=True)
        built = build_world(sec_app)
        database.close()
    return built


@pytest.fixture
def client_as(sec_app, world):
    """client_as("editor") -> a new test client logged in as that account (None: anonymous)."""
    def make(key=None):
        client = sec_app.test_client()
        if key is not None:
            response = login(client, world.users[key].username)
            assert response.status_code == 302, response
        return client
    return make
