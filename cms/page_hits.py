"""Answering a request from a stored page: the same status, headers and bytes whether the WSGI
layer in front of Flask (cms.fast_pages) or the view's decorator (cms.caching) meets it, and a 304
when the browser's copy is current."""

import gzip
from datetime import UTC

from werkzeug.http import http_date

from .validator import last_modified


def answer_hit(entry, tag, validator, request_, view_counter):
    """(status line, headers, body) for a stored `entry` rendered under `tag`; counts the view."""
    if entry["article_id"]:
        view_counter.record(entry["article_id"])
    headers = list(entry["headers"])
    headers.append(("ETag", f'W/"{tag}"'))
    modified = last_modified(validator)
    if modified is not None:
        headers.append(("Last-Modified", http_date(modified.replace(tzinfo=UTC))))
    if request_.if_none_match.contains_weak(tag) or (
            not request_.if_none_match and modified is not None
            and request_.if_modified_since is not None
            and modified.replace(tzinfo=UTC) <= request_.if_modified_since):
        return "304 NOT MODIFIED", [(n, v) for n, v in headers if n.lower() != "content-type"], b""
    body = entry["gzip"]
    if "gzip" in request_.environ.get("HTTP_ACCEPT_ENCODING", "").lower():
        headers.append(("Content-Encoding", "gzip"))
    else:
        body = gzip.decompress(body)
    headers.append(("Content-Length", str(len(body))))
    return f"{entry['status']} OK", headers, body
