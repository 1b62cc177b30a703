"""Public search: the /tim-kiem page and the /api/search JSON API (published articles, documents,
Giới thiệu pages and albums, in one list, in the index's order; each kind's source shows its own)."""

from flask import Blueprint, current_app, g, jsonify, render_template, request

from .caching import cached_page
from .search_port import IndexUnavailable, SearchBusy, search_service
from .site import category_tree, per_site_state
from .timeutil import isoformat_local, utcnow

bp = Blueprint("search", __name__)

PER_PAGE = 10
BUSY_MESSAGE = "Đang có nhiều lượt tìm kiếm cùng lúc. Xin bấm tìm lại sau ít giây."
MAX_PER_PAGE = 50
SORTS = {"relevance": "Liên quan nhất", "date": "Mới nhất"}


def _int_arg(name, default, low, high):
    value = request.args.get(name, default, type=int)
    return min(max(value if value is not None else default, low), high)


def _run_search(per_page):
    """Search with the request's parameters; returns (page, Results in result order, error)."""
    text = request.args.get("q", "")
    page = _int_arg("page", 1, 1, 1000)
    sort = request.args.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    category = category_tree().by_slug.get(request.args.get("chuyen-muc", ""))
    year = request.args.get("nam", type=int)
    try:
        found = search_service().public_search().search(text, page=page, per_page=per_page,
                                       category_id=category.id if category else None,
                                       year=year, sort=sort, now=utcnow())
    except SearchBusy:
        g.page_not_cacheable = True
        return None, [], "busy"
    except IndexUnavailable:
        current_app.logger.exception("public search index unavailable")
        g.page_not_cacheable = True
        return None, [], "unavailable"
    except Exception:  # damaged index files fail inside Whoosh (struct, zlib, block errors)
        current_app.logger.exception("public search index damaged")
        g.page_not_cacheable = True
        return None, [], "unavailable"
    if not search_service().public_index_is_current():  # another process holds the writer: results may lag
        g.page_not_cacheable = True
    return found, _results(found.keys), None


def _results(keys):
    """The PublicResults of the index's keys ("kind:id"), in its order: each kind's source says
    what readers may see now (a few queries a kind)."""
    sources = search_service().public_sources()
    wanted = {}
    for key in keys:
        kind, _, doc_id = key.partition(":")
        if kind in sources and doc_id.isdigit():
            wanted.setdefault(kind, []).append(int(doc_id))
    shown = {kind: sources[kind].public_results(ids) for kind, ids in wanted.items()}
    results = []
    for key in keys:
        kind, _, doc_id = key.partition(":")
        result = shown.get(kind, {}).get(int(doc_id)) if doc_id.isdigit() else None
        if result is not None:
            results.append(result)
    return results


def _snippet(result, terms):
    return search_service().make_snippet(result.text, terms)


def _api_result(result, terms):
    return {"title": result.title, "url": result.url, "category": result.section,
            "published_at": isoformat_local(result.published_at), "snippet": _snippet(result, terms),
            **result.api}


def _other_kinds_public():
    """Whether results may be of other kinds than articles (the page then counts "kết quả"): asked
    once per state of the site, not at every search page."""
    return per_site_state("other_kinds_public", lambda: any(
        getattr(source, "model", None) is not None and source.model.public().exists()
        for kind, source in search_service().public_sources().items() if kind != "article"))


def _year_options(found, selected):
    """The year filter's choices: the years that have results (and the one chosen, if any)."""
    years = set(found.years) if found else set()
    if selected is not None and 1900 < selected < 3000:
        years.add(selected)
    return sorted(years, reverse=True)


SEARCH_ARGS = ("q", "page", "sort", "chuyen-muc", "nam")


def public_index_state(app):
    """What a cached result page depends on besides the site: the public index's state."""
    return search_service(app).public_index_state()


@bp.route("/tim-kiem")
@cached_page(key_args=SEARCH_ARGS, depends_on=public_index_state)
def search_page():
    found, results, error = _run_search(PER_PAGE)
    results = [(result, _snippet(result, found.terms)) for result in results] if found else []
    return render_template(
        "search.html", found=found, results=results, error=error, busy_message=BUSY_MESSAGE, sorts=SORTS,
        query=request.args.get("q", "")[:300], sort=request.args.get("sort", "relevance"),
        selected_category=request.args.get("chuyen-muc", ""), selected_year=request.args.get("nam", ""),
        years=_year_options(found, request.args.get("nam", type=int)),
        # "bài viết" while the site has only articles in public, else "kết quả" (any kind)
        found_noun="kết quả" if found and found.total and _other_kinds_public() else "bài viết")


@bp.route("/api/search")
@cached_page(key_args=SEARCH_ARGS + ("per_page",), depends_on=public_index_state)
def search_api():
    per_page = _int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    found, results, error = _run_search(per_page)
    if error == "busy":
        return jsonify(error=BUSY_MESSAGE), 503, {"Retry-After": "2"}
    if error:
        return jsonify(error="Chức năng tìm kiếm tạm thời chưa sẵn sàng. Vui lòng thử lại sau."), 503
    return jsonify({
        "query": found.query,
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "results": [_api_result(result, found.terms) for result in results],
    })
