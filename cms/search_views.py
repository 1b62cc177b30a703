"""Public search: the /tim-kiem page and the /api/search JSON API (published articles and documents,
in one list, in the index's order)."""

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for

from .caching import cached_page
from .documents import Document
from .documents_search import DocumentSource
from .markup import html_to_text
from .models import Article
from .search_port import IndexUnavailable, SearchBusy, search_service
from .site import category_tree
from .timeutil import isoformat_local, utcnow

bp = Blueprint("search", __name__)

PER_PAGE = 10
BUSY_MESSAGE = "Đang có nhiều lượt tìm kiếm cùng lúc. Xin bấm tìm lại sau ít giây."
MAX_PER_PAGE = 50
SORTS = {"relevance": "Liên quan nhất", "date": "Mới nhất"}


def _int_arg(name, default, low, high):
    value = request.args.get(name, default, type=int)
    return min(max(value if value is not None else default, low), high)


class Result:
    """One search result: an article or a document ("kind"), as the page and the API show it."""

    def __init__(self, kind, item):
        self.kind, self.item = kind, item


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
    # The index gives keys; the database decides what is public right now, and in what order.
    by_id = {a.id: a for a in Article.public().where(Article.id.in_(found.ids))} if found.ids else {}
    document_ids = [int(key.partition(":")[2]) for key in found.keys if key.startswith("document:")]
    documents = DocumentSource.listed(document_ids)
    results = []
    for key in found.keys:
        kind, _, doc_id = key.partition(":")
        item = (by_id if kind == "article" else documents if kind == "document" else {}).get(int(doc_id))
        if item is not None:
            results.append(Result(kind, item))
    return found, results, None


def _snippet(result, terms):
    item = result.item
    if result.kind == "document":
        text = " ".join([item.summary, html_to_text(item.body_html)])  # issuer and date: in the meta line
    else:
        text = " ".join([item.lead, html_to_text(item.body_html)])
    return search_service().make_snippet(text, terms)


def _api_result(result, terms):
    item = result.item
    if result.kind == "document":
        return {"kind": "document", "title": item.title, "number": item.number,
                "url": url_for("documents.detail", slug=item.slug), "category": "Văn bản",
                "published_at": isoformat_local(item.published_at), "snippet": _snippet(result, terms)}
    return {"title": item.title, "url": url_for("public.article", slug=item.slug),
            "category": item.category.name, "published_at": isoformat_local(item.published_at),
            "snippet": _snippet(result, terms)}


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
        # "bài viết" while the site has no public document, else "kết quả" (either kind)
        found_noun="kết quả" if found and found.total and Document.public().exists() else "bài viết")


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
