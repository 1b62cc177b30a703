"""What every public page shares: the category tree (menu, breadcrumbs) and the sidebar.

Loaded at most once per request and kept on `g`, so a page's query count does not depend on how
many categories or articles it shows. On a cached public page they are also kept in the process
for as long as the page cache's validator (the site's version) stays the same: every change they
could show changes that version.
"""

from flask import current_app, g, has_request_context, render_template, request
from markupsafe import Markup

from .models import Article, Category
from .trees import Tree

SIDEBAR_COUNT = 8


class CategoryTree:
    """All categories in one query, with parent/child lookups done in memory (a cms.trees.Tree)."""

    def __init__(self, categories):
        self.tree = Tree(categories)
        self.all, self.by_id = self.tree.all, self.tree.by_id
        self.by_slug = {c.slug: c for c in self.all}

    @property
    def top_level(self):
        return self.tree.roots

    def subcategories(self, category):
        return self.tree.children(category.id)

    def descendant_ids(self, category):
        """The category's id and those of everything under it."""
        return self.tree.descendant_ids(category.id)

    def ancestors(self, category):
        """From the top-level category down to `category` itself, for breadcrumbs."""
        return self.tree.ancestors(category.id)

    def top_of(self, category_id):
        chain = self.tree.ancestors(category_id)
        return chain[0] if chain else None


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


def add_portal_section(app, label, endpoint, order):
    """Put a section of the portal (Giới thiệu, Văn bản, Lịch công tác, Thư viện ảnh...) in the main
    menu after the categories: each section registers itself here when its blueprint is set up."""
    sections = app.extensions.setdefault("portal_sections", [])
    sections.append((order, label, endpoint))
    sections.sort()


def init_app(app):
    app.extensions.setdefault("portal_sections", [])

    @app.context_processor
    def _site_context():
        return {
            "portal_sections": [(label, endpoint) for _, label, endpoint
                                in app.extensions["portal_sections"]],
            "site_name": app.config["CMS_SITE_NAME"],
            "site_tagline": app.config["CMS_SITE_TAGLINE"],
            "category_tree": category_tree,
            "sidebar_latest": sidebar_latest,
            "sidebar_html": sidebar_html,
        }
