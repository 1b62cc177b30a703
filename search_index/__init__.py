"""Whoosh search: Vietnamese analysis, two indexes kept true through an outbox, queries.

Two indexes, never mixed: `public` (published articles) and `internal` (everything staff may
search). app.py builds the SearchService and registers it on the app (init_app); the core reaches it
through cms.search_port, never by importing this package, and its public site reaches only
`public_search()`, which is built on the public index alone. Data-owning packages hand in document
sources (see sync.py); this package returns ids.
"""

from pathlib import Path

from flask import request

from cms.search_port import IndexUnavailable, search_service

from . import snippets
from .internal import InternalSearch
from .public import PublicSearch
from .related import RelatedArticles
from .schema import SCHEMAS
from .store import IndexStore

INDEX_NAMES = ("public", "internal")


def check_fields(sources):
    """Every field a source declares exists in the schema of the index it feeds (a document's other
    fields would be dropped without a word): a new kind with a field the schema lacks fails here,
    when the app starts."""
    schema_fields = {name: set(schema().names()) for name, schema in SCHEMAS.items()}
    for kind, source in sources.items():
        for index_name, names in source.fields.items():
            if index_name not in schema_fields:
                raise ValueError(f"search source {kind!r} feeds an unknown index {index_name!r}")
            missing = sorted(set(names) - schema_fields[index_name])
            if missing:
                raise ValueError(f"search source {kind!r}: no field {missing} in the {index_name} index")


class SearchService:
    """Both indexes, the sources that fill them, and the searches on them.

    The core calls only the methods of cms.search_port.SearchPort (public search, its state, snippets,
    related articles, rebuilding everything); the back office also calls staff_search(). The stores
    and sources are this package's own (its commands and tests reach them)."""

    def __init__(self, base_dir, sources):
        self.sources = {source.doc_type: source for source in sources}
        check_fields(self.sources)
        self.stores = {name: IndexStore(base_dir, name) for name in INDEX_NAMES}
        self.public = PublicSearch(self.stores["public"], derived_dir=Path(base_dir) / "derived-public")
        self.internal = InternalSearch(self.stores["internal"], self.sources)
        self.related = RelatedArticles(self.public, self.sources.get("article"))

    def catch_up(self):
        """Apply pending outbox rows to every index this process can write now (never raises)."""
        from cms.db import database

        from .sync import safe_apply_pending

        opened_here = database.is_closed()  # after a response: open (and close) our own
        if opened_here:
            database.connect()
        try:
            for store in self.stores.values():
                if store.exists():
                    safe_apply_pending(store, self.sources)
        finally:
            if opened_here and not database.is_closed():
                database.close()

    # --- what the core may call (cms.search_port.SearchPort) ------------------------------------------
    def public_search(self, catch_up=True):
        """The public index's search, by default caught up with the outbox first (never stale).

        Without catching up (related lists on article pages), the index is not looked for here:
        a stored list needs no index, and a search on a missing one raises IndexUnavailable."""
        if catch_up:
            if not self.stores["public"].exists():
                raise IndexUnavailable("public index is missing")
            self.catch_up()
        return self.public

    def public_index_is_current(self):
        from peewee import fn

        from cms.models import IndexTask

        store = self.stores["public"]
        newest = IndexTask.select(fn.MAX(IndexTask.id)).scalar() or 0
        return store.exists() and store.position() >= newest

    def public_index_state(self):
        """Names the public index's current state (directory and commit generation): any commit,
        repair or rebuild changes it, so a page cached with it cannot show an older index."""
        store = self.stores["public"]
        try:
            return f"{store.current_dir().name}:{store.index().latest_generation()}"
        except Exception:  # missing or unreadable: the page says so, and is not cached
            return "unavailable"

    def public_sources(self):
        """{kind: source} of the kinds the public index holds (each shows its own results)."""
        return {kind: source for kind, source in self.sources.items() if "public" in source.fields}

    @staticmethod
    def make_snippet(text, words):
        return snippets.make_snippet(text, words)

    def related_articles(self, article, exclude=()):
        return self.related.articles(article, exclude)

    def rebuild_everything(self):
        """Every index built again from the database (the caller holds a connection), and what was
        derived from the old ones forgotten: related lists name articles by id, of another database
        after a restore."""
        from .sync import rebuild

        counts = {name: rebuild(store, self.sources) for name, store in self.stores.items()}
        self.public.forget_derived()
        return counts

    # --- the back office -----------------------------------------------------------------------------
    def staff_search(self):
        """The internal index's search, caught up with the outbox first."""
        if not self.stores["internal"].exists():
            raise IndexUnavailable("internal index is missing")
        self.catch_up()
        return self.internal


def init_app(app, sources):
    service = SearchService(Path(app.config["CMS_DATA_DIR"]) / "index", sources)
    app.extensions["search"] = service

    @app.after_request
    def _index_after_writes(response):
        # Changes were committed with their outbox rows; index them once the response is sent.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.call_on_close(service.catch_up)
        return response

    from . import cli

    cli.init_app(app)


def staff_search():
    """The internal index's search (back office only), caught up with the outbox first."""
    return search_service().staff_search()


__all__ = ["IndexUnavailable", "SearchService", "init_app", "search_service", "staff_search"]
