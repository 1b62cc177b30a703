"""What every public page shares: the category tree (menu, breadcrumbs) and the sidebar.

Loaded at most once per request and kept on `g`, so a page's query count does not depend on how
many categories or articles it shows. On a cached public page they are also kept in the process
for as long as the page cache's validator (the site's version) stays the same: every change they
could show changes that version.
"""

from flask import current_app, g, has_request_context, render_template, request
from markupsafe import Markup

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


def per_site_state(name, build):
    """build(), once per request; on a public page under the page cache, once per process for
    each state of the site (the validator cms.caching put in the request). The back office and
    logged-in users, who have no validator, always get it fresh."""
    if name in g:
        return g.get(name)
    validator = request.environ.get("cms.page_validator") if has_request_context() else None
    if validator is None:
        value = build()
    else:
        kept = current_app.extensions.setdefault("per_site_state", {})
        found = kept.get(name)
        if found is not None and found[0] == validator:
            value = found[1]
        else:
            value = build()
            kept[name] = (validator, value)
    setattr(g, name, value)
    return value


def category_tree():
    return per_site_state("category_tree", lambda: CategoryTree(Category.ordered()))


def sidebar_latest():
    return per_site_state("sidebar_latest", lambda: list(Article.listed().limit(SIDEBAR_COUNT)))


def sidebar_html():
    """The sidebar (latest articles, categories) as HTML: rendered once per state of the site."""
    return per_site_state("sidebar_html", lambda: Markup(render_template("_sidebar.html")))


def latest_in_category(category_id, count):
    """The `count` latest public articles of a category (lists' columns only)."""
    return per_site_state(f"latest_in_category:{category_id}:{count}", lambda: list(
        Article.listed().where(Article.category == category_id).limit(count)))


def init_app(app):
    @app.context_processor
    def _site_context():
        return {
            "site_name": app.config["CMS_SITE_NAME"],
            "site_tagline": app.config["CMS_SITE_TAGLINE"],
            "category_tree": category_tree,
            "sidebar_latest": sidebar_latest,
            "sidebar_html": sidebar_html,
        }
