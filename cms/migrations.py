"""Numbered schema migrations, so that an upgrade never needs the data dropped.

Each migration runs once, in order, inside a transaction, and is recorded in `schema_migration`.
`init-db` applies whatever is pending, on a new or an existing database. A later schema change is a
new function appended here (using playhouse.migrate for ALTERs), never an edit of an old one.
Packages with models of their own (admin, visits) append their migrations through `register`.
"""

from peewee import CharField, DateTimeField, IntegerField, SqliteDatabase, TextField
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from .db import database
from .models import CORE_MODELS, BaseModel, IndexTask, SiteState
from .timeutil import utcnow


class SchemaMigration(BaseModel):
    name = CharField(max_length=100, primary_key=True)
    applied_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "schema_migration"


MIGRATIONS = []


def register(name, function):
    """Add a migration; names are unique and sort in the order they must run."""
    if any(existing == name for existing, _ in MIGRATIONS):
        return
    MIGRATIONS.append((name, function))


def _create_core_tables(db):
    db.create_tables(CORE_MODELS, safe=True)


def add_column_if_missing(db, table, name, field):
    """ALTER TABLE ADD COLUMN, skipped when a newer 0001 already created the column."""
    if name not in {column.name for column in db.get_columns(table)}:
        run_operations(SchemaMigrator.from_database(db).add_column(table, name, field))


def _article_version_search_owner(db):
    add_column_if_missing(db, "article", "version", IntegerField(default=1))
    add_column_if_missing(db, "article", "search_text", TextField(default=""))
    add_column_if_missing(db, "article", "owner_id", IntegerField(null=True, index=True))


register("0001_core_tables", _create_core_tables)
register("0002_article_version_search_owner", _article_version_search_owner)
register("0003_index_outbox", lambda db: db.create_tables([IndexTask], safe=True))
register("0004_site_state", lambda db: db.create_tables([SiteState], safe=True))


def _search_text_as_words(db):
    """search_text became space-separated whole syllables (padded): recompute it for every article."""
    from .models import Article, search_words

    rows = Article.select(Article.id, Article.title, Article.lead, Article.author, Article.source,
                          Article.body).tuples()
    for article_id, *texts in rows:
        words = " " + " ".join(search_words(" ".join(t or "" for t in texts))) + " "
        Article.update(search_text=words).where(Article.id == article_id).execute()


register("0005_search_text_words", _search_text_as_words)


def _list_indexes(db):
    """Public lists read (status, published_at, category) from the index alone; the admin filters
    on author."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "article_status_published_at_category_id" '
                   'ON "article" ("status", "published_at", "category_id")')
    db.execute_sql('DROP INDEX IF EXISTS "article_status_published_at"')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "article_author" ON "article" ("author")')


register("0006_list_indexes", _list_indexes)


def pending_migrations(db=database):
    db.create_tables([SchemaMigration], safe=True)
    applied = {row.name for row in SchemaMigration.select(SchemaMigration.name)}
    return [(name, fn) for name, fn in sorted(MIGRATIONS) if name not in applied]


def migrate(db=database):
    """Apply every pending migration, then refresh the query planner's statistics; returns the
    names applied."""
    done = []
    for name, function in pending_migrations(db):
        with db.atomic():
            function(db)
            SchemaMigration.create(name=name)
        done.append(name)
    refresh_statistics(db)
    return done


def refresh_statistics(db=database):
    """SQLite's ANALYZE (0.06 s at 10,000 articles), run by init-db, so at every start of
    `make serve`. Without statistics, or with sampled ones (analysis_limit), SQLite takes
    `status = 'published'` for a selective filter and reads every public article through that
    index to find fifteen by id. PostgreSQL keeps its own statistics (autovacuum)."""
    if isinstance(db.obj if hasattr(db, "obj") else db, SqliteDatabase):
        db.execute_sql("ANALYZE")
