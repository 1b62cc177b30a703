"""Staff search (/admin/tim-kiem/): visits, reports, follow-ups and articles, through the internal index.

What a user may find is decided once, by `staff_visibility` (admin.search_access's rule with the
field-visit part taken from visits.access.Scope), and applied INSIDE the search: results, the count
and the snippets only ever come from documents the user may see. The database then has the final
word on each result shown (a visit the scope does not see, an article the user may not open, is
dropped, so a stale index cannot show more than the database allows).
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from flask import abort, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from cms.markup import html_to_text
from cms.models import Article, Category
from cms.roles import can
from cms.timeutil import to_local
from search_index import IndexUnavailable, staff_search
from search_index.internal import Filters
from search_index.query import MAX_QUERY_CHARS, clean_input
from search_index.snippets import make_snippet
from visits import vocab
from visits.access import scope_for
from visits.models import Department, FollowUp, Official, Visit
from visits.presenters import load_bundles
from visits.search_source import KIND_LABELS, follow_up_text, report_text, visit_text

from ..permissions import visible_articles
from ..search_access import RECORD_KINDS, visibility_for
from .base import login_redirect
from .visit_base import parse_local_date
from .visits import locality_choices, official_choices

PER_PAGE = 20
MAX_PAGE = 500
SORTS = [("relevance", "Phù hợp nhất"), ("date", "Mới nhất")]
FOLLOW_UP_STATES = [(f"fu_{code}", f"Việc cần theo dõi: {label}") for code, label in vocab.FOLLOWUP_STATUSES]


def staff_visibility(user):
    """What `user` may find: admin.search_access.visibility_for, with the records part exactly the
    visits.access rule (field staff: own, led or joined, and their departments'; nobody else)."""
    facts = scope_for(user).facts()
    visibility = visibility_for(user, facts["department_ids"], facts["official_ids"])
    if visibility.everything:
        return visibility
    if facts["none"]:  # not field staff: no record at all, whatever the role
        visibility.record_kinds, visibility.departments, visibility.officials = (), [], []
        visibility.owner = None
    else:
        visibility.record_kinds = RECORD_KINDS
        visibility.owner = user.id
    return visibility


def sees_records(user):
    return scope_for(user).has_access


# --- the form ---------------------------------------------------------------------------------------

@dataclass
class Criteria:
    text: str = ""
    kind: str = ""
    locality: int | None = None
    official: int | None = None
    department: int | None = None
    topic: str = ""
    state: str = ""
    date_from: object = None
    date_to: object = None
    sort: str = "relevance"
    page: int = 1
    errors: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    @property
    def empty(self):
        return not (self.text.strip() or self.kind or self.locality or self.official or self.department
                    or self.topic or self.state or self.date_from or self.date_to)

    def filters(self):
        # A state names its kind ("visit:draft" and "article:draft" are different states; "fu_open"
        # is a follow-up's own): a kind chosen as well must agree, else nothing is found.
        kinds = [self.kind] if self.kind else []
        states = []
        if self.state:
            scope, _, code = self.state.partition(":")
            allowed = {"visit": list(RECORD_KINDS), "article": ["article"]}.get(scope, ["followup"])
            states = [code or scope]
            kinds = [k for k in kinds if k in allowed] or (["-"] if kinds else allowed)
        return Filters(
            kinds=kinds,
            localities=[self.locality] if self.locality else [],
            officials=[self.official] if self.official else [],
            departments=[self.department] if self.department else [],
            topics=[self.topic] if self.topic else [],
            states=states,
            date_from=datetime.combine(self.date_from, time.min) if self.date_from else None,
            date_to=datetime.combine(self.date_to, time.max) if self.date_to else None,
        )


def _id_arg(args, name, label, known, errors):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        errors.append(f"{label} không hợp lệ: hãy chọn trong danh sách.")
        return None
    value = int(raw)
    if value not in known():
        errors.append(f"{label} không tồn tại: hãy chọn trong danh sách.")
        return None
    return value


def _choice_arg(args, name, label, choices, errors):
    raw = (args.get(name) or "").strip()
    if raw and raw not in {code for code, _ in choices}:
        errors.append(f"{label} không hợp lệ: hãy chọn trong danh sách.")
        return ""
    return raw


def _date_arg(args, name, label, errors):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_local_date(raw[:40])
    if value is None or value.year < 1900:
        errors.append(f"{label} không hợp lệ: dùng dạng dd/mm/yyyy, ví dụ 02/09/2025.")
        return None
    return value


def kind_choices(records):
    kinds = [("article", KIND_LABELS["article"])]
    if records:
        kinds += [(kind, KIND_LABELS[kind]) for kind in RECORD_KINDS]
    return kinds


def state_choices(records):
    states = [(f"article:{code}", f"Bài viết: {label}") for code, label in Article.STATUSES]
    if records:
        visit_states = [(f"visit:{code}", f"Đợt đi cơ sở: {label}") for code, label in vocab.STATES]
        states = visit_states + FOLLOW_UP_STATES + states
    return states


def read_criteria(args, records):
    errors = []
    text = args.get("q") or ""
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"Từ khóa quá dài: chỉ dùng {MAX_QUERY_CHARS} ký tự đầu để tìm.")
    criteria = Criteria(text=clean_input(text), errors=errors, notices=notices)  # what is searched
    criteria.kind = _choice_arg(args, "kind", "Loại", kind_choices(records), errors)
    criteria.state = _choice_arg(args, "state", "Trạng thái", state_choices(records), errors)
    criteria.sort = _choice_arg(args, "sort", "Cách sắp xếp", SORTS, errors) or "relevance"
    if records:
        criteria.locality = _id_arg(args, "locality", "Địa bàn", lambda: {c[0] for c in locality_choices()},
                                    errors)
        criteria.official = _id_arg(args, "official", "Cán bộ",
                                    lambda: {i for (i,) in Official.select(Official.id).tuples()}, errors)
        criteria.department = _id_arg(args, "department", "Phòng",
                                      lambda: {i for (i,) in Department.select(Department.id).tuples()},
                                      errors)
        criteria.topic = _choice_arg(args, "topic", "Nội dung", vocab.TOPICS, errors)
    criteria.date_from = _date_arg(args, "from", "Từ ngày", errors)
    criteria.date_to = _date_arg(args, "to", "Đến ngày", errors)
    if criteria.date_from and criteria.date_to and criteria.date_from > criteria.date_to:
        errors.append("Khoảng thời gian không hợp lệ: 'Từ ngày' phải trước 'Đến ngày'.")
    raw_page = (args.get("page") or "1").strip()
    if not raw_page.isdigit() or not 1 <= int(raw_page[:6]) <= MAX_PAGE:
        errors.append("Số trang không hợp lệ.")
    else:
        criteria.page = int(raw_page)
    return criteria


