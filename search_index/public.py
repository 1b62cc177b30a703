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
from .analysis import exact_form, folded_form
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
        options = {"filter": visible}
        if sort == "date":
            options.update(sortedby="published_at", reverse=True)
        with self._store.index().searcher() as searcher:
            for require_all in (True, False):
                hits = searcher.search_page(user_query.build(parsed, require_all), page, pagelen=per_page,
                                            **options)
                if hits.total:
                    result.total = hits.total
                    result.ids = [_doc_id(hit["key"]) for hit in hits]
                    result.partial = not require_all
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
            for term, info in searcher.reader().iter_field("body"):
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                folded = folded_form(word)
                if info.doc_frequency() > best.get(folded, ("", 0))[1]:
                    best[folded] = (word, info.doc_frequency())
            self._accents = (generation, {folded: word for folded, (word, _) in best.items()})
        return self._accents[1]

    def _suggest(self, searcher, parsed, visible):
        """A corrected query from the index's own words, offered only if it finds something public."""
        corrector = searcher.corrector("body_f")
        accents = self._accented_forms(searcher)
        words, changed = [], False
        for word in parsed.words():
            folded = folded_form(word)
            candidates = [] if searcher.reader().doc_frequency("body_f", folded) else \
                corrector.suggest(folded, limit=1, maxdist=2)
            replacement = candidates[0] if candidates else folded
            changed = changed or bool(candidates)
            accented = accents.get(replacement, replacement)
            words.append(word if replacement == folded and exact_form(word) != folded else accented)
        if not changed:
            return ""
        suggestion = " ".join(words)
        check = user_query.build(user_query.parse(suggestion))
        return suggestion if searcher.search(check, limit=1, filter=visible).scored_length() else ""

    # --- related articles ---------------------------------------------------------------------------
    def related(self, article_id, text, limit=5, now=None):
        """Ids of up to `limit` public articles most alike in content (cached a few minutes)."""
        key = (article_id, hash(text))
        cached = self._related_cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        ids = []
        try:
            with self._store.index().searcher() as searcher:
                terms = searcher.key_terms_from_text("body_f", text, numterms=12, normalize=False)
                if terms:
                    similar = wq.Or([wq.Term("body_f", word, boost=weight) for word, weight in terms])
                    exclude = wq.Term("key", f"article:{article_id}")
                    hits = searcher.search(similar, limit=limit, filter=self._visible_now(now),
                                           mask=exclude)
                    ids = [_doc_id(hit["key"]) for hit in hits]
        except IndexUnavailable:
            return []
        if len(self._related_cache) > 5000:
            self._related_cache.clear()
        self._related_cache[key] = (time.monotonic() + RELATED_CACHE_SECONDS, ids)
        return ids
