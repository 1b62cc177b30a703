"""Who sees which article in the back office: staff the articles they created, every other role
all of them (cms.roles gives every role "article read"); nobody else any. One rule, for one
article, for a query (lists, the dashboard) and in a search index's terms (staff search)."""

from flask_login import current_user

from .models import Article
from .roles import STAFF, can, role_of
from .search_sources import EVERYTHING, NOTHING, Grant


def article_visible_to(article, user=None):
    """Staff see the articles they created; everyone else in the back office sees all."""
    user = user or current_user
    if role_of(user) != STAFF:
        return can("article", "read", user)
    return article.owner_id == user.id


def visible_articles(query, user=None):
    """`query` (of Article) narrowed by the same rule, for lists and searches."""
    user = user or current_user
    if role_of(user) == STAFF:
        return query.where(Article.owner_id == user.id)
    return query if can("article", "read", user) else query.where(Article.id < 0)


def article_search_grant(user):
    """The same rule over the article documents' `owner` fact (cms.search_documents)."""
    if role_of(user) == STAFF:
        return Grant(facts={"owner": [user.id]})
    return EVERYTHING if can("article", "read", user) else NOTHING
