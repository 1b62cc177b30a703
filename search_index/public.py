"""Search over the public index: the only index the public site can reach.

Built with the public IndexStore alone, so no code path from here can open the internal index.
Documents whose published_at is still in the future (scheduled) are filtered out at query time:
they become findable by themselves when their time comes.
"""

import time
from dataclasses import dataclass, field

from whoosh import query as wq

from cms.timeutil import utcnow

from . import query as user_query
from .analysis import folded_form, has_diacritics
from .query import Or
from .store import IndexUnavailable

RELATED_CACHE_SECONDS = 300


@dataclass
class SearchPage:
    query: str
    ids: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 10
    terms: set = field(default_factory=set)
    partial: bool = False  # no document had every word: closest matches shown
    suggestion: str = ""

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def _doc_id(key):
    return int(key.partition(":")[2])


def count_matches(searcher, query):
    """The exact number of documents matching `query`.

    Whoosh's own totals (len(results)) are estimates for nested OR/AND queries and change with
    the page size; a reader's count must not.
    """
    return sum(1 for _ in searcher.docs_for_query(query))


def restricted(query, restriction):
    """`query` limited to documents `restriction` matches, scored by `query` alone.

    The restriction is part of the query, not Whoosh's `filter=`: that filter is skipped when it
    is empty, and its counts can include documents it excluded; a restriction must never leak.
    """
    return wq.And([query, wq.ConstantScoreQuery(restriction, 0.0)])


def edit_distance(a, b):
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class PublicSearch:
    def __init__(self, store):
        self._store = store
        self._related_cache = {}
        self._accents = (None, {})  # (index generation, folded -> most frequent accented form)

    def _visible_now(self, now, category_id=None, year=None):
        parts = [wq.DateRange("published_at", None, now or utcnow())]
        if category_id is not None:
            parts.append(wq.Term("categories", str(category_id)))
        if year is not None:
            parts.append(wq.Term("year", int(year)))
        return wq.And(parts)

    def search(self, text, page=1, per_page=10, category_id=None, year=None, sort="relevance",
               now=None):
        parsed = user_query.parse(text)
        result = SearchPage(query=user_query.clean_input(text), page=page, per_page=per_page,
                            terms=user_query.highlight_terms(parsed))
        if parsed.empty:
            return result
        visible = self._visible_now(now, category_id, year)
        options = {}
        if sort == "date":
            options.update(sortedby="published_at", reverse=True)
        with self._store.index().searcher() as searcher:
            for require_all in (True, False):
                total = count_matches(searcher, restricted(
                    user_query.build(parsed, require_all, adjacency=False), visible))
                if total:
                    result.total = total
                    result.partial = not require_all
                    if (page - 1) * per_page < total:  # past the last page: no results, not the last
                        scored = restricted(user_query.build(parsed, require_all), visible)
                        hits = searcher.search_page(scored, page, pagelen=per_page, **options)
                        result.ids = [_doc_id(hit["key"]) for hit in hits]
                    break
                if len(parsed.clauses) < 2:
                    break
            if not result.total or result.partial:
                result.suggestion = self._suggest(searcher, parsed, visible)
        return result

    # --- "did you mean" -----------------------------------------------------------------------------
    def _accented_forms(self, searcher):
        generation = searcher.reader().generation()
        if self._accents[0] != generation:
            best = {}
            for field_name in ("body", "title"):
                for term, info in searcher.reader().iter_field(field_name):
                    word = term.decode("utf-8") if isinstance(term, bytes) else term
                    folded = folded_form(word)
                    if info.doc_frequency() > best.get(folded, ("", 0))[1]:
                        best[folded] = (word, info.doc_frequency())
            self._accents = (generation, {folded: word for folded, (word, _) in best.items()})
        return self._accents[1]

    def _suggest(self, searcher, parsed, visible):
        """A corrected query from the index's own words, offered only if it finds something public.

        Each unknown word is replaced by the closest known ones (one edit before two; a swap of
        two letters is one edit); among equally close ones, the one that stands next to its
        neighbouring words in some document wins, then the commonest.
        """
        correctors = [searcher.corrector("body_f"), searcher.corrector("title_f")]
        reader = searcher.reader()

        def known(word):
            return reader.doc_frequency("body_f", word) + reader.doc_frequency("title_f", word)

        folded_words = [folded_form(word) for word in parsed.words()]
        chosen = list(folded_words)
        for i, folded in enumerate(folded_words):
            if known(folded):
                continue
            candidates = {c for corrector in correctors
                          for c in corrector.suggest(folded, limit=100, maxdist=2)
                          if edit_distance(folded, c) <= 2}

            def fitness(candidate, i=i, typed=folded):
                neighbours = chosen[max(0, i - 1):i] + [candidate] + chosen[i + 1:i + 2]
                together = (searcher.search(wq.Phrase("body_f", neighbours), limit=1).scored_length()
                            if len(neighbours) > 1 else 0)
                return (edit_distance(typed, candidate), -together, -known(candidate), candidate)

            if candidates:
                chosen[i] = min(candidates, key=fitness)
        if chosen == folded_words:
            return ""
        accents = self._accented_forms(searcher)
        words = [word if new == old and has_diacritics(word) else accents.get(new, new)
                 for word, old, new in zip(parsed.words(), folded_words, chosen, strict=True)]
        suggestion = " ".join(words)
        check = user_query.build(user_query.parse(suggestion))
        return suggestion if searcher.search(restricted(check, visible), limit=1).scored_length() else ""

    # --- related articles ---------------------------------------------------------------------------
    def related(self, article_id, text, limit=5):
        """Ids of public articles most alike in content, best first, a few more than `limit`
        (cached a few minutes). The caller keeps those the database says are public now: that
        check, not a restriction inside this query, keeps Whoosh's fast top-N path."""
        key = (article_id, hash(text))
        cached = self._related_cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        ids = []
        try:
            with self._store.index().searcher() as searcher:
                terms = searcher.key_terms_from_text("body_f", text, numterms=12, normalize=False)
                if terms:
                    similar = Or([wq.Term("body_f", word, boost=weight) for word, weight in terms])
                    exclude = wq.Term("key", f"article:{article_id}")
                    hits = searcher.search(similar, limit=limit * 3, mask=exclude)
                    ids = [_doc_id(hit["key"]) for hit in hits]
        except IndexUnavailable:
            return []
        if len(self._related_cache) > 5000:
            self._related_cache.clear()
        self._related_cache[key] = (time.monotonic() + RELATED_CACHE_SECONDS, ids)
        return ids
