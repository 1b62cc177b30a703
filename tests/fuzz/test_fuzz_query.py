"""Fuzzing the query parser and builder (search_index/query.py) and the public search endpoints:
any text gives a query that runs against a real index, and a page or JSON answer, never a 500."""

from fuzzkit import fuzz_settings, nfc, nfd, texts
from hypothesis import example, given
from hypothesis import strategies as st

from search_index.public import count_matches
from search_index.query import MAX_CLAUSES, MAX_QUERY_CHARS, build, clean_input, highlight_terms, parse

QUERY_EXAMPLES = ['"cán bộ', '"" cán', "title:cán key:article:1 *:*", "2993-QĐ/TU", '"2993-QĐ/TU cơ sở"',
                  "-".join(["2993"] * 200), "\x00", "\u0300\u0301", "hoà uỷ", "AND OR NOT"]


def with_examples(*values):
    def decorate(test):
        for value in values:
            test = example(value)(test)
        return test
    return decorate


@fuzz_settings(120)
@given(texts())
@with_examples(*QUERY_EXAMPLES)
def test_any_text_parses_builds_and_runs(site, text):
    parsed = parse(text)
    assert len(parsed.clauses) <= MAX_CLAUSES
    assert len(clean_input(text)) <= MAX_QUERY_CHARS
    assert all(token for clause in parsed.clauses for token, _ in clause.tokens)
    assert isinstance(highlight_terms(parsed), set)
    with site.service.stores["public"].index().searcher() as searcher:
        for require_all in (True, False):
            for adjacency in (True, False):
                query = build(parsed, require_all, adjacency=adjacency)
                searcher.search(query, limit=5)
                count_matches(searcher, query)
    # The whole public search, suggestions included.
    page = site.service.public.search(text)
    assert page.total >= len(page.ids)


@fuzz_settings(150)
@given(texts())
@example("hoà thuỵ")
def test_nfc_and_nfd_queries_parse_alike(text):
    assert parse(nfd(text)).words() == parse(nfc(text)).words()


page_param = st.one_of(st.none(), st.integers(-10**30, 10**30).map(str), texts(max_fragments=3))


@fuzz_settings(80)
@given(texts(), st.fixed_dictionaries({}, optional={
    "page": page_param, "per_page": page_param, "nam": page_param,
    "sort": st.one_of(st.sampled_from(["relevance", "date"]), texts(max_fragments=2)),
    "chuyen-muc": st.one_of(st.sampled_from(["xay-dung-dang", ""]), texts(max_fragments=2))}))
@example("cán bộ", {"nam": "99999999999999999999999"})
@example("cán bộ", {"page": "-1", "per_page": "100000", "sort": "date"})
@example("2993-QĐ/TU", {"chuyen-muc": "xay-dung-dang", "nam": "2024"})
def test_search_page_and_api_answer_any_query(site, text, params):
    params = {name: value for name, value in params.items() if value is not None}
    response = site.get("/tim-kiem", query_string={"q": text, **params})
    assert response.status_code == 200, (text, params)
    assert "Tìm kiếm" in response.get_data(as_text=True)
    response = site.get("/api/search", query_string={"q": text, **params})
    assert response.status_code == 200, (text, params)
    data = response.get_json()
    assert set(data) == {"query", "total", "page", "per_page", "results"}
    assert data["total"] >= len(data["results"])


def test_the_site_finds_what_it_holds(site):
    """The module's site is a real one: its articles are found (so the fuzzing above ran queries
    against a non-empty index)."""
    assert site.api("2993-QĐ/TU")["total"] == 1
    assert site.api("hoa giai")["total"] == 1
    assert site.api("can bo")["total"] >= 1