# --- results ------------------------------------------------------------------------------------------

@dataclass
class Row:
    key: str
    kind: str
    title: str
    url: str
    date: str = ""
    place: str = ""
    text: str = ""
    snippet: str = ""

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)


def _date_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def _article_rows(ids, user):
    """Rows of the articles `user` may open in the back office (the database's final word)."""
    rows = {}
    query = Article.select(Article, Category).join(Category).where(Article.id.in_(ids))
    for article in visible_articles(query, user):
        rows[f"article:{article.id}"] = Row(
            key=f"article:{article.id}", kind="article", title=article.title,
            url=url_for("article.details_view", id=article.id),
            date=_date_text(article.published_at or article.created_at), place=article.category.name,
            text="\n".join([article.lead or "", html_to_text(article.body_html)]))
    return rows


def _record_rows(keys, user):
    """Rows of visit, report and follow-up keys the scope sees (the database's final word)."""
    visit_ids, report_ids, item_ids = set(), set(), set()
    for key in keys:
        kind, _, raw = key.partition(":")
        {"visit": visit_ids, "report": report_ids, "followup": item_ids}[kind].add(int(raw))
    items = ({item.id: item for item in FollowUp.select().where(FollowUp.id.in_(list(item_ids)))}
             if item_ids else {})
    wanted = visit_ids | report_ids | {item.visit_id for item in items.values()}
    if not wanted:
        return {}
    visible = scope_for(user).restrict(Visit.select().where(Visit.id.in_(list(wanted))))
    bundles = {b.visit.id: b for b in load_bundles(list(visible))}
    rows = {}
    for vid in visit_ids & set(bundles):
        b = bundles[vid]
        rows[f"visit:{vid}"] = Row(key=f"visit:{vid}", kind="visit", title=b.visit.title,
                                   url=url_for("visit.details_view", id=vid),
                                   date=_span(b.visit), place=_places(b), text=visit_text(b))
    for vid in report_ids & set(bundles):
        b = bundles[vid]
        if b.report is not None:
            rows[f"report:{vid}"] = Row(key=f"report:{vid}", kind="report", title=f"Báo cáo: {b.visit.title}",
                                        url=url_for("visit.report", visit_id=vid), date=_span(b.visit),
                                        place=_places(b), text=report_text(b))
    for item_id, item in items.items():
        b = bundles.get(item.visit_id)
        found = next((f for f in b.follow_ups if f.id == item_id), None) if b else None
        if found is not None:
            rows[f"followup:{item_id}"] = Row(
                key=f"followup:{item_id}", kind="followup", title=found.description[:200],
                url=url_for("visit.report", visit_id=item.visit_id),
                date=f"hạn {_date_text(found.due_date)} · {found.status_label}", place=_places(b),
                text=follow_up_text(found))
    return rows


