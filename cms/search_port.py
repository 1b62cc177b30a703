"""How the core reaches search without importing it: search_index sits above cms.

app.py builds the search service (search_index.SearchService) and registers it on the app as
app.extensions["search"], the way a Flask extension sits on the app. The public site, the CLI and
backup ask for it through `search_service()`, and call only what `SearchPort` lists. A search that
cannot answer raises `IndexUnavailable` (defined here, so the core can catch it); the page then
says so, and other pages are unaffected.
"""

from typing import Protocol

from flask import current_app


class IndexUnavailable(Exception):
    """The index is missing or unreadable; the search page says so, other pages are unaffected."""


class SearchBusy(Exception):
    """Every slot for searches never asked before is taken in this worker: the page says to try
    again in a moment, at once, rather than make pages wait behind searches."""


class SearchPort(Protocol):
    """What the core may call on the search service."""

    def public_search(self, catch_up=True):
        """The public index's search, caught up with the outbox first unless told not to:
        `.search(text, page, per_page, category_id, year, sort, now)` -> a page of article ids, its
        total, the words to mark and a suggestion. Raises IndexUnavailable."""

    def public_index_state(self):
        """A string naming the public index's current state (any commit, repair or rebuild changes
        it): a page cached with it never shows an older index. "unavailable" when unreadable."""

    def public_index_is_current(self):
        """True when the public index has applied every outbox row (a result page may be cached)."""

    def public_sources(self):
        """{kind: source} of the public index's kinds (cms.search_sources: `public_results(ids)`
        gives the results readers may see now)."""

    def make_snippet(self, text, words):
        """HTML-safe snippet of `text` around the typed `words`, matches marked."""

    def related_articles(self, article, exclude=()):
        """'Bài viết liên quan': up to a few public articles most alike in content, best first, none
        of the ids in `exclude` (those the page lists already; lists kept across requests and
        workers; see search_index.related). Never raises for the index: without it, there are none."""

    def rebuild_everything(self):
        """Rebuild every index from the database and forget everything derived from the old ones
        (after a restore). Returns {index name: documents}."""


def search_service(app=None) -> SearchPort:
    """The app's search service (app.extensions["search"]); `app` defaults to the current one."""
    return (app or current_app).extensions["search"]
