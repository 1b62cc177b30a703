"""Articles as search documents: what search_index is given (documents in), never models.

`ArticleSource` declares the kind "article" (cms.search_sources): the public index gets published
articles only (scheduled ones too; search filters on published_at at query time), the internal
index gets every article, with its `owner`, the fact staff search's rule is written in
(cms.article_access). It also says what related lists read (search_index.related).
"""

from flask import url_for

from .article_access import article_search_grant, visible_articles
from .markup import html_to_text
from .models import Article, ArticleTag, Category, Tag
from .search_sources import PublicResult, SearchSource
from .timeutil import format_date, isoformat_local, to_local
from .trees import Tree


def _category_paths():
    """category id -> (its name, ids of it and its ancestors)."""
    rows = list(Category.select(Category.id, Category.name, Category.parent).tuples())
    tree = Tree.from_pairs((cid, parent) for cid, _name, parent in rows)
    return {cid: (name, tree.ancestors(cid)[::-1]) for cid, name, _parent in rows}


RELATED_HTML_CHARS = 4000


class ArticleSource(SearchSource):
    doc_type = "article"
    label = "Bài viết"
    fields = {"public": ("categories", "published_at", "year"),
              "internal": ("categories", "status", "owner", "date")}

    def all_ids(self):
        return [aid for (aid,) in Article.select(Article.id).order_by(Article.id).tuples()]

    def load(self, ids):
        """{id: {"public": doc or None, "internal": doc or None}} for these ids (missing: both None)."""
        ids = list(ids)
        docs = {doc_id: {"public": None, "internal": None} for doc_id in ids}
        if not ids:
            return docs
        paths = _category_paths()
        tags = {}
        for article_id, name in (Tag.select(ArticleTag.article, Tag.name).join(ArticleTag)
                                 .where(ArticleTag.article.in_(ids)).tuples()):
            tags.setdefault(article_id, []).append(name)
        for article in Article.select().where(Article.id.in_(ids)):
            category_name, category_ids = paths.get(article.category_id, ("", [article.category_id]))
            body = "\n".join([article.lead, " ".join(tags.get(article.id, [])), category_name,
                              html_to_text(article.body_html)])
            common = {
                "key": f"article:{article.id}",
                "kind": "article",
                "title": article.title,
                "body": body,
                "categories": " ".join(str(cid) for cid in category_ids),
                "stamp": self.stamp(article),
            }
            internal = dict(common, status=article.status, owner=str(article.owner_id or ""),
                            date=article.published_at or article.created_at)
            docs[article.id]["internal"] = internal
            if article.status == Article.PUBLISHED and article.published_at is not None:
                docs[article.id]["public"] = dict(common, published_at=article.published_at,
                                                  year=to_local(article.published_at).year)
        return docs

    def stamps(self, index_name):
        """{key: stamp} of what the index should hold, for drift checks."""
        query = Article.select(Article.id, Article.updated_at)
        if index_name == "public":
            query = query.where((Article.status == Article.PUBLISHED) & Article.published_at.is_null(False))
        return {f"article:{aid}": updated.isoformat() for aid, updated in query.tuples()}

    # --- staff search ----------------------------------------------------------------------------------
    def staff_grant(self, user):
        return article_search_grant(user)

    def staff_rows(self, ids, user):
        """Rows of the articles `user` may open in the back office (the database's final word)."""
        query = Article.select(Article, Category).join(Category).where(Article.id.in_(list(ids)))
        return {f"article:{article.id}": self.row(
            article.id, title=article.title, url=url_for("article.details_view", id=article.id),
            date=format_date(article.published_at or article.created_at), place=article.category.name,
            text="\n".join([article.lead or "", html_to_text(article.body_html)]))
            for article in visible_articles(query, user)}

    def public_results(self, ids):
        query = Article.public().where(Article.id.in_(list(ids)))
        return {article.id: PublicResult(
            kind="article", title=article.title, url=url_for("public.article", slug=article.slug),
            section=article.category.name, section_url=url_for("public.category", slug=article.category.slug),
            published_at=article.published_at, shown_date=format_date(article.published_at),
            date_iso=isoformat_local(article.published_at),
            text=" ".join([article.lead, html_to_text(article.body_html)])) for article in query}

    @staticmethod
    def stamp(article):
        """An article's last change, as its documents and its related list are keyed."""
        return article.updated_at.isoformat()

    # --- what related lists read (search_index.related) ------------------------------------------------
    @staticmethod
    def related_text(article):
        """What an article's related list is computed from: its title, lead and opening (the opening
        says what an article is about, and reading all of it costs time)."""
        opening = html_to_text(article.body_html[:RELATED_HTML_CHARS])
        return " ".join([article.title, article.lead, opening])

    @staticmethod
    def related_rows(ids):
        """The articles of these ids with what related_text and stamp read."""
        return Article.select(Article.id, Article.title, Article.lead, Article.body_html,
                              Article.updated_at).where(Article.id.in_(list(ids)))

    @staticmethod
    def public_ids():
        return [article_id for (article_id,) in Article.public().select(Article.id).tuples()]

    @staticmethod
    def listed(ids):
        """The articles of these ids a list may show now (public), in the order of `ids`; one query."""
        by_id = {a.id: a for a in Article.listed().where(Article.id.in_(ids))}
        return [by_id[i] for i in ids if i in by_id]
