"""Whoosh search: Vietnamese analysis, two indexes kept true through an outbox, queries.

Two indexes, never mixed: `public` (published articles) and `internal` (everything staff may
search). The public site reaches only `public_search()`, which is built on the public index alone.
Data-owning packages hand in document sources (see sync.py); this package returns ids.
"""

from pathlib import Path

from flask import current_app, request

from .internal import InternalSearch
from .public import PublicSearch
from .store import IndexStore, IndexUnavailable

INDEX_NAMES = ("public", "internal")


class SearchService:
    def __init__(self, base_dir, sources):
        self.sources = {source.doc_type: source for source in sources}
        self.stores = {name: IndexStore(base_dir, name) for name in INDEX_NAMES}
        self.public = PublicSearch(self.stores["public"], derived_dir=Path(base_dir) / "derived-public")
        self.internal = InternalSearch(self.stores["internal"])

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


def search_service():
    return current_app.extensions["search"]


def public_search(catch_up=True):
    """The public index's search, by default caught up with the outbox first (never stale).

    Without catching up (related lists on article pages), the index is not looked for here:
    a stored list needs no index, and a search on a missing one raises IndexUnavailable."""
    service = search_service()
    if catch_up:
        if not service.stores["public"].exists():
            raise IndexUnavailable("public index is missing")
        service.catch_up()
    return service.public


def public_index_is_current():
    """True when the public index has applied every outbox row (a result page may be cached)."""
    from peewee import fn

    from cms.models import IndexTask

    store = search_service().stores["public"]
    newest = IndexTask.select(fn.MAX(IndexTask.id)).scalar() or 0
    return store.exists() and store.position() >= newest


def public_index_state(app):
    """Names the public index's current state (directory and commit generation): any commit,
    repair or rebuild changes it, so a page cached with it cannot show an older index."""
    store = app.extensions["search"].stores["public"]
    try:
        return f"{store.current_dir().name}:{store.index().latest_generation()}"
    except Exception:  # missing or unreadable: the page says so, and is not cached
        return "unavailable"


def staff_search():
    """The internal index's search (back office only), caught up with the outbox first."""
    service = search_service()
    if not service.stores["internal"].exists():
        raise IndexUnavailable("internal index is missing")
    service.catch_up()
    return service.internal


__all__ = ["IndexUnavailable", "init_app", "public_index_is_current", "public_index_state", "public_search",
           "search_service", "staff_search"]
