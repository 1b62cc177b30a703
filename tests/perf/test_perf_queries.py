"""Every public page runs the same number of SQL queries on a site of 10 and of 1,000 articles.

Sites come from bench/generate.generate_site (insert_many: 1,000 articles in about a second),
with the public search index built by search_index.sync.rebuild; queries are counted by wrapping
the peewee database's execute_sql. Each page is counted twice: the first request (rendered: a
cache miss) and the same request again (a cache hit for cached pages). A count that follows the
number of articles is an N+1.
"""

import sys
from pathlib import Path
from urllib.parse import quote_plus

from peewee import fn
from perfkit import another_worker, counted_get

from cms.db import database
from cms.models import Article, ArticleTag, Category, Tag, bump_site_version
from cms.site import CategoryTree
from search_index import sync

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import generate_site  # noqa: E402

SIZES = (10, 1000)


def build(app, n_articles):
    """Replace the site's content by a generated site of n_articles, index it; a new worker on it."""
    with database.connection_context():
        generate_site(n_articles, seed=3, clear=True)
        bump_site_version()  # a real site has its site_state row from its first edit on
    sync.rebuild(app.extensions["search"].stores["public"], app.extensions["search"].sources)
    return another_worker(app)


def pages_of_the_site():
    """The same kind of page at each size: the busiest category, the newest article..."""
    with database.connection_context():
        tree = CategoryTree(Category.ordered())
        counts = {c.slug: Article.public().where(Article.category.in_(tree.descendant_ids(c))).count()
                  for c in tree.top_level}
        category = max(counts, key=counts.get)
        # An article with a cover at each size (its caption is looked up in the image library).
        article = Article.public().where(Article.cover_image != "").first() or Article.public().first()
        if not article.cover_image:
            Article.update(cover_image="/media/anh-bia.jpg").where(Article.id == article.id).execute()
        tag = (Tag.select(Tag.slug).join(ArticleTag).join(Article)
               .where(Article.is_public_expr()).group_by(Tag.slug)
               .order_by(fn.COUNT(ArticleTag.id).desc(), Tag.slug).scalar())
    return {
        "home": "/",
        "category": f"/chuyen-muc/{category}",
        "article": f"/bai-viet/{article.slug}",
        "tag": f"/the/{tag}",
        "rss": "/rss.xml",
        "category rss": f"/chuyen-muc/{category}/rss.xml",
        "sitemap": "/sitemap.xml",
        "search": f"/tim-kiem?q={quote_plus('đảng viên')}",
        "search, no diacritics": "/tim-kiem?q=chi+bo",
        "search api": f"/api/search?q={quote_plus('cán bộ')}",
    }


def count_queries(worker, pages):
    counts = {}
    client = worker.test_client()
    for name, path in pages.items():
        first, miss = counted_get(client, path)
        assert first.status_code == 200, (name, path, first.status_code)
        again, hit = counted_get(client, path)
        assert again.status_code == 200
        counts[name] = (miss, hit)
    return counts


CACHED = {"home", "category", "article", "tag", "rss", "category rss", "sitemap", "search",
          "search, no diacritics", "search api"}  # search results: tests/search/test_search_cache.py


def test_query_counts_are_fixed_and_small_at_10_and_1000_articles(app):
    counts = {n_articles: count_queries(build(app, n_articles), pages_of_the_site()) for n_articles in SIZES}
    small, large = (counts[n] for n in SIZES)
    print({name: {n: counts[n][name] for n in SIZES} for name in small})  # shown with -s
    differ = {name: {"10 articles": small[name], "1000 articles": large[name]}
              for name in small if small[name] != large[name]}
    assert differ == {}, f"(first request, repeated request) queries: {differ}"
    # Small: a cache hit reads the validator only; a render takes a handful of queries.
    for name, (miss, hit) in large.items():
        assert miss <= 8, (name, miss)
        assert hit == (1 if name in CACHED else miss), (name, miss, hit)
