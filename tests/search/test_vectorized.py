"""The vectorized evaluation (search_index.vectorized) ranks exactly as Whoosh's exhaustive matchers:
same documents, same order, same scores, over the relevance set and hundreds of generated queries
(words with and without diacritics, codes, quoted phrases, restrictions, the loose fallback), on one
segment and on an index of many segments with deleted documents."""

import random
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from searchkit import DEMO_NOW, Site, connected
from whoosh import query as wq

from cms.timeutil import utcnow
from search_index import query as user_query
from search_index.public import RESCORE_POOL, PublicSearch, adjacency_bonus, all_matches, restricted
from search_index.vectorized import VectorScorer

RELEVANCE = Path(__file__).with_name("relevance.yaml")


def _whoosh(searcher, query, excluded=None):
    """Whoosh's exhaustive ranking. Scores equal to 9 decimals are a tie broken by the lower docnum:
    beyond that, two sums of the same parts added in another order differ (float noise)."""
    matches = [(round(score, 9), docnum) for score, docnum in all_matches(searcher, query, excluded or set())]
    return sorted(matches, key=lambda match: (-match[0], match[1]))


def _vector(scorer, searcher, query, excluded=None):
    docnums, scores = scorer.matches(searcher, query, excluded or ())
    return [(round(score, 9), docnum)
            for score, docnum in zip(scores.tolist(), docnums.tolist(), strict=True)]


def _typed_queries(words, seed, count):
    """What readers type: 1-4 words of the corpus, as written or without diacritics, some quoted."""
    from search_index.analysis import folded_form
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        picked = rng.sample(words, rng.randint(1, 4))
        if rng.random() < 0.4:
            picked = [folded_form(word) for word in picked]
        text = " ".join(picked)
        if rng.random() < 0.2 and len(picked) > 1:
            text = f'"{text}"'
        queries.append(text)
    return queries


def _query_shapes(text, restriction=None):
    parsed = user_query.parse(text)
    if parsed.empty:
        return []
    shapes = [user_query.build(parsed, require_all, adjacency=False) for require_all in (True, False)]
    shapes.append(user_query.build(parsed, adjacency=True))  # the staff index's shape: AndMaybe
    if restriction is not None:
        shapes = [restricted(shape, restriction) for shape in shapes]
    return shapes


def _assert_same(scorer, searcher, texts, restriction=None, excluded=None):
    compared = 0
    for text in texts:
        for shape in _query_shapes(text, restriction):
            expected = _whoosh(searcher, shape, excluded)
            assert _vector(scorer, searcher, shape, excluded) == expected, (text, shape)
            compared += 1
    return compared


def _demo_words(demo):
    searcher = demo.service.public.searcher()
    words = [term.decode() for term, info in searcher.reader().iter_field("body")
             if info.doc_frequency() >= 2 and len(term) > 1]
    return sorted(words)


def test_the_relevance_set_and_generated_queries_rank_as_whoosh_ranks_them(demo):
    searcher = demo.service.public.searcher()
    scorer = VectorScorer()
    cases = [case["q"] for case in yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))]
    generated = _typed_queries(_demo_words(demo), seed=14, count=300)
    codes = ["2993-QĐ/TU", "2993 qd tu", "132-QĐ/TW", "08/3/2018", "qd tu"]
    compared = _assert_same(scorer, searcher, cases + generated + codes)
    assert compared > 900
    # Restricted to a category and a year, and with documents masked out (scheduled articles).
    masked = set(demo.service.public._scheduled(searcher, DEMO_NOW)) | {0, 3, 5}
    restriction = PublicSearch._restriction(category_id=1)
    assert _assert_same(scorer, searcher, generated[:80], restriction, masked) > 100
    assert _assert_same(scorer, searcher, generated[80:160], PublicSearch._restriction(year=2025)) > 100


def test_adjacency_bonus_on_whole_postings_equals_the_one_read_document_by_document(demo):
    searcher = demo.service.public.searcher()
    scorer = VectorScorer()
    compared = 0
    cases = [case["q"] for case in yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))]
    for text in cases + _typed_queries(_demo_words(demo), seed=21, count=150):
        parsed = user_query.parse(text)
        phrases = user_query.adjacency_phrases(parsed)
        if not phrases:
            continue
        loose = user_query.build(parsed, False, adjacency=False)
        pool = [docnum for _, docnum in all_matches(searcher, loose, set())[:RESCORE_POOL]]
        expected = {d: round(v, 9) for d, v in adjacency_bonus(searcher, pool, phrases).items()}
        assert {d: round(v, 9) for d, v in scorer.phrase_bonus(searcher, pool, phrases).items()} == expected
        compared += sum(1 for v in expected.values() if v)
    assert compared > 50  # documents where some phrase stood


def test_unknown_query_shapes_are_refused_not_guessed(demo):
    from search_index.vectorized import Unsupported
    searcher = demo.service.public.searcher()
    with pytest.raises(Unsupported):
        VectorScorer().matches(searcher, wq.Prefix("body_f", "can"))


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    """A site whose index holds many segments (one commit per batch) and deleted documents
    (articles edited: Whoosh deletes the old document and adds the new one)."""
    site = Site(tmp_path_factory.mktemp("segments"))
    rng = random.Random(3)
    syllables = ("cán bộ đảng viên chi bộ cơ sở tổ chức xây dựng kiểm tra giám sát nghị quyết "
                 "học tập quy định đánh giá xếp loại kết nạp luân chuyển đào tạo bồi dưỡng").split()
    articles = []
    for batch in range(6):
        with site.arranging():
            for n in range(15):
                words = [rng.choice(syllables) for _ in range(rng.randint(20, 120))]
                articles.append(site.article(f"Bài {batch}-{n}: {' '.join(words[:6])}", body=" ".join(words),
                                             published_at=utcnow() - timedelta(days=batch * 20 + n)))
    with site.arranging():
        for article in articles[::7]:
            article.body += " kết nạp đảng viên mới"
            article.save()
    return site, syllables


def test_many_segments_with_deletions_rank_as_whoosh_ranks_them(segmented):
    site, syllables = segmented
    site._bind()
    with site.app.app_context(), connected():
        searcher = site.service.public.searcher()
        assert len(searcher.leaf_searchers()) > 1
        assert any(sub.reader().has_deletions() for sub, _ in searcher.leaf_searchers())
        compared = _assert_same(VectorScorer(), searcher, _typed_queries(syllables, seed=5, count=150))
    assert compared > 400
