"""Any input gives a page (or the API's JSON), never a 500.

Read-only, so one site (searchkit.Site) serves the module.
"""

import pytest
from htmlpage import parse
from searchkit import Site

HOSTILE_QUERIES = {
    "unbalanced quote": '"cán bộ',
    "three quotes": '"cán" bộ"',
    "only quotes": '""""',
    "empty phrase": '"" cán',
    "AND": "AND", "OR": "OR", "NOT": "NOT", "minus": "-", "star": "*", "question": "?", "tilde": "~",
    "caret": "^", "operators": "cán AND OR NOT -bộ +đảng *viên? ~2 ^3",
    "field syntax": "title:cán body_f:bo key:article:1 *:*",
    "brackets": "(cán [bộ {đảng} <viên>) \\ / | & ; %",
    "ranges": "[a TO z] {2020 TO 2025}",
    "long": "cán bộ " * 1429,  # 10,003 characters
    "one long word": "x" * 10_000,
    "long code": "-".join(["2993"] * 2000),
    "many words": " ".join(f"từ{n}" for n in range(500)),
    "control characters": "cán\x00bộ\x01\x02\x1b[31m\x7f\u200b\ufeff đảng",
    "NUL only": "\x00",
    "newlines and tabs": "cán\r\n\tbộ\x0b\x0c",
    "emoji": "🇻🇳 cán bộ 👍🏽 🧑‍💼",
    "right to left": "\u202ecán bộ\u202c مرحبا שלום",
    "only punctuation": "!!! ??? ... ,,, --- /// «» “” — …",
    "combining marks only": "\u0300\u0301\u0303\u0309\u0323",
    "private use and specials": "\ue000\uffff\ufffd",
    "sql-ish": "'; DROP TABLE article; --",
    "html": "<script>alert(1)</script>",
    "percent": "100% %00 %ff",
    "dots and slashes": "../../etc/passwd 08/3/2018/../..",
    "wildcard code": "2993-*/T?",
    "empty": "",
    "spaces": "   ",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("search-inputs"))
    with site.arranging():
        site.article("Cán bộ đảng viên", slug="can-bo", body="Cán bộ, đảng viên ở cơ sở.")
    return site


RESULT_FIELDS = {"title", "url", "category", "published_at", "snippet"}


def check_query(site, text):
    """Problems with the answers to `text` on both endpoints ([] when all is well)."""
    problems = []
    response = site.get("/tim-kiem", query_string={"q": text})
    if response.status_code != 200 or "Tìm kiếm" not in response.get_data(as_text=True):
        problems.append(f"/tim-kiem answered {response.status_code}")
    response = site.get("/api/search", query_string={"q": text})
    data = response.get_json(silent=True) or {}
    if response.status_code != 200 or set(data) != {"query", "total", "page", "per_page", "results"}:
        problems.append(f"/api/search answered {response.status_code} {str(data)[:80]}")
    elif len(data["query"]) > 300 or any(set(result) != RESULT_FIELDS for result in data["results"]):
        problems.append(f"/api/search gave {str(data)[:120]}")
    return problems


def test_any_query_gives_a_page_and_json(site):
    failures = {}
    for name, text in HOSTILE_QUERIES.items():
        problems = check_query(site, text)
        if problems:
            failures[name] = problems
    for raw in ("%ED%B3%BF%FF", "%00", "%C3", "%E2%80%AE"):  # invalid UTF-8 and raw controls in the URL
        for url in (f"/tim-kiem?q={raw}", f"/api/search?q={raw}"):
            status = site.get(url).status_code
            if status != 200:
                failures[url] = status
    assert not failures, failures


def test_operators_are_words_not_syntax(site):
    assert site.api("cán AND bộ")["total"] == 1  # no article says "and": the closest matches are shown
    assert site.api("cán -bộ")["total"] == 1  # the minus is not a negation
    assert site.api("cán*")["total"] == 1
    assert site.api('"cán bộ')["total"] == 1  # an unbalanced quote is ignored
    assert site.api("cán OR xyzzy")["total"] == 1


ODD_PARAMETERS = [
    {"page": "0"}, {"page": "-5"}, {"page": "abc"}, {"page": "1e3"}, {"page": "99999999999999999999999"},
    {"page": "1000"}, {"page": "2"}, {"page": ""},
    {"per_page": "0"}, {"per_page": "-1"}, {"per_page": "abc"}, {"per_page": "100000"}, {"per_page": "2.5"},
    {"nam": "abc"}, {"nam": ""}, {"nam": "0"}, {"nam": "-1"}, {"nam": "2025"}, {"nam": "99999"},
    {"nam": "99999999999"}, {"nam": "99999999999999999999999999"},
    {"chuyen-muc": "khong-co"}, {"chuyen-muc": ""}, {"chuyen-muc": "../../x"}, {"chuyen-muc": "Xây dựng"},
    {"sort": "date"}, {"sort": "price"}, {"sort": ""},
    {"page": "2", "per_page": "1", "sort": "date", "nam": "2026", "chuyen-muc": "xay-dung-dang"},
]


def test_odd_parameters_give_a_page_and_json(site):
    failures = []
    for params in ODD_PARAMETERS:
        page = site.get("/tim-kiem", query_string={"q": "cán bộ", **params})
        response = site.get("/api/search", query_string={"q": "cán bộ", **params})
        data = response.get_json(silent=True) or {}
        if page.status_code != 200 or response.status_code != 200 or not (
                1 <= data.get("page", 0) <= 1000 and 1 <= data.get("per_page", 0) <= 50):
            failures.append((params, page.status_code, response.status_code, str(data)[:80]))
    assert not failures, failures


def test_a_page_past_the_last_is_empty_not_an_error(site):
    data = site.api("cán bộ", page=7)
    assert data["results"] == [] and data["page"] == 7
    response = site.get("/tim-kiem?q=cán+bộ&page=7")
    assert response.status_code == 200
    listing = parse(response.get_data(as_text=True)).find("div", cls="list")
    assert not listing or not listing.find_all("article")


def test_repeated_parameters_use_the_first(site):
    assert site.api(["cán bộ", "xyzzy"])["query"] == "cán bộ"
