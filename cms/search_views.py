"""Public search: the /tim-kiem page and the /api/search JSON API (published articles only)."""

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for

from .caching import cached_page
from .markup import html_to_text
from .models import Article
from .search_port import IndexUnavailable, SearchBusy, search_service
from .site import category_tree
from .timeutil import isoformat_local, to_local, utcnow

bp = Blueprint("search", __name__)

PER_PAGE = 10
BUSY_MESSAGE = "Đang có nhiều lượt tìm kiếm cùng lúc. Xin bấm tìm lại sau ít giây."
MAX_PER_PAGE = 50
SORTS = {"relevance": "Liên quan nhất", "date": "Mới nhất"}


def _int_arg(name, default, low, high):
    value = request.args.get(name, default, type=int)
    return min(max(value if value is not None else default, low), high)


def _run_search(per_page):
    """Search with the request's parameters; returns (page, articles in result order, error)."""
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
    # The index gives ids; the database decides what is public right now, and in what order.
    by_id = {a.id: a for a in Article.public().where(Article.id.in_(found.ids))} if found.ids else {}
    articles = [by_id[i] for i in found.ids if i in by_id]
    return found, articles, None


def _snippet(article, terms):
    return search_service().make_snippet(" ".join([article.lead, html_to_text(article.body_html)]), terms)


SEARCH_ARGS = ("q", "page", "sort", "chuyen-muc", "nam")


def public_index_state(app):
    """What a cached result page depends on besides the site: the public index's state."""
    return search_service(app).public_index_state()


@bp.route("/tim-kiem")
@cached_page(key_args=SEARCH_ARGS, depends_on=public_index_state)
def search_page():
    found, articles, error = _run_search(PER_PAGE)
    results = [(article, _snippet(article, found.terms)) for article in articles] if found else []
    current_year = to_local(utcnow()).year
    return render_template(
        "search.html", found=found, results=results, error=error, busy_message=BUSY_MESSAGE, sorts=SORTS,
        query=request.args.get("q", "")[:300], sort=request.args.get("sort", "relevance"),
        selected_category=request.args.get("chuyen-muc", ""), selected_year=request.args.get("nam", ""),
        years=list(range(current_year, current_year - 15, -1)))


@bp.route("/api/search")
@cached_page(key_args=SEARCH_ARGS + ("per_page",), depends_on=public_index_state)
def search_api():
    per_page = _int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    found, articles, error = _run_search(per_page)
    if error == "busy":
        return jsonify(error=BUSY_MESSAGE), 503, {"Retry-After": "2"}
    if error:
        return jsonify(error="Chức năng tìm kiếm tạm thời chưa sẵn sàng. Vui lòng thử lại sau."), 503
    return jsonify({
        "query": found.query,
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "results": [{
            "title": article.title,
            "url": url_for("public.article", slug=article.slug),
            "category": article.category.name,
            "published_at": isoformat_local(article.published_at),
            "snippet": _snippet(article, found.terms),
        } for article in articles],
    })
