"""Anonymous GETs of cached pages answered before Flask (a WSGI layer)."""

from playhouse.pool import PooledDatabase
from werkzeug.wrappers import Request

from .db import database
from .page_hits import answer_hit
from .page_store import page_identity
from .validator import current_validator

ROUTES_REMEMBERED = 10_000  # paths (and hosts) whose route the cache layer keeps, per process


class FastPageMiddleware:
    """Answers anonymous GETs of cached pages before Flask: the validator query, a dictionary
    lookup and the stored bytes. Requests with a cookie of ours (a session: maybe logged in) and
    every miss go to Flask, whose cached_page renders and stores the page.

    On SQLite the connection opened here is left open for the thread's next request: opening one
    (and its PRAGMAs) costs more than the rest of a cache hit. A pooled PostgreSQL connection is
    given back to the pool after the hit."""

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
        status, headers, body = answer_hit(entry, tag, validator, request_,
                                           self.flask_app.extensions["view_counter"])
        if isinstance(database.obj, PooledDatabase):
            # A pooled connection goes back to the pool: a thread that ends (a server starting one
            # per request) would keep its own from the pool forever. Borrowing one again is cheap.
            database.close()
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" or not body else [body]


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