def _span(visit):
    if visit.start_date == visit.end_date:
        return _date_text(visit.start_date)
    return f"{_date_text(visit.start_date)} – {_date_text(visit.end_date)}"


def _places(bundle):
    return ", ".join(loc.name for loc in bundle.localities)


def describe(keys, user, words):
    """Rows for the keys, in their order, with snippets; keys the database does not allow are left out."""
    article_ids = [int(k.partition(":")[2]) for k in keys if k.startswith("article:")]
    rows = _article_rows(article_ids, user) if article_ids else {}
    record_keys = [k for k in keys if k.partition(":")[0] in RECORD_KINDS]
    if record_keys and sees_records(user):
        rows.update(_record_rows(record_keys, user))
    shown = []
    for key in keys:
        row = rows.get(key)
        if row is not None:
            # a record's parts (plan, partners, places, people...) are lines: shown as one, separated
            text = row.text if row.kind == "article" else " · ".join(filter(None, row.text.split("\n")))
            row.snippet = make_snippet(text, words)
            shown.append(row)
    return shown


class StaffSearchView(BaseView):
    """Tìm kiếm nội bộ: one search box over everything the user may see in the back office."""

    extra_css = ["/static/admin/admin.css", "/static/admin/visits.css"]

    def is_accessible(self):
        return current_user.is_authenticated and can("staff_search", "read")

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        abort(403)

    @expose("/")
    def index(self):
        records = sees_records(current_user)
        criteria = read_criteria(request.args, records)
        result, rows, unavailable = None, [], False
        if not criteria.errors and not criteria.empty:
            try:
                result = staff_search().search(criteria.text, staff_visibility(current_user),
                                               criteria.filters(), page=criteria.page, per_page=PER_PAGE,
                                               sort=criteria.sort)
            except IndexUnavailable:
                unavailable = True
            else:
                rows = describe(result.ids, current_user, sorted(result.terms))
        args = {k: v for k, v in request.args.items() if k != "page"}
        departments = (list(Department.select().order_by(Department.position, Department.name))
                       if records else [])
        return self.render(
            "admin/staff_search.html", criteria=criteria, result=result, rows=rows, unavailable=unavailable,
            records=records, kinds=kind_choices(records), states=state_choices(records), sorts=SORTS,
            localities=locality_choices() if records else [], officials=official_choices() if records else [],
            departments=departments, topics=vocab.TOPICS,
            page_url=lambda page: url_for(".index", page=page, **args))
