"""Staff search (/admin/tim-kiem/): every registered kind (articles, visits, reports, follow-ups),
through the internal index.

What a user may find is decided by each kind's own rule (`staff_visibility`, admin.search_access)
and applied INSIDE the search: results, the count and the snippets only ever come from documents the
user may see. The kinds offered, their labels and the result rows come from the registered sources
(cms.search_sources); each source's rows are the database's final word (a visit the scope does not
see, an article the user may not open, is dropped, so a stale index cannot show more than the
database allows).
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from flask import abort, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from cms.models import Article
from cms.roles import can
from cms.search_documents import ArticleSource
from cms.timeutil import parse_day
from search_index import IndexUnavailable, search_service, staff_search
from search_index.internal import Filters
from search_index.query import MAX_QUERY_CHARS, clean_input
from search_index.snippets import make_snippet
from visits import vocab
from visits.access import scope_for
from visits.models import Department, Official
from visits.search_source import RECORD_KINDS, FollowUpSource, VisitSource

from ..search_access import staff_visibility
from .base import login_redirect
from .visits import locality_choices, official_choices

PER_PAGE = 20
MAX_PAGE = 500
SORTS = [("relevance", "Phù hợp nhất"), ("date", "Mới nhất")]


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
    value = parse_day(raw[:40])
    if value is None or value.year < 1900:
        errors.append(f"{label} không hợp lệ: dùng dạng dd/mm/yyyy, ví dụ 02/09/2025.")
        return None
    return value


def kind_choices(visibility):
    """The kinds `visibility` lets the user find anything of, with their labels, in registration order."""
    sources = search_service().sources
    return [(kind, sources[kind].label) for kind, grant in visibility.items() if not grant.empty]


def state_choices(records):
    states = [(f"article:{code}", f"{ArticleSource.label}: {name}") for code, name in Article.STATUSES]
    if records:
        visit_states = [(f"visit:{code}", f"{VisitSource.label}: {name}") for code, name in vocab.STATES]
        follow_up_states = [(f"fu_{code}", f"{FollowUpSource.label}: {name}")
                            for code, name in vocab.FOLLOWUP_STATUSES]
        states = visit_states + follow_up_states + states
    return states


def read_criteria(args, records, kinds):
    errors = []
    text = args.get("q") or ""
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"Từ khóa quá dài: chỉ dùng {MAX_QUERY_CHARS} ký tự đầu để tìm.")
    criteria = Criteria(text=clean_input(text), errors=errors, notices=notices)  # what is searched
    criteria.kind = _choice_arg(args, "kind", "Loại", kinds, errors)
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

def describe(keys, user, words):
    """Rows for the keys, in their order, with snippets; keys the database does not allow are left out
    (each kind's source has the final word on its own; a kind no source answers for shows nothing)."""
    ids_of = {}
    for key in keys:
        kind, _, raw = key.partition(":")
        ids_of.setdefault(kind, []).append(int(raw))
    sources = search_service().sources
    rows = {}
    for kind, ids in ids_of.items():
        if kind in sources:
            rows.update(sources[kind].staff_rows(ids, user))
    shown = []
    for key in keys:
        row = rows.get(key)
        if row is not None:
            row.snippet = make_snippet(row.text, words)
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
        visibility = staff_visibility(current_user)
        kinds = kind_choices(visibility)
        criteria = read_criteria(request.args, records, kinds)
        result, rows, unavailable = None, [], False
        if not criteria.errors and not criteria.empty:
            try:
                result = staff_search().search(criteria.text, visibility,
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
            records=records, kinds=kinds, states=state_choices(records), sorts=SORTS,
            localities=locality_choices() if records else [], officials=official_choices() if records else [],
            departments=departments, topics=vocab.TOPICS,
            page_url=lambda page: url_for(".index", page=page, **args))
