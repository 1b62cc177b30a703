"""SQL injection through every filter, sort, search and paging parameter, admin and public, on
SQLite and PostgreSQL: no 500, no rows of other users or roles, no secret columns, database intact."""

import pytest
from seckit import SQLI_IDS, SQLI_PAYLOADS, changed_tables, db_fingerprint, login, map_app, text_of

from cms.db import database

PAYLOADS = [payload for _, payload in SQLI_PAYLOADS]
ALONE = {dict(SQLI_PAYLOADS)[name] for name in ("quote", "or-true-comment", "union-select", "stacked-drop")}
# Who attacks each back-office view: the most restricted role that may read it, so that a leak of
# other users' rows would show. (view endpoint -> account)
ATTACKER = {"article": "staff", "media": "staff", "category": "editor", "tag": "editor", "user": "admin",
            "audit": "admin", "visit": "field_b", "visit_follow_up": "field_b", "visit_meeting": "field_b",
            "visit_locality": "field_b", "visit_assignment": "field_b", "visit_official": "field_b",
            "visit_department": "field_b", "visit_calendar": "field_b", "visit_dashboard": "field_b",
            "visit_import": "leader", "staff_search": "field_b", "admin": "staff",
            "site_settings": "admin", "site_link": "editor", "album": "staff", "document": "staff",
            "intro_page": "staff", "schedule_week": "staff"}
# What each attacker must never see.
HIDDEN = {"staff": ["Bài nháp người khác", "lichmat6630", "luutrumat8842"],
          "field_b": ["Đi cơ sở Kỳ Sơn", "Biên bản A"],
          "editor": [], "admin": [], "leader": []}
NEVER = ["pbkdf2:", "scrypt:", "Traceback", "psycopg2", "sqlite3.",
         "OperationalError", "ProgrammingError", "syntax error"]


def _admin_views():
    app = map_app()
    with app.test_request_context():
        return [(view.endpoint, view.url, len(getattr(view, "_filters", None) or []),
                 bool(getattr(view, "can_export", False)))
                for view in app.extensions["board_admin"]._views]


VIEWS = _admin_views()
VIEW_IDS = [endpoint for endpoint, *_ in VIEWS]


@pytest.fixture(scope="module")
def clients(sec_app, world):
    """One logged-in browser per attacking account, for the whole module."""
    made = {}
    for key in {*ATTACKER.values()}:
        client = sec_app.test_client()
        assert login(client, world.users[key].username).status_code == 302
        made[key] = client
    made[None] = sec_app.test_client()
    return made


@pytest.fixture(scope="module", autouse=True)
def _session_tokens(world):
    """The accounts' session tokens (half of a session cookie's secret) never appear on a page."""
    NEVER.extend(user.session_token for user in world.users.values())


@pytest.fixture
def intact(sec_app, world):
    """The database after the test is exactly the database before it."""
    with sec_app.app_context(), database.connection_context():
        before = db_fingerprint(skip_tables={"login_attempt"})
    yield
    with sec_app.app_context(), database.connection_context():
        assert changed_tables(before, db_fingerprint(skip_tables={"login_attempt"})) == []


def _check(response, who, where):
    assert response.status_code < 500, (where, response.status_code)
    body = response.get_data(as_text=True)
    for word in NEVER + HIDDEN.get(who, []) + (_SECRETS if who is None else []):
        assert word not in body, (where, word)


_SECRETS = ["bimatcoso7319", "kiennghimat4417", "nhapmat5521", "lichmat6630", "luutrumat8842",
            "choduyetmat2207"]


def test_sqli_every_view_is_attacked():
    assert {endpoint for endpoint, *_ in VIEWS} <= set(ATTACKER), "a new view needs an attacker"
    assert sum(count for _, _, count, _ in VIEWS) >= 30  # filters attacked one by one


