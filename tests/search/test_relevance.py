"""The relevance set (relevance.yaml) over the demo articles: MRR and recall@5, with floors.

Each query is searched as /tim-kiem searches it (first page of 10, public articles as of the demo's
"now"), and the first five results are compared with the articles a reader expects:
- reciprocal rank: 1/rank of the first expected article within the first five, else 0;
- recall@5: expected articles found in the first five / min(number expected, 5).
`pytest -s tests/search/test_relevance.py` prints both figures and every query that fell short.

Measured on the demo corpus (113 queries), whoosh-reloaded 2.7.5:
    MRR 0.982, recall@5 0.988  (SQLite and PostgreSQL alike: the corpus always sits in SQLite)
Short of expectations: "to chuc co so dang" (expected at rank 2), "phụ cấp bí thư chi bộ" (rank 2),
"ĐẢNG VIÊN" (3 of 5 category articles in the top 5; 4 once the small-index ranking bug in
test_ranking.py is fixed), "Đinh Thị Thủy" (authors are not indexed: no hit).
The floors below sit just under those levels, so a change that costs relevance fails here
(and never below the issue's floor of MRR 0.8).
"""

import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

CASES = yaml.safe_load((Path(__file__).parent / "relevance.yaml").read_text(encoding="utf-8"))
TOP = 5
MRR_FLOOR = 0.97
RECALL_FLOOR = 0.98
KINDS = {"no-diacritics", "tone-marks", "capitals", "codes", "phrases", "topics", "localities", "nfd",
         "d-variants", "body-phrases"}


def typed(case):
    return unicodedata.normalize("NFD", case["q"]) if case.get("nfd") else case["q"]


def score(case, top):
    expected = case["expect"]
    ranks = [top.index(slug) + 1 for slug in expected if slug in top]
    reciprocal_rank = 1 / min(ranks) if ranks else 0.0
    recall = len(ranks) / min(len(expected), TOP)
    return reciprocal_rank, recall


def test_the_set_is_well_formed(demo):
    assert len(CASES) >= 60
    assert {case["kind"] for case in CASES} == KINDS
    published = set(demo.slugs.values())
    for case in CASES:
        assert case["q"].strip() and case["expect"], case
        assert set(case["expect"]) <= published, case  # a typo in a slug would count as a miss
        if case.get("nfd"):
            assert typed(case) != case["q"], case  # really sent decomposed
    # Not a draft, not scheduled: expectations are about what a reader can see.
    hidden = {"lich-tiep-cong-dan-thang-4-2027",
              "huong-dan-sinh-hoat-chi-bo-thon-xom-sau-sap-xep-don-vi-hanh-chinh-cap-xa",
              "phat-trien-dang-vien-trong-cong-nhan-khu-cong-nghiep",
              "van-hoa-cong-vu-cua-nguoi-lam-cong-tac-to-chuc"}
    assert not hidden & {slug for case in CASES for slug in case["expect"]}


@pytest.fixture(scope="module")
def tops(demo):
    """The first five results of every query of the set, in the set's order."""
    return [demo.search(typed(case))[:TOP] for case in CASES]


def test_relevance_set_mrr_and_recall(tops):
    per_kind = defaultdict(list)
    misses = []
    for case, top in zip(CASES, tops, strict=True):
        reciprocal_rank, recall = score(case, top)
        per_kind[case["kind"]].append((reciprocal_rank, recall))
        if reciprocal_rank < 1 or recall < 1:
            misses.append(f"  {case['q']!r}: RR {reciprocal_rank:.2f}, recall {recall:.2f}; "
                          f"top {TOP}: {top}; expected {case['expect']}")
    scores = [pair for pairs in per_kind.values() for pair in pairs]
    mrr = sum(rr for rr, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    print(f"\nRelevance set: {len(scores)} queries, MRR {mrr:.3f}, recall@{TOP} {recall:.3f}")
    for kind, pairs in sorted(per_kind.items()):
        print(f"  {kind:14} {len(pairs):3} queries  MRR {sum(p[0] for p in pairs) / len(pairs):.3f}  "
              f"recall@{TOP} {sum(p[1] for p in pairs) / len(pairs):.3f}")
    if misses:
        print("Short of expectations:\n" + "\n".join(misses))
    assert mrr >= max(MRR_FLOOR, 0.8), f"MRR {mrr:.3f} fell below {MRR_FLOOR}"
    assert recall >= RECALL_FLOOR, f"recall@{TOP} {recall:.3f} fell below {RECALL_FLOOR}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_query_finds_its_first_article(tops, kind):
    """Per kind, all queries but one at most find an expected article in their first five."""
    pairs = [(case, top) for case, top in zip(CASES, tops, strict=True) if case["kind"] == kind]
    missed = [case["q"] for case, top in pairs if not set(case["expect"]) & set(top)]
    assert len(missed) <= 1, missed
