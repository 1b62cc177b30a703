"""Public page cache with conditional requests, and batched view counts.

- Validator: the site version (cms.models.SiteState, bumped in the transaction of every change
  public pages show) and the newest publish time already passed (so a scheduled article's time
  arriving changes it too, with no cron). One small query per request; all workers read the
  same row, which is how they share invalidation.
- A response is cached under its URL with the entity tag it was rendered under (derived from the
  URL and the validator), in this process's memory and in a store on disk shared by all workers
  (PageCache); a browser's If-None-Match with that tag gets a 304 without rendering anything.
- Logged-in users bypass the cache: an editor who has just saved sees the page rendered anew.
"""

import atexit
import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path

from flask import current_app, g, make_response, request, session
from peewee import fn
from werkzeug.http import http_date
from werkzeug.wrappers import Request

from . import models
from .db import database
from .disk_store import DiskStore
from .models import Article, SiteState

MEMORY_BYTES = 8 * 1024 * 1024  # per process: compressed bodies of the hottest pages
SHARED_BYTES = 512 * 1024 * 1024  # on disk, for every worker
ROUTES_REMEMBERED = 10_000  # paths (and hosts) whose route the cache layer keeps, per process
NOT_STORED_HEADERS = {"content-length", "set-cookie", "date", "etag", "last-modified",
                      "content-encoding"}


class PageCache:
    """Finished responses (headers as sent, body gzip-compressed once), one entry per page key.

    Two tiers: a small LRU in this process's memory for the hottest pages, and a shared store on
    disk (python-diskcache, an SQLite file under the data dir) that every worker reads and that
    survives restarts and reloads, so a page is rendered once for all workers, not once per worker.
    An entry carries the entity tag it was rendered under; a lookup with any other tag misses.
    """

    def __init__(self, max_bytes=MEMORY_BYTES, shared_dir=None, shared_bytes=SHARED_BYTES):
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.max_bytes = max_bytes
        self.size = 0
        self._shared = DiskStore(shared_dir, shared_bytes)

    def get(self, key, tag):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry["tag"] == tag:
                self._entries.move_to_end(key)
                return entry
        entry = self._shared.get(key)
        if entry is None or entry.get("tag") != tag:
            return None
        self._remember(key, entry)
        return entry

    def put(self, key, entry):
        self._remember(key, entry)
        self._shared.set(key, entry)

    def _remember(self, key, entry):
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old["gzip"])
            self._entries[key] = entry
            self.size += len(entry["gzip"])
            while self.size > self.max_bytes and len(self._entries) > 1:
                _, evicted = self._entries.popitem(last=False)
                self.size -= len(evicted["gzip"])

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.size = 0
        self._shared.clear()


class _ValidatorQuery:
    """current_validator's SQL, built by peewee once per process; each call only binds `now`."""

    _SENTINEL = datetime(1900, 1, 1, 0, 0, 0, 1)

    def __init__(self):
        newest = (Article.select(fn.MAX(Article.published_at))
                  .where(Article.is_public_expr(self._SENTINEL)))
        query = (SiteState.select(SiteState.version, SiteState.changed_at, newest.alias("newest"))
                 .where(SiteState.id == 1))
        self.sql, params = query.sql()
        self.params = list(params)
        self.now_at = self.params.index(Article.published_at.db_value(self._SENTINEL))

    def run(self):
        params = list(self.params)
        params[self.now_at] = Article.published_at.db_value(models.utcnow())  # the public rule's clock
        return database.execute_sql(self.sql, params).fetchone()


_validator_queries = {}


def current_validator():
    """(site version, time of last change, newest publish time already passed), in one query."""
    backend = type(database.obj)
    query = _validator_queries.get(backend)
    if query is None:
        query = _validator_queries[backend] = _ValidatorQuery()
    row = query.run()
    if row is None:
        newest = Article.select(fn.MAX(Article.published_at)).where(Article.is_public_expr())
        return 0, None, newest.scalar()
    version, changed_at, newest_value = row
    # Raw values (text on SQLite): read them as the columns would.
    return (version, SiteState.changed_at.python_value(changed_at),
            Article.published_at.python_value(newest_value))