@pytest.mark.parametrize("payload", PAYLOADS, ids=SQLI_IDS)
@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_sqli_admin_list_filters_sort_search_paging(clients, intact, view, payload):
    endpoint, url, filter_count, can_export = view
    who = ATTACKER[endpoint]
    client = clients[who]
    query = {"search": payload, "sort": payload, "desc": payload, "page": payload, "page_size": payload,
             "q": payload, "department": payload, "year": payload, "quarter": payload, "month": payload,
             "period": payload, "stale": payload, "level": payload}
    query.update({f"flt{i}_{i}": payload for i in range(filter_count)})
    base = url.rstrip("/") + "/"
    _check(client.get(base, query_string=query), who, endpoint)
    # Each filter alone too (several at once may stop at the first invalid one), for the main vectors.
    for i in range(filter_count if payload in ALONE else 0):
        _check(client.get(base, query_string={f"flt0_{i}": payload}), who, f"{endpoint} filter {i}")
    _check(client.get(base, query_string={"sort": "0", "search": payload}), who, endpoint)
    if can_export:
        response = client.get(f"{base}export/csv/", query_string=query)
        _check(response, who, f"{endpoint} export")


@pytest.mark.parametrize("payload", PAYLOADS, ids=SQLI_IDS)
def test_sqli_visit_dashboards_and_exports(clients, intact, payload):
    client = clients["field_b"]
    for path in ("/admin/visit-dashboard/", "/admin/visit-dashboard/months",
                 "/admin/visit-dashboard/field-days", "/admin/visit-dashboard/coverage",
                 "/admin/visit-dashboard/follow-ups"):
        for fmt in (None, "csv", payload):
            query = {"department": payload, "year": payload, "quarter": payload, "month": payload,
                     "period": payload, "stale": payload, "level": payload}
            if fmt:
                query["format"] = fmt
            _check(client.get(path, query_string=query), "field_b", path)
    _check(client.get(f"/admin/visit/export-record/1/{payload}"), "field_b", "export-record")


@pytest.mark.parametrize("payload", PAYLOADS, ids=SQLI_IDS)
def test_sqli_public_parameters(clients, intact, payload):
    client = clients[None]
    checks = [
        ("/tim-kiem", {"q": payload, "page": payload, "sort": payload, "nam": payload,
                       "chuyen-muc": payload}),
        ("/tim-kiem", {"q": f"đảng viên {payload}"}),
        ("/api/search", {"q": payload, "page": payload, "per_page": payload, "nam": payload,
                         "chuyen-muc": payload, "sort": payload}),
        ("/chuyen-muc/xay-dung-dang", {"page": payload}),
        ("/the/dang-vien", {"page": payload}),
        ("/", {"page": payload}),
        (f"/chuyen-muc/{payload}", None),
        (f"/bai-viet/{payload}", None),
        (f"/the/{payload}", None),
        (f"/chuyen-muc/{payload}/rss.xml", None),
    ]
    for path, query in checks:
        response = client.get(path, query_string=query)
        _check(response, None, path)
        # A NUL: the request is refused whole, except by the search screens, which clean it away.
        searching = path in ("/tim-kiem", "/api/search")
        allowed = (400,) if "\x00" in payload and not searching else (200, 404)
        assert response.status_code in allowed, (path, response.status_code)
    if "\x00" in payload:
        assert "ký tự không hợp lệ" in text_of(client.get("/", query_string={"page": payload}))
    data = client.get("/api/search", query_string={"q": payload, "per_page": 50}).get_json()
    assert all(r["url"] != "/bai-viet/bai-nhap-nguoi-khac-nhapmat5521" for r in data["results"])


@pytest.mark.parametrize("n", range(len(PAYLOADS)), ids=SQLI_IDS)
def test_sqli_login_and_ids(sec_app, clients, n):
    """The login form's user name, and ids in the back office's query strings."""
    from seckit import csrf_from
    payload = PAYLOADS[n]
    with sec_app.app_context(), database.connection_context():
        before = db_fingerprint(skip_tables={"login_attempt", "audit_entry"})
    client = sec_app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.66.{n}.1"  # five failures lock an address
    page = text_of(client.get("/dang-nhap"))
    response = client.post("/dang-nhap", data={"csrf_token": csrf_from(page), "username": payload,
                                               "password": payload})
    assert response.status_code in (400, 401)  # a wrong login (or a NUL refused), not a way in
    assert client.get("/admin/").status_code == 302
    staff = clients["staff"]
    for path in ("/admin/article/edit/", "/admin/article/details/", "/admin/visit/details/"):
        _check(staff.get(path, query_string={"id": payload}), "staff", path)
    _check(clients["field_b"].get("/admin/visit/details/", query_string={"id": payload}), "field_b", "visit")
    with sec_app.app_context(), database.connection_context():
        assert changed_tables(before, db_fingerprint(skip_tables={"login_attempt", "audit_entry"})) == []
