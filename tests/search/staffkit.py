"""A small world of field visits for the staff-search tests (imported by name, like searchkit).

Accounts (as in tests/visits): admin, leader (unlinked: sees all), staff_a and staff_a2 (department A),
staff_b (department B), editor (unlinked: articles only), editor_staff (an editor linked to an
official of department A: field staff), loner (a staff account linked to no official: no visits).

Visits, each with words found nowhere else (SECRETS), so a leak shows by a word:
- `a`      department A's, to Xã Nậm Cắn (under Huyện Kỳ Sơn), done, with a report and a follow-up;
- `b`      department B's, to Huyện Diễn Châu, approved, with a report and a follow-up; recorded by the
           editor_staff account (so that account sees it as its creator, though it belongs to A);
- `joint`  department B's plan led by an official of B, joined by one of A, to Huyện Kỳ Sơn: both see it;
- `b_draft` department B's draft, led by an official with no account, recorded by the loner account
           (no longer linked to an official: it sees no visit, not even the one it created).
"""

import html
import re
from datetime import date, timedelta
from types import SimpleNamespace

from cms.accounts import create_user
from cms.models import Article, Category
from cms.timeutil import utcnow
from visits import vocab
from visits.models import (
    Department,
    FollowUp,
    Locality,
    Official,
    Visit,
    VisitLocality,
    VisitParticipant,
    VisitReport,
    VisitTopic,
)
from visits.workflow import refresh_search_text

PASSWORD = "mat-khau-Tim-kiem-1"
ACCOUNTS = {
    "admin": "admin", "leader": "leader", "staff_a": "staff", "staff_a2": "staff", "staff_b": "staff",
    "editor": "editor", "editor_staff": "editor", "loner": "staff",
}
# Distinctive words of each visit's documents (plan, report, follow-up).
SECRETS = {
    "a": {"plan": "vuôngxoe", "report": "sâm Ngọc Linh", "followup": "MAT-8841"},
    "b": {"plan": "cá tầm", "report": "khèxương", "followup": "MAT-5520"},
    "joint": {"plan": "chè Shan tuyết", "report": "lùngthùng", "followup": "MAT-3307"},
    "b_draft": {"plan": "mắc ca", "report": "", "followup": ""},
}
_INPUT_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def make_visit(lead, title, start, localities, topics, state, created_by, plan_text, participants=(),
               days=2):
    visit = Visit.create(title=title, lead=lead, department=lead.department_id, start_date=start,
                         end_date=start + timedelta(days=days - 1), main_topic=topics[0], state=state,
                         created_by=created_by, plan_text=plan_text, partners="Ban Thường vụ Đảng ủy")
    for i, code in enumerate(topics):
        VisitTopic.create(visit=visit, topic=code, is_main=(i == 0))
    for locality in localities:
        VisitLocality.create(visit=visit, locality=locality)
    for official in participants:
        VisitParticipant.create(visit=visit, official=official)
    refresh_search_text(visit.id)
    return Visit.get_by_id(visit.id)


def add_report(visit, findings, proposals="", lessons=""):
    report = VisitReport(visit=visit.id, findings=findings, proposals=proposals, lessons=lessons)
    report.save()
    refresh_search_text(visit.id)
    return report


def add_follow_up(visit, description, due, responsible="Ủy ban nhân dân xã", official=None):
    item = FollowUp.create(visit=visit.id, responsible=responsible, description=description, due_date=due,
                           official=official)
    refresh_search_text(visit.id)
    return item


