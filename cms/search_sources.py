"""What one kind of searchable record declares, once: the base class of every search source.

A source answers for one kind of document (its `doc_type`: "article", "visit", "report", ...; the
same word is the document's `kind` and the prefix of its key) and says:

- `label`: the kind's name as staff search shows it (Vietnamese);
- `fields`: {index name: the fields its documents fill there besides key, kind, title, body and
  stamp}, which also says which indexes it feeds (checked against the schemas when the search
  service starts);
- its documents (search_index.sync's protocol): `all_ids()`, `load(ids)` -> {id: {index name: doc
  or None}}, `stamps(index name)` -> {key: stamp};
- who may find them in staff search: `staff_grant(user)` -> a Grant, in the terms of the facts its
  documents carry (the kind's own visibility rule, turned into those terms in one place);
- how a result is shown there: `staff_rows(ids, user)` -> {key: StaffRow}, the database's final
  word (what the user may not open is left out, whatever the index said).

app.py registers the sources with the search service; the kinds of the internal index, their labels
and the staff result rows all come from them. Adding a kind is one source class and its registration.
(The public index's kinds are not derived: search_index.schema.PUBLIC_KINDS is the guard.)
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Grant:
    """Which documents of one kind a user may find: every one (`everything`), or those carrying any
    of `facts` ({index field: values}, e.g. {"owner": [7]}); neither: none. Plain data: the search
    index turns it into its own query (search_index.internal.restriction_query)."""

    everything: bool = False
    facts: dict = field(default_factory=dict)

    @property
    def empty(self):
        return not self.everything and not any(self.facts.values())


EVERYTHING = Grant(everything=True)
NOTHING = Grant()


@dataclass
class StaffRow:
    """One staff search result as the screen shows it."""

    key: str
    kind: str
    kind_label: str
    title: str
    url: str
    date: str = ""
    place: str = ""
    text: str = ""  # what the snippet is cut from
    snippet: str = ""


class SearchSource:
    doc_type = None
    label = ""
    fields = {}

    def all_ids(self):
        raise NotImplementedError

    def load(self, ids):
        raise NotImplementedError

    def stamps(self, index_name):
        raise NotImplementedError

    def staff_grant(self, user):
        return NOTHING

    def staff_rows(self, ids, user):
        return {}

    def row(self, doc_id, **shown):
        """A StaffRow of this kind for the document `doc_id`."""
        return StaffRow(key=f"{self.doc_type}:{doc_id}", kind=self.doc_type, kind_label=self.label, **shown)
