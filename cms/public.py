"""Public pages: home, category, article, tag, uploaded media."""

from flask import Blueprint, abort, current_app, g, redirect, render_template, send_from_directory, url_for
from peewee import SQL

from .caching import cached_page
from .config import uploads_dir
from .db import database
from .models import Article, ArticleTag, Category, SlugHistory, Tag
from .pagination import Page
from .search_port import search_service
from .site import category_tree, latest_in_category
from .timeutil import utcnow

bp = Blueprint("public", __name__)

HOME_FEATURED = 5
HOME_PER_CATEGORY = 5


def _latest_per_category(category_ids, limit):
    """The `limit` latest public articles of each category, in one query.

    One short index read per category (UNION ALL of LIMITed subqueries), not a ranking of every
    public article; written as SQL because compiling twenty subqueries costs peewee more than
    running them. (A correlated `id IN (... LIMIT n)` is fine on SQLite, very slow on PostgreSQL.)
    """
    if not category_ids:
        return []
    p = database.param
    branch = (f'SELECT "id" FROM (SELECT "id" FROM "article" WHERE "category_id" = {p}'
              f' AND "status" = {p} AND "published_at" <= {p}'
              f' ORDER BY "published_at" DESC, "id" DESC LIMIT {p}) AS "latest_{{}}"')
    now, params = utcnow(), []
    for category_id in category_ids:
        params += [category_id, Article.PUBLISHED, now, limit]
    ids = SQL("(" + " UNION ALL ".join(branch.format(i) for i in range(len(category_ids))) + ")", params)
    return Article.select(Article, Category).join(Category).where(Article.id.in_(ids))


@bp.route("/")
@cached_page
def home():
    tree = category_tree()
    featured = list(Article.public().where(Article.featured == True).limit(HOME_FEATURED))  # noqa: E712
    by_top = {}
    for article in _latest_per_category([c.id for c in tree.all], HOME_PER_CATEGORY):
        top = tree.top_of(article.category_id)
        by_top.setdefault(top.id, []).append(article)
    sections = []
    for top in tree.top_level:
        articles = sorted(by_top.get(top.id, []), key=lambda a: (a.published_at, a.id),
                          reverse=True)[:HOME_PER_CATEGORY]
        if articles:
            sections.append((top, articles))
    return render_template("home.html", featured=featured, sections=sections)


@bp.route("/chuyen-muc/<slug>")
@cached_page
def category(slug):
    tree = category_tree()
    current = tree.by_slug.get(slug) or abort(404)
    query = Article.public().where(Article.category.in_(tree.descendant_ids(current)))
    page = Page(query, current_app.config["CMS_PAGE_SIZE"])
    return render_template("category.html", category=current, page=page,
                           trail=tree.ancestors(current),
                           subcategories=tree.subcategories(current))


@bp.route("/bai-viet/<slug>")
@cached_page
def article(slug):
    item = Article.public().where(Article.slug == slug).first()
    if item is None:
        moved = (Article.public().join_from(Article, SlugHistory)
                 .where(SlugHistory.old_slug == slug).first())
        if moved is None:
            abort(404)
        return redirect(url_for("public.article", slug=moved.slug), code=301)
    g.article_viewed = item.id  # counted by caching.view_counter, cached or not
    tree = category_tree()
    same_category = _same_category(item, current_app.config["CMS_SAME_CATEGORY_COUNT"])
    return render_template(
        "article.html", article=item, tags=item.tag_list(),
        trail=tree.ancestors(tree.by_id[item.category_id]),
        same_category=same_category,
        related=_related(item, exclude=[other.id for other in same_category]))


def _same_category(article, count):
    """'Tin cùng chuyên mục': the category's latest others (one list per category, shared by its
    articles while the site is unchanged)."""
    latest = latest_in_category(article.category_id, count + 1)
    return [other for other in latest if other.id != article.id][:count]


def _related(article, exclude):
    """'Bài viết liên quan': chosen by the search service (search_index.related), never one of
    `exclude` ("Tin cùng chuyên mục" lists them on the same page already)."""
    return search_service().related_articles(article, exclude=exclude)


@bp.route("/the/<slug>")
@cached_page
def tag(slug):
    current = Tag.get_or_none(Tag.slug == slug) or abort(404)
    query = (Article.public().join_from(Article, ArticleTag)
             .where(ArticleTag.tag == current))
    # Counted without the join to categories: it would read every public article's row.
    count = (Article.select().join(ArticleTag)
             .where(Article.is_public_expr() & (ArticleTag.tag == current)).count())
    page = Page(query, current_app.config["CMS_PAGE_SIZE"], count=count)
    return render_template("tag.html", tag=current, page=page)


@bp.route("/media/<path:filename>")
def media(filename):
    """Uploaded files under the data dir (send_from_directory refuses paths that leave it)."""
    response = send_from_directory(uploads_dir(current_app), filename, max_age=30 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register_error_pages(app):
    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        # The failed request may have left a transaction open; the error page must still render.
        if not database.is_closed() and database.in_transaction():
            database.rollback()
        return render_template("errors/500.html", bare=True), 500
