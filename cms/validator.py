"""What a cached page is valid for: the site version (cms.models.SiteState, bumped in the
transaction of every change public pages show) and the newest publish time already passed (so a
scheduled article's time arriving changes it too, with no cron). One small query per request; all
workers read the same row, which is how they share invalidation."""

from datetime import datetime

from peewee import fn

from . import models
from .dateline import local_midnight_utc
from .db import database
from .models import Article, SiteState


class _ValidatorQuery:
    """current_validator's SQL, built by peewee once per process; each call only binds `now`."""

    _SENTINEL = datetime(1900, 1, 1, 0, 0, 0, 1)

    def __init__(self):
        newest = (Article.select(fn.MAX(Article.published_at))
                  .where(Article.is_public_expr(self._SENTINEL)))
        query = (SiteState.select(SiteState.version, SiteState.changed_at, newest.alias("newest"))
                 .where(SiteState.id == 1))
        self.sql, params = query.sql()
        self.params = list(params)
        self.now_at = self.params.index(Article.published_at.db_value(self._SENTINEL))

    def run(self):
        params = list(self.params)
        params[self.now_at] = Article.published_at.db_value(models.utcnow())  # the public rule's clock
        return database.execute_sql(self.sql, params).fetchone()


_validator_queries = {}


def current_validator():
    """(site version, time of last change, newest publish time already passed), in one query."""
    backend = type(database.obj)
    query = _validator_queries.get(backend)
    if query is None:
        query = _validator_queries[backend] = _ValidatorQuery()
    row = query.run()
    if row is None:
        newest = Article.select(fn.MAX(Article.published_at)).where(Article.is_public_expr())
        return 0, None, newest.scalar()
    version, changed_at, newest_value = row
    # Raw values (text on SQLite): read them as the columns would.
    return (version, SiteState.changed_at.python_value(changed_at),
            Article.published_at.python_value(newest_value))


def last_modified(validator):
    """When a page last changed: the last edit or publish time passed, and never before today's
    local midnight (the banner's date line changed then: an If-Modified-Since from yesterday must
    not get a 304)."""
    _, changed_at, newest = validator
    modified = max([t for t in (changed_at, newest, local_midnight_utc()) if t is not None])
    return modified.replace(microsecond=0)
