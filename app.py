"""Application factory. `python app.py` serves for development; `flask --app app ...` runs commands."""

from flask import Flask

import admin
import search_index
from cms import (
    albums_views,
    assets,
    caching,
    cli,
    db,
    document_views,
    feeds,
    pages,
    public,
    schedule,
    search_views,
    security_headers,
    site,
    site_settings,
)
from cms.albums_search import AlbumSource
from cms.backup import init_app as init_backup_commands
from cms.config import load_settings
from cms.documents_search import DocumentSource
from cms.pages_search import PageSource
from cms.search_documents import ArticleSource
from cms.timeutil import format_date, format_datetime, isoformat_local
from visits.search_source import sources as visit_search_sources


def create_app(config=None):
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.from_mapping(load_settings(config))
    app.jinja_env.filters.update(date=format_date, datetime=format_datetime,
                                 isodatetime=isoformat_local)
    db.init_app(app)
    caching.init_app(app)
    assets.init_app(app)
    site.init_app(app)
    site_settings.init_app(app)  # footer facts, links, date line, view-count setting
    app.register_blueprint(public.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(search_views.bp)
    pages.init_app(app)  # Giới thiệu
    schedule.init_app(app)  # Lịch công tác
    document_views.init_app(app)
    albums_views.init_app(app)
    # visits: internal only
    public_kinds = [ArticleSource(), DocumentSource(), PageSource(), AlbumSource()]
    search_index.init_app(app, sources=[*public_kinds, *visit_search_sources()])
    public.register_error_pages(app)
    cli.init_app(app)
    init_backup_commands(app)
    admin.init_app(app)
    security_headers.init_app(app)
    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=5000, debug=True)
