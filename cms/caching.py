"""Public page cache with conditional requests, and batched view counts.

- Validator: the site version (cms.models.SiteState, bumped in the transaction of every change
  public pages show) and the newest publish time already passed (so a scheduled article's time
  arriving changes it too, with no cron). One small query per request; all workers read the
  same row, which is how they share invalidation.
- A response is cached per process in memory, keyed by URL and validator; the ETag is derived
  from the same pair, so a browser's If-None-Match gets a 304 without rendering anything.
- Logged-in users bypass the cache: an editor who has just saved sees the page rendered anew.
"""

import atexit
import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import current_app, g, make_response, request, session
from peewee import fn

from .db import database
from .models import Article, SiteState

MAX_ENTRIES = 3000


class PageCache:
    def __init__(self, max_entries=MAX_ENTRIES):
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()




def current_validator():
    """(site version, time of last change, newest publish time already passed), in one query."""
    newest = Article.select(fn.MAX(Article.published_at)).where(Article.is_public_expr())
    row = (SiteState.select(SiteState.version, SiteState.changed_at, newest.alias("newest"))
           .where(SiteState.id == 1).tuples().first())
    if row is None:
        return 0, None, newest.scalar()
    version, changed_at, newest_value = row
    # A subquery's value comes back raw (text on SQLite); read it as the column would.
    return version, changed_at, Article.published_at.python_value(newest_value)


class ViewCounter:
    """Article views counted in memory and written in one small transaction every few seconds,
    so that reading a page never waits on the database's single writer."""

    def __init__(self, flush_every=10.0, flush_at=200):
        self._counts = {}
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()
        self.flush_every, self.flush_at = flush_every, flush_at

    def record(self, article_id):
        with self._lock:
            self._counts[article_id] = self._counts.get(article_id, 0) + 1
            due = (sum(self._counts.values()) >= self.flush_at
                   or time.monotonic() - self._last_flush >= self.flush_every)
        if due:
            self.flush()

    def flush(self):
        with self._lock:
            counts, self._counts = self._counts, {}
            self._last_flush = time.monotonic()
        if not counts:
            return
        opened_here = database.is_closed()
        try:
            with database.atomic():
                # One statement per distinct count: usually a handful, not one per article.
                by_count = {}
                for article_id, n in counts.items():
                    by_count.setdefault(n, []).append(article_id)
                for n, ids in by_count.items():
                    Article.update(view_count=Article.view_count + n).where(Article.id.in_(ids)).execute()
        except Exception:  # counts are a nicety: never fail a page for them
            pass
        finally:
            if opened_here and not database.is_closed():
                database.close()


def init_app(app):
    """Each app gets its own cache and counter (tests build many apps in one process)."""
    app.extensions["page_cache"] = PageCache()
    app.extensions["view_counter"] = counter = ViewCounter()
    atexit.register(counter.flush)


def _is_logged_in():
    return "_user_id" in session


def cached_page(view):
    """Serve a public GET page from the cache when nothing it shows has changed."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "GET" or _is_logged_in():
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = "private, no-cache"
            _count_view()
            return response
        version, changed_at, newest = current_validator()
        # Keyed on what the page depends on (path and page number), so made-up query strings
        # (?utm_...) share the entry instead of forcing renders and evicting hot pages.
        # The host is part of the key: pages carry absolute URLs (canonical, feeds, sitemap), and a
        # forged Host header must not decide them for everyone else.
        path = f"{request.host_url}{request.path}?page={request.args.get('page', 1, type=int)}"
        tag = hashlib.sha1(f"{path}|{version}|{newest}".encode()).hexdigest()[:24]
        key = (path, tag)
        page_cache = current_app.extensions["page_cache"]
        entry = page_cache.get(key)
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            entry = {"body": response.get_data(), "mimetype": response.mimetype,
                     "headers": [(k, v) for k, v in response.headers.items()
                                 if k.lower() not in ("content-length", "set-cookie")],
                     "article_id": g.get("article_viewed")}
            page_cache.put(key, entry)
        if entry["article_id"]:
            current_app.extensions["view_counter"].record(entry["article_id"])
        response = make_response(entry["body"])
        for name, value in entry["headers"]:
            response.headers[name] = value
        response.set_etag(tag, weak=True)
        modified = max([t for t in (changed_at, newest) if t is not None], default=None)
        if modified is not None:
            response.last_modified = modified.replace(microsecond=0)
        response.headers["Cache-Control"] = "public, no-cache"  # always revalidate: never stale
        return response.make_conditional(request)
    return wrapper


def _count_view():
    article_id = g.get("article_viewed")
    if article_id:
        current_app.extensions["view_counter"].record(article_id)
