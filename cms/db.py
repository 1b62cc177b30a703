"""The peewee database: SQLite in the data dir by default, PostgreSQL from DATABASE_URL.

Models bind to `database`, a proxy that create_app points at the real connection pool.
"""

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,  # ms: wait for another writer instead of failing at once
    "synchronous": "normal",  # safe with WAL, much faster commits
    "cache_size": -16000,  # 16 MB page cache
}


def open_database(url):
    """A peewee Database for a sqlite:/// or postgresql:// URL (connection not opened yet)."""
    if url.startswith("sqlite:///"):
        # BEGIN IMMEDIATE: a transaction takes the write lock when it starts, waiting busy_timeout for
        # it. A deferred one that reads, then writes, fails at once with "database is locked" when
        # another process committed in between (SQLite cannot wait there): seen under bench/soak.py.
        return SqliteDatabase(url[len("sqlite:///"):], pragmas=SQLITE_PRAGMAS, timeout=10,
                              lock_type="IMMEDIATE")
    if url.startswith(("postgresql://", "postgres://")):
        # Pooled: "a connection per request" borrows one instead of opening one (~7 ms each).
        return PooledPostgresqlDatabase(max_connections=32, stale_timeout=300,
                                        **parse(url.replace("postgres://", "postgresql://", 1)))
    raise ValueError(f"Unsupported DATABASE_URL: {url!r} (use sqlite:///PATH or postgresql://...)")


def init_app(app):
    """Bind the models to the configured database and open one connection per request."""
    database.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()
