"""Search over the internal index (visits, reports, follow-ups and all articles), for staff only.

The caller (the back office) says what the user may see as a `Visibility`; this module turns it
into a filter applied inside the search, so results, counts and snippets never include anything
else. Only back-office code imports this module; the public site never does.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from whoosh import query as wq

from . import query as user_query
from .public import SearchPage, _doc_id, count_matches, restricted
from .query import Or


@dataclass
class Visibility:
    """What one user may find. `everything` for leaders and admins; otherwise the union of:
    articles (all, or only `own_articles_of`), and records of `departments` or involving `officials`."""

    everything: bool = False
    all_articles: bool = False
    own_articles_of: int | None = None
    record_kinds: tuple = ()
    departments: list = field(default_factory=list)
    officials: list = field(default_factory=list)
    owner: int | None = None

    def as_query(self):
        if self.everything:
            return None
        allowed = []
        if self.all_articles:
            allowed.append(wq.Term("kind", "article"))
        elif self.own_articles_of is not None:
            owner = wq.Term("owner", str(self.own_articles_of))
            allowed.append(wq.And([wq.Term("kind", "article"), owner]))
        if self.record_kinds:
            mine = [wq.Term("department", str(d)) for d in self.departments]
            mine += [wq.Term("officials", str(o)) for o in self.officials]
            if self.owner is not None:
                mine.append(wq.Term("owner", str(self.owner)))
            if mine:
                kinds = Or([wq.Term("kind", k) for k in self.record_kinds])
                allowed.append(wq.And([kinds, Or(mine)]))
        return Or(allowed) if allowed else wq.NullQuery


@dataclass
class Filters:
    kinds: list = field(default_factory=list)
    localities: list = field(default_factory=list)  # a locality finds everything under it
    officials: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    states: list = field(default_factory=list)
    date_from: object = None
    date_to: object = None

    def as_queries(self):
        parts = []
        for name, values in (("kind", self.kinds), ("localities", self.localities),
                             ("officials", self.officials), ("department", self.departments),
                             ("topics", self.topics), ("status", self.states)):
            if values:
                parts.append(Or([wq.Term(name, str(value)) for value in values]))
        # A date range finds what overlaps it: a visit from its first to its last day (date..date_to),
        # an article or a follow-up on its one date.
        if self.date_to:
            parts.append(wq.DateRange("date", None, self.date_to))
        if self.date_from:
            article_after = wq.And([wq.Term("kind", "article"), wq.DateRange("date", self.date_from, None)])
            parts.append(Or([wq.DateRange("date_to", self.date_from, None), article_after]))
        return parts


class InternalSearch:
    def __init__(self, store):
        self._store = store

    def _searcher(self):
        """The store's shared per-thread searcher when it offers one (not to be closed), else a new one."""
        shared = getattr(self._store, "searcher", None)
        if shared is not None:
            return nullcontext(shared())
        return self._store.index().searcher()

    def search(self, text, visibility, filters=None, page=1, per_page=20, sort="relevance"):
        """A page of keys ("visit:12", "article:3") the user may see, best first."""
        parsed = user_query.parse(text)
        result = SearchPage(query=user_query.clean_input(text), page=page, per_page=per_page,
                            terms=user_query.highlight_terms(parsed))
        restrictions = (filters or Filters()).as_queries()
        allowed = visibility.as_query()
        if allowed is not None:
            restrictions.append(allowed)
        main = user_query.build(parsed) if not parsed.empty else wq.Every()
        matching = user_query.build(parsed, adjacency=False) if not parsed.empty else wq.Every()
        if restrictions:
            main = restricted(main, wq.And(restrictions))
            matching = restricted(matching, wq.And(restrictions))
        options = {}
        if sort == "date" or parsed.empty:
            options.update(sortedby="date", reverse=True)
        with self._searcher() as searcher:
            result.total = count_matches(searcher, matching)
            if (page - 1) * per_page < result.total:
                hits = searcher.search_page(main, page, pagelen=per_page, **options)
                result.ids = [hit["key"] for hit in hits]
        return result

    def article_ids(self, text, visibility, limit=1000):
        """Ids of articles matching `text` (the admin list's search box), best first."""
        found = self.search(text, visibility, Filters(kinds=["article"]), per_page=limit)
        return [_doc_id(key) for key in found.ids]
