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


@dataclass
class PublicResult:
    """One public search result as /tim-kiem and /api/search show it, whatever its kind."""

    kind: str
    title: str
    url: str
    section: str  # the category of an article; the section of any other kind ("Văn bản")
    section_url: str = ""
    published_at: object = None  # UTC; the API's published_at
    shown_date: str = ""  # the meta line's date, as the page writes it
    date_label: str = ""  # what the date is, when not the publication ("ban hành")
    date_iso: str = ""
    details: list = field(default_factory=list)  # further facts of the meta line ("Số 2993-QĐ/TU")
    text: str = ""  # what the snippet is cut from
    api: dict = field(default_factory=dict)  # further fields of the API's answer


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

    def public_results(self, ids):
        """{id: PublicResult} of these ids that readers may see now (one query or a few): the
        database's final word on what the public index found. Sources of the public index only."""
        return {}

    def row(self, doc_id, **shown):
        """A StaffRow of this kind for the document `doc_id`."""
        return StaffRow(key=f"{self.doc_type}:{doc_id}", kind=self.doc_type, kind_label=self.label, **shown)


class PublishedContentSource(SearchSource):
    """A kind of published content in the public index (documents, Giới thiệu pages, albums): its
    `model` has status, published_at and updated_at; a subclass says what its documents read
    (`search_title`, `search_body`, `search_year`) and how a result shows (`public_results`).
    Published rows only; one whose time has not come yet is masked at query time, as articles are."""

    model = None
    fields = {"public": ("published_at", "year")}

    def search_title(self, item):
        return item.title

    def search_body(self, item):
        raise NotImplementedError

    def search_year(self, item):
        return item.published_at.year

    def _published(self):
        model = self.model
        return (model.status == model.PUBLISHED) & model.published_at.is_null(False)

    def all_ids(self):
        return [doc_id for (doc_id,) in self.model.select(self.model.id).order_by(self.model.id).tuples()]

    def load(self, ids):
        ids = list(ids)
        docs = {doc_id: {"public": None, "internal": None} for doc_id in ids}
        if not ids:
            return docs
        for item in self.model.select().where(self.model.id.in_(ids) & self._published()):
            docs[item.id]["public"] = {
                "key": f"{self.doc_type}:{item.id}", "kind": self.doc_type,
                "title": self.search_title(item), "body": self.search_body(item),
                "published_at": item.published_at, "year": self.search_year(item),
                "stamp": item.updated_at.isoformat(),
            }
        return docs

    def stamps(self, index_name):
        if index_name != "public":
            return {}
        query = self.model.select(self.model.id, self.model.updated_at).where(self._published())
        return {f"{self.doc_type}:{doc_id}": updated.isoformat() for doc_id, updated in query.tuples()}
