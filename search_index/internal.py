"""Search over the internal index (every registered kind: articles, visits, reports, follow-ups), for
staff only.

The caller (the back office) says what the user may see as a restriction, {kind: grant}, each kind's
grant given by its source (cms.search_sources); restriction_query turns it into a filter applied
inside the search, so results, counts and snippets never include anything else. Only back-office
code imports this module; the public site never does.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from whoosh import query as wq

from . import query as user_query
from .public import SearchPage, _doc_id, count_matches, restricted
from .query import RELATED_BOOST, Or

# Searched besides title and body, weighing less: names a document is found by without being its own
# (schema.internal_schema's `related`).
LESSER_FIELDS = (("related", RELATED_BOOST),)


def restriction_query(restriction, kinds):
    """The one translation of what a user may find into a Whoosh query.

    `restriction` is plain data, {kind: grant}: a grant has `everything` (every document of that
    kind) or `facts` ({field: values}: a document of that kind carrying any of them); a kind without
    a grant, or with an empty one, gives nothing. None (no restriction at all) when every one of the
    index's `kinds` is granted entirely."""
    if all(kind in restriction and restriction[kind].everything for kind in kinds):
        return None
    allowed = []
    for kind, grant in restriction.items():
        if grant.everything:
            allowed.append(wq.Term("kind", kind))
            continue
        carried = [wq.Term(name, str(value)) for name, values in grant.facts.items() for value in values]
        if carried:
            allowed.append(wq.And([wq.Term("kind", kind), Or(carried)]))
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

    def as_queries(self, one_date_kinds=("article",)):
        """`one_date_kinds`: the kinds whose documents have a date but no date_to."""
        parts = []
        for name, values in (("kind", self.kinds), ("localities", self.localities),
                             ("officials", self.officials), ("department", self.departments),
                             ("topics", self.topics), ("status", self.states)):
            if values:
                parts.append(Or([wq.Term(name, str(value)) for value in values]))
        # A date range finds what overlaps it: a visit from its first to its last day (date..date_to),
        # a follow-up on its due date (date = date_to), an article on its one date.
        if self.date_to:
            parts.append(wq.DateRange("date", None, self.date_to))
        if self.date_from:
            one_date_after = [wq.And([wq.Term("kind", kind), wq.DateRange("date", self.date_from, None)])
                              for kind in one_date_kinds]
            parts.append(Or([wq.DateRange("date_to", self.date_from, None), *one_date_after]))
        return parts


class InternalSearch:
    def __init__(self, store, sources):
        """`sources`: {kind: source}; the kinds whose `fields` name this index are what it holds."""
        self._store = store
        fields = {kind: source.fields["internal"] for kind, source in sources.items()
                  if "internal" in source.fields}
        self.kinds = tuple(fields)
        self._one_date_kinds = tuple(kind for kind, names in fields.items() if "date_to" not in names)

    def _searcher(self):
        """The store's shared per-thread searcher when it offers one (not to be closed), else a new one."""
        shared = getattr(self._store, "searcher", None)
        if shared is not None:
            return nullcontext(shared())
        return self._store.index().searcher()

    def search(self, text, restriction, filters=None, page=1, per_page=20, sort="relevance"):
        """A page of keys ("visit:12", "article:3") of what `restriction` lets the user find (see
        restriction_query), best first."""
        parsed = user_query.parse(text)
        result = SearchPage(query=user_query.clean_input(text), page=page, per_page=per_page,
                            terms=user_query.highlight_terms(parsed))
        restrictions = (filters or Filters()).as_queries(self._one_date_kinds)
        allowed = restriction_query(restriction, self.kinds)
        if allowed is not None:
            restrictions.append(allowed)
        if parsed.empty:
            main = matching = wq.Every()
        else:
            main = user_query.build(parsed, lesser=LESSER_FIELDS)
            matching = user_query.build(parsed, adjacency=False, lesser=LESSER_FIELDS)
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

    def article_ids(self, text, restriction, limit=1000):
        """Ids of articles matching `text` (the admin list's search box), best first."""
        found = self.search(text, restriction, Filters(kinds=["article"]), per_page=limit)
        return [_doc_id(key) for key in found.ids]