def build_world():
    """Everything above, through the models (so it reaches the index through the outbox)."""
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
    kyson = Locality.create(code="KS", name="Huyện Kỳ Sơn", kind="huyen", parent=province, position=1)
    namcan = Locality.create(code="KS-NC", name="Xã Nậm Cắn", kind="xa", parent=kyson)
    dienchau = Locality.create(code="DC", name="Huyện Diễn Châu", kind="huyen", parent=province, position=2)

    o = officials
    visits = {
        "a": make_visit(o["a"], "Kiểm tra Đảng bộ xã Nậm Cắn", date(2025, 3, 10), [namcan],
                        ["kiem_tra", "cong_tac_can_bo"], vocab.DONE, users["staff_a"].id,
                        "Kiểm tra tổ chức cơ sở đảng, mô hình vuôngxoe của Ủy ban nhân dân xã."),
        "b": make_visit(o["b"], "Nắm tình hình Đảng bộ huyện Diễn Châu", date(2025, 6, 2), [dienchau],
                        ["nam_tinh_hinh"], vocab.APPROVED, users["editor_staff"].id,
                        "Nắm tình hình mô hình nuôi cá tầm của Ủy ban nhân dân huyện."),
        "joint": make_visit(o["b"], "Khảo sát vùng chè huyện Kỳ Sơn", date(2025, 9, 15), [kyson],
                            ["khao_sat", "kiem_tra"], vocab.SUBMITTED, users["staff_b"].id,
                            "Khảo sát vùng chè Shan tuyết, làm việc với Ủy ban nhân dân huyện.",
                            participants=[o["a2"]]),
        "b_draft": make_visit(o["b2"], "Dự thảo đi cơ sở Tỉnh ủy", date(2025, 12, 1), [province],
                              ["huong_dan"], vocab.DRAFT, users["loner"].id,
                              "Hướng dẫn trồng mắc ca ở các xã."),
    }
    add_report(visits["a"], "Đảng bộ xã trồng sâm Ngọc Linh dưới tán rừng.", "Ủy ban huyện hỗ trợ giống.")
    add_report(visits["b"], "Hợp tác xã khèxương làm ăn hiệu quả.", "Nhân rộng mô hình.")
    add_report(visits["joint"], "Các hộ lùngthùng chăm sóc chè tốt.")
    items = {
        "a": add_follow_up(visits["a"], "Báo cáo diện tích trồng mới, mã MAT-8841", date(2025, 4, 30),
                           official=o["a"]),
        "b": add_follow_up(visits["b"], "Tổng kết mô hình, mã MAT-5520", date(2025, 7, 31)),
        "joint": add_follow_up(visits["joint"], "Lập danh sách hộ trồng chè, mã MAT-3307",
                               date(2025, 10, 31)),
    }
    category = Category.create(name="Xây dựng Đảng")
    articles = {
        "public": _article("Ủy ban nhân dân tỉnh họp thường kỳ", category, Article.PUBLISHED, users["editor"],
                           "Ủy ban nhân dân tỉnh bàn về kinh tế - xã hội."),
        "draft": _article("Bản nháp về thủy lợi nội đồng", category, Article.DRAFT, users["editor"],
                          "Thủy lợi nội đồng, kênh mương."),
        "staff_draft": _article("Bản nháp của chuyên viên về thủy lợi", category, Article.DRAFT,
                                users["staff_a"], "Thủy lợi nhỏ ở vùng cao."),
    }
    return SimpleNamespace(users=users, dept_a=dept_a, dept_b=dept_b, officials=officials, province=province,
                           kyson=kyson, namcan=namcan, dienchau=dienchau, visits=visits, items=items,
                           articles=articles, category=category)


def _article(title, category, status, owner, body):
    article = Article(title=title, category=category, status=status, owner_id=owner.id, body=body,
                      published_at=utcnow() - timedelta(hours=2) if status == Article.PUBLISHED else None)
    article.save()
    return article


def login(client, username, password=PASSWORD):
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = html.unescape(_INPUT_TOKEN.search(page).group(1))
    response = client.post("/dang-nhap", data={"csrf_token": token, "username": username,
                                               "password": password})
    assert response.status_code == 302, response
    return client


def csrf_token(client, path="/admin/"):
    page = client.get(path).get_data(as_text=True)
    found = _INPUT_TOKEN.search(page) or re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    return html.unescape(found.group(1))
