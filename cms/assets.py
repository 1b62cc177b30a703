"""Static assets with content-hashed URLs, and gzip for text responses.

`asset_url("css/site.css")` gives `/assets/<hash>/css/site.css`: the hash changes when the file
does, so browsers may keep it for a year. Text responses (pages, feeds, JSON, CSS, JS) are gzipped
when the client accepts it and the body is worth it.
"""

import gzip
import hashlib
import threading
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory, url_for

bp = Blueprint("assets", __name__)

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {"text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
                "application/json", "application/xml", "application/rss+xml", "image/svg+xml"}
MIN_COMPRESS_BYTES = 1024

_digests = {}
_lock = threading.Lock()


def _digest(path):
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _digests.get(key)
    if cached is None:
        cached = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        with _lock:
            _digests[key] = cached
    return cached


def _static_path(filename):
    root = Path(current_app.static_folder).resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def asset_url(filename):
    path = _static_path(filename)
    if path is None:
        return url_for("static", filename=filename)
    return url_for("assets.asset", digest=_digest(path), filename=filename)


@bp.route("/assets/<digest>/<path:filename>")
def asset(digest, filename):
    path = _static_path(filename) or abort(404)
    current = _digest(path)
    response = send_from_directory(current_app.static_folder, filename,
                                   max_age=YEAR if digest == current else 0)
    if digest == current:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def _compress(response):
    if (response.status_code < 200 or response.status_code >= 300 or response.direct_passthrough
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(_compress)
