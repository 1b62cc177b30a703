"""Giới thiệu pages as search documents: the kind "page" of the public index (a reader typing
"chức năng nhiệm vụ" or "liên hệ" finds the page that says it)."""

from flask import url_for

from .markup import html_to_text
from .pages import Page
from .search_sources import PublicResult, PublishedContentSource
from .timeutil import format_date, isoformat_local


class PageSource(PublishedContentSource):
    doc_type = "page"
    label = "Giới thiệu"
    model = Page

    def search_body(self, page):
        return "\n".join([page.summary, html_to_text(page.body_html)])

    def public_results(self, ids):
        query = Page.public().where(Page.id.in_(list(ids)))
        return {page.id: PublicResult(
            kind="page", title=page.title, url=url_for("pages.page", slug=page.slug), section="Giới thiệu",
            section_url=url_for("pages.index"), published_at=page.published_at,
            shown_date=format_date(page.updated_at), date_iso=isoformat_local(page.updated_at),
            text=" ".join([page.summary, html_to_text(page.body_html)]), api={"kind": "page"})
            for page in query}
