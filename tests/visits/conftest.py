"""Fixtures for the field-visit tests: two departments, officials linked to accounts of every kind,
a small locality tree, a few holidays, and a factory of visits in any state.

Accounts: admin, leader (unlinked: sees all), staff_a and staff_a2 (department A), staff_b
(department B), editor (unlinked: sees nothing), editor_staff (an editor linked to an official of
department A: counts as field staff), loner (staff account linked to no official: no access).
"""

import functools
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from visitkit import PASSWORD, login
from werkzeug.security import generate_password_hash

import cms.accounts
from cms.accounts import create_user
from visits import vocab
from visits.models import (
    CalendarDay,
    Department,
    Locality,
    Official,
    Visit,
    VisitLocality,
    VisitParticipant,
    VisitTopic,
)
from visits.workflow import refresh_search_text

ACCOUNTS = {
    "admin": "admin", "leader": "leader", "staff_a": "staff", "staff_a2": "staff", "staff_b": "staff",
    "editor": "editor", "editor_staff": "editor", "loner": "staff",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture
def field(app):
    users = {key: create_user(f"u_{key}", PASSWORD, role, full_name=f"Người {key}")
             for key, role in ACCOUNTS.items()}
    dept_a = Department.create(code="A", name="Phòng Tổ chức đảng", position=1)
    dept_b = Department.create(code="B", name="Phòng Cán bộ", position=2)
    officials = {
        "a": Official.create(code="OA", full_name="Nguyễn Văn An", department=dept_a,
                             user=users["staff_a"].id),
        "a2": Official.create(code="OA2", full_name="Trần Thị Ánh", department=dept_a,
                              user=users["staff_a2"].id),
        "b": Official.create(code="OB", full_name="Lê Văn Bình", department=dept_b, user=users["staff_b"].id),
        "ea": Official.create(code="OEA", full_name="Phạm Biên Tập", department=dept_a,
                              user=users["editor_staff"].id),
        "b2": Official.create(code="OB2", full_name="Hồ Thị Bảo", department=dept_b),
    }
    province = Locality.create(code="NA", name="Tỉnh Nghệ An", kind="tinh")
    kyson = Locality.create(code="KS", name="Huyện Kỳ Sơn", kind="huyen", parent=province, mountainous=True,
                            remote=True, position=1)
    namcan = Locality.create(code="KS-NC", name="Xã Nậm Cắn", kind="xa", parent=kyson, mountainous=True,
                             remote=True)
    dienchau = Locality.create(code="DC", name="Huyện Diễn Châu", kind="huyen", parent=province, position=2)
    CalendarDay.create(day=date(2025, 9, 1), kind=vocab.HOLIDAY, name="Quốc khánh")
    CalendarDay.create(day=date(2025, 9, 2), kind=vocab.HOLIDAY, name="Quốc khánh")
    return SimpleNamespace(users=users, dept_a=dept_a, dept_b=dept_b, officials=officials, province=province,
                           kyson=kyson, namcan=namcan, dienchau=dienchau)


@pytest.fixture
def make_visit(field):
    """make_visit(lead_key, state, start, end, localities=[...], participants=[...]) -> Visit."""
    def make(lead="a", state=vocab.DRAFT, start=None, end=None, localities=None, participants=(),
             title=None, topics=("nam_tinh_hinh",)):
        lead_official = field.officials[lead]
        start = start or date.today() + timedelta(days=30)
        end = end or start + timedelta(days=1)
        visit = Visit.create(title=title or f"Đi cơ sở của {lead_official.full_name}", lead=lead_official,
                             department=lead_official.department_id, start_date=start, end_date=end,
                             main_topic=topics[0], state=state, created_by=lead_official.user_id,
                             plan_text="Nắm tình hình cơ sở.")
        for i, code in enumerate(topics):
            VisitTopic.create(visit=visit, topic=code, is_main=(i == 0))
        for locality in (localities or [field.kyson]):
            VisitLocality.create(visit=visit, locality=locality)
        for key in participants:
            VisitParticipant.create(visit=visit, official=field.officials[key])
        refresh_search_text(visit.id)
        return Visit.get_by_id(visit.id)
    return make


@pytest.fixture
def as_user(app, field):
    """as_user("staff_a") -> a test client logged in as that account."""
    def make(key):
        return login(app.test_client(), field.users[key].username)
    return make
