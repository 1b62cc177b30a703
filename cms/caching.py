"""Public pages served from a cache, wired on the app: the `cached_page` decorator and the hook
that stores finished pages.

The parts: cms.validator (what a page is valid for), cms.page_store (the two tiers and the page
key), cms.page_hits (answering from a stored page, 304s included), cms.fast_pages (the WSGI layer
that answers anonymous hits before Flask), cms.view_counter (batched view counts).
A response is cached under its URL with the entity tag it was rendered under; logged-in users
bypass the cache, so an editor who has just saved sees the page rendered anew.
"""

import atexit
import gzip
from functools import wraps
from pathlib import Path

from flask import current_app, g, make_response, request, session

from .fast_pages import FastPageMiddleware
from .page_hits import answer_hit
from .page_store import SHARED_BYTES, PageCache, page_identity
from .validator import current_validator, last_modified
from .view_counter import ViewCounter

NOT_STORED_HEADERS = {"content-length", "set-cookie", "date", "etag", "last-modified",
                      "content-encoding"}


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
            status, headers, body = answer_hit(entry, tag, validator, request,
                                               current_app.extensions["view_counter"])
            return current_app.response_class(body, status=status, headers=headers)
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


def _count_view():
    article_id = g.get("article_viewed")
    if article_id:
        current_app.extensions["view_counter"].record(article_id)
