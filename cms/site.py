"""What every public page shares: the category tree (menu, breadcrumbs) and the sidebar.

Loaded at most once per request and kept on `g`, so a page's query count does not depend on how
many categories or articles it shows.
"""

from flask import g

from .models import Article, Category

SIDEBAR_COUNT = 8


class CategoryTree:
    """All categories in one query, with parent/child lookups done in memory."""

    def __init__(self, categories):
        self.all = list(categories)
        self.by_id = {c.id: c for c in self.all}
        self.by_slug = {c.slug: c for c in self.all}
        self.children = {}
        for category in self.all:
            self.children.setdefault(category.parent_id, []).append(category)

    @property
    def top_level(self):
        return self.children.get(None, [])

    def subcategories(self, category):
        return self.children.get(category.id, [])

    def descendant_ids(self, category):
        """The category's id and those of everything under it."""
        ids, stack = [], [category]
        while stack:
            current = stack.pop()
            if current.id in ids:  # a cycle in bad data must not loop forever
                continue
            ids.append(current.id)
            stack.extend(self.subcategories(current))
        return ids

    def ancestors(self, category):
        """From the top-level category down to `category` itself, for breadcrumbs."""
        chain, current = [], category
        while current is not None and current not in chain:
            chain.append(current)
            current = self.by_id.get(current.parent_id)
        return list(reversed(chain))

    def top_of(self, category_id):
        category = self.by_id.get(category_id)
        return self.ancestors(category)[0] if category else None


def category_tree():
    if "category_tree" not in g:
        g.category_tree = CategoryTree(Category.ordered())
    return g.category_tree


def sidebar_latest():
    if "sidebar_latest" not in g:
        g.sidebar_latest = list(
            Article.public().select(Article.id, Article.title, Article.slug, Article.published_at,
                                    Category.id, Category.name)
            .limit(SIDEBAR_COUNT))
    return g.sidebar_latest


def init_app(app):
    @app.context_processor
    def _site_context():
        return {
            "site_name": app.config["CMS_SITE_NAME"],
            "site_tagline": app.config["CMS_SITE_TAGLINE"],
            "category_tree": category_tree,
            "sidebar_latest": sidebar_latest,
        }