def page_key(host_url, path, args, key_args):
    """The cache key of a page: host (pages carry absolute URLs, and a forged Host header must
    not decide them for everyone else), path, and only the query arguments the page depends on
    (made-up ones such as ?utm_... share the entry instead of evicting hot pages)."""
    parts = [f"{name}={args.get(name, '')[:300]}" for name in key_args]
    return f"{host_url}{path}?{'&'.join(parts)}"


def page_identity(app, request_, key_args, depends_on, validator, host_url=None, path=None):
    """(cache key, entity tag) of the page `request_` asks for, as things stand now (`host_url`
    and `path`: the request's, when the caller has them already)."""
    key = page_key(host_url or request_.host_url, path or request_.path, request_.args, key_args)
    if depends_on is not None:
        key += "|" + depends_on(app)
    return key, entity_tag(key, validator)


def entity_tag(key, validator):
    version, _, newest = validator
    return hashlib.sha1(f"{key}|{version}|{newest}".encode()).hexdigest()[:24]


def last_modified(validator):
    _, changed_at, newest = validator
    modified = max([t for t in (changed_at, newest) if t is not None], default=None)
    return modified.replace(microsecond=0) if modified is not None else None


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
    shared_dir = app.config.get("CMS_PAGE_CACHE_DIR")  # "" turns the disk tier off
    if shared_dir is None:
        shared_dir = Path(app.config["CMS_DATA_DIR"]) / "cache" / "pages"
    app.extensions["page_cache"] = PageCache(
        shared_dir=shared_dir or None,
        shared_bytes=int(app.config.get("CMS_PAGE_CACHE_MB", SHARED_BYTES // 2**20)) * 2**20)
    app.extensions["view_counter"] = counter = ViewCounter()
    atexit.register(counter.flush)
    # Registered before the other after-request hooks, so it runs after them (Flask runs them
    # in reverse): what it stores is the response as sent (compressed, every header set).
    app.after_request(_store_finished_page)
    app.wsgi_app = FastPageMiddleware(app.wsgi_app, app)


def _is_logged_in():
    return "_user_id" in session


def cached_page(view=None, *, key_args=("page",), depends_on=None):
    """Serve a public GET page from the cache when nothing it shows has changed.

    `key_args`: the query arguments the page depends on (the search page: q, filters, sort).
    `depends_on(app)`: a string naming the state of anything else the page shows, beyond the
    database's site version (the search index's generation)."""
    if view is None:
        return lambda v: cached_page(v, key_args=key_args, depends_on=depends_on)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "GET" or _is_logged_in():
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = "private, no-cache"
            _count_view()
            return response
        validator = request.environ.get("cms.page_validator") or current_validator()
        request.environ["cms.page_validator"] = validator  # for cms.site.per_site_state
        key, tag = page_identity(current_app, request, key_args, depends_on, validator)
        entry = current_app.extensions["page_cache"].get(key, tag)
        if entry is not None:  # (a reader with a session cookie: the middleware left it to us)
            if entry["article_id"]:
                current_app.extensions["view_counter"].record(entry["article_id"])
            gzipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
            response = make_response(entry["gzip"] if gzipped else gzip.decompress(entry["gzip"]),
                                     entry["status"])
            response.headers.extend(entry["headers"])
            if gzipped:
                response.headers["Content-Encoding"] = "gzip"
        else:
            response = make_response(view(*args, **kwargs))
            _count_view()
            if g.get("page_not_cacheable"):  # e.g. search with the index behind: no validator
                response.headers["Cache-Control"] = "no-cache"
                return response
            if depends_on is not None:  # the view may have changed it (search catches up first)
                key, tag = page_identity(current_app, request, key_args, depends_on, validator)
            if response.status_code == 200 and not response.direct_passthrough:
                g.page_cache_store = (key, tag)
        response.set_etag(tag, weak=True)
        modified = last_modified(validator)
        if modified is not None:
            response.last_modified = modified
        response.headers["Cache-Control"] = "public, no-cache"  # always revalidate: never stale
        return response.make_conditional(request)
    wrapper.page_cache_key = (tuple(key_args), depends_on)
    return wrapper


def _store_finished_page(response):
    marker = g.pop("page_cache_store", None)
    if marker is None or response.status_code != 200 or response.direct_passthrough:
        return response
    key, tag = marker
    body = response.get_data()
    if response.headers.get("Content-Encoding") != "gzip":
        body = gzip.compress(body, compresslevel=6)
    headers = [(name, value) for name, value in response.headers.items()
               if name.lower() not in NOT_STORED_HEADERS]
    if not any(name.lower() == "vary" for name, _ in headers):
        headers.append(("Vary", "Accept-Encoding"))
    current_app.extensions["page_cache"].put(key, {
        "tag": tag, "status": response.status_code, "headers": headers, "gzip": body,
        "article_id": g.get("article_viewed")})
    return response


class FastPageMiddleware:
    """Answers anonymous GETs of cached pages before Flask: the validator query, a dictionary
    lookup and the stored bytes. Requests with a cookie of ours (a session: maybe logged in) and
    every miss go to Flask, whose cached_page renders and stores the page.

    The database connection opened here is left open for the thread's next request: opening
    one (and its PRAGMAs on SQLite) costs more than the rest of a cache hit."""

    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        self.cookie_names = {flask_app.config.get("SESSION_COOKIE_NAME", "session"),
                             flask_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")}
        self._routes, self._hosts = {}, {}

    def _route(self, request_):
        """(page_cache_key_of the path, the decoded path), remembered per raw path: matching the
        URL map and decoding the path cost a third of a cache hit."""
        return _remembered(self._routes, request_.environ.get("PATH_INFO", ""),
                           lambda: (page_cache_key_of(self.flask_app, request_), request_.path))

    def _host_url(self, request_):
        """request_.host_url, remembered per scheme and Host header (a handful on a real site)."""
        environ = request_.environ
        raw = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
               environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"))
        return _remembered(self._hosts, raw, lambda: request_.host_url)

    def _has_our_cookie(self, environ):
        cookies = environ.get("HTTP_COOKIE")
        if not cookies:
            return False
        names = {part.split("=", 1)[0].strip() for part in cookies.split(";")}
        return bool(names & self.cookie_names)

    def __call__(self, environ, start_response):
        page_cache = self.flask_app.extensions["page_cache"]
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or self._has_our_cookie(environ):
            return self.wsgi_app(environ, start_response)
        request_ = Request(environ)
        page, path = self._route(request_)
        if page is None:  # not a cached page (assets, the back office...): no query for it
            return self.wsgi_app(environ, start_response)
        try:
            database.connect(reuse_if_open=True)
            validator = current_validator()
        except Exception:  # let Flask meet the database problem and answer it properly
            return self.wsgi_app(environ, start_response)
        environ["cms.page_validator"] = validator
        key, tag = page_identity(self.flask_app, request_, *page, validator,
                                 host_url=self._host_url(request_), path=path)
        entry = page_cache.get(key, tag)
        if entry is None:
            return self.wsgi_app(environ, start_response)
        if entry["article_id"]:
            self.flask_app.extensions["view_counter"].record(entry["article_id"])
        headers = list(entry["headers"])
        headers.append(("ETag", f'W/"{tag}"'))
        modified = last_modified(validator)
        if modified is not None:
            headers.append(("Last-Modified", http_date(modified.replace(tzinfo=UTC))))
        if request_.if_none_match.contains_weak(tag) or (
                not request_.if_none_match and modified is not None
                and request_.if_modified_since is not None
                and modified.replace(tzinfo=UTC) <= request_.if_modified_since):
            headers = [(n, v) for n, v in headers if n.lower() not in ("content-type",)]
            start_response("304 NOT MODIFIED", headers)
            return []
        body = entry["gzip"]
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower():
            headers.append(("Content-Encoding", "gzip"))
        else:
            body = gzip.decompress(body)
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{entry['status']} OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _remembered(table, key, compute):
    """table[key], computed on first use; the table is emptied when full (keys come from anyone)."""
    found = table.get(key)
    if found is None:
        found = compute()
        if len(table) >= ROUTES_REMEMBERED:
            table.clear()
        table[key] = found
    return found


def page_cache_key_of(flask_app, request_):
    """(key arguments, depends_on) of the cached view this URL routes to, or None."""
    adapter = flask_app.url_map.bind_to_environ(request_.environ)
    try:
        endpoint, _ = adapter.match(request_.path, method="GET")
    except Exception:  # 404, redirect, method not allowed: Flask answers those
        return None
    view = flask_app.view_functions.get(endpoint)
    return getattr(view, "page_cache_key", None)


def _count_view():
    article_id = g.get("article_viewed")
    if article_id:
        current_app.extensions["view_counter"].record(article_id)
