"""The count a reader sees is exact, on any page and in any order, also when more documents match
than the ranking keeps. (Whoosh's top-N collector, once its heap is full, stops visiting documents
that can no longer reach the top, such as those matching a typed "kiểm" only through its folded
form "kiem", and then counts only what it visited: 5,534 of 9,579 on a 10,000-article site.)"""

import pytest


@pytest.fixture
def many(indexes, make_article, make_category, catch_up):
    """130 articles on "kiểm tra" (they fill the ranking) and 40 that have "kiềm chế" once, deep in
    a long body: the same word once folded, so they match "kiểm" too, but rank far below."""
    category = make_category("Tin hoạt động")
    filler = " ".join(["Hội nghị bàn nhiều việc của địa phương trong năm."] * 30)
    for n in range(130):
        make_article(title=f"Kiểm tra chi bộ số {n}", slug=f"kiem-tra-{n}", category=category,
                     body="Đoàn kiểm tra làm việc với chi bộ về công tác kiểm tra.")
    for n in range(40):
        make_article(title=f"Tin địa phương {n}", slug=f"kiem-che-{n}", category=category,
                     body=f"{filler} Cần kiềm chế lạm phát.")
    make_article(title="Tin không liên quan", slug="khac", category=category, body="Nuôi ong lấy mật.")
    catch_up()


@pytest.mark.parametrize("query", ["kiểm", "kiem", "KIỂM"])
def test_the_total_counts_every_matching_article_on_every_page_and_order(api, many, query):
    first = api(query, per_page=10)
    assert first["total"] == 170
    assert all(r["url"].startswith("/bai-viet/kiem-tra-") for r in first["results"])
    assert api(query, per_page=10, page=9)["total"] == 170
    assert api(query, per_page=10, sort="date")["total"] == 170
    last_page = api(query, per_page=10, page=17)
    assert last_page["total"] == 170 and len(last_page["results"]) == 10


def test_ranked_page_counts_matches_the_ranking_no_longer_visits():
    """Unit level, on an index of its own: a weak field (boost 1) and a strong one (boost 4).
    Once the best 100 are all strong, Whoosh's matcher turns the union into "strong, maybe weak"
    and skips the 40 documents that match through the weak field only (its own count: 300)."""
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.query import Term

    from search_index.public import ranked_page
    from search_index.query import Or

    ix = RamStorage().create_index(Schema(key=ID(stored=True), weak=TEXT, strong=TEXT))
    writer = ix.writer()
    for n in range(300):  # scores vary, so the score to beat rises as the ranking fills
        writer.add_document(key=f"s{n}", weak="kiem tra " * (1 + n % 5), strong="kiểm tra " * (1 + n % 7))
    for n in range(40):
        writer.add_document(key=f"w{n}", weak="kiem che " + "loi " * 50, strong="kiềm chế")
    writer.commit()
    query = Or([Term("weak", "kiem"), Term("strong", "kiểm", boost=4.0)])
    with ix.searcher() as searcher:
        assert sum(1 for _ in searcher.docs_for_query(query)) == 340
        assert len(searcher.search(query, limit=100, optimize=False)) < 340  # Whoosh's own count
        for page in (1, 5, 34):
            total, docnums = ranked_page(searcher, query, [], set(), page, 10)
            assert total == 340 and len(docnums) == 10
        total, _ = ranked_page(searcher, query, [], {0, 1}, 1, 10)
        assert total == 338
