"""The peewee database: SQLite in the data dir by default, PostgreSQL from DATABASE_URL.

Models bind to `database`, a proxy that create_app points at the real connection pool.
"""

import errno

from flask import render_template
from peewee import DatabaseProxy, OperationalError, SqliteDatabase
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,  # ms: wait for another writer instead of failing at once
    "synchronous": "normal",  # safe with WAL, much faster commits
    # 4 MB page cache per connection (each thread of each worker keeps one open): the file's pages
    # stay in the operating system's cache, shared by all, and a read from there costs microseconds.
    "cache_size": -4000,
}
# PostgreSQL waits for a lock held by another session as long as SQLite's busy_timeout, then fails.
POSTGRES_LOCK_TIMEOUT = "-c lock_timeout=10000"

LOCKED_MESSAGE = ("Cơ sở dữ liệu đang bận vì một thao tác khác đang ghi dữ liệu. Thay đổi của bạn CHƯA "
                  "được lưu; vui lòng thử lại sau ít phút.")
DISK_FULL_MESSAGE = ("Máy chủ đã hết dung lượng lưu trữ. Thay đổi của bạn CHƯA được lưu; vui lòng báo "
                     "quản trị viên hệ thống.")


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
        params = parse(url.replace("postgres://", "postgresql://", 1))
        params.setdefault("options", POSTGRES_LOCK_TIMEOUT)
        return PooledPostgresqlDatabase(max_connections=32, stale_timeout=300, **params)
    raise ValueError(f"Unsupported DATABASE_URL: {url!r} (use sqlite:///PATH or postgresql://...)")


def roll_back(transaction):
    """transaction.rollback(), when SQLite has not already done it: a statement that fills the disk
    mid-transaction (its pages spilled from the cache) makes SQLite roll back by itself, and a
    second rollback fails with "no transaction is active"."""
    try:
        transaction.rollback()
    except OperationalError as exc:
        if "no transaction is active" not in str(exc):
            raise
        database.begin()  # what rollback() does after rolling back: the block's exit commits it


def storage_failure(exc):
    """The Vietnamese explanation when `exc` is a locked database or a full disk, else None.

    The exceptions it was raised from count too: after a COMMIT that failed on a full disk, SQLite has
    already rolled back, and the rollback peewee then tries fails ("no transaction is active")."""
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        message = _storage_failure(exc)
        if message:
            return message
        exc = exc.__cause__ or exc.__context__
    return None


def _storage_failure(exc):
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DISK_FULL_MESSAGE
    if not isinstance(exc, OperationalError):
        return None
    text = str(exc).lower()
    code = getattr(getattr(exc, "orig", None), "pgcode", None) or ""
    if "disk is full" in text or "no space left" in text or code.startswith("53"):
        return DISK_FULL_MESSAGE
    if "database is locked" in text or "database table is locked" in text or "lock timeout" in text \
            or code == "55P03":
        return LOCKED_MESSAGE
    return None


def init_app(app):
    """Bind the models to the configured database; each request uses its thread's connection
    (PostgreSQL: borrowed from the pool and given back after the request)."""
    database.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    keep_open = isinstance(database.obj, SqliteDatabase)

    @app.errorhandler(OperationalError)
    @app.errorhandler(OSError)
    def _storage_unavailable(exc):
        """A locked database or a full disk: 503 with a message saying nothing was saved."""
        message = storage_failure(exc)
        if message is None:
            raise exc
        if not database.is_closed() and database.in_transaction():
            database.rollback()
        app.logger.warning("storage unavailable: %s", exc, exc_info=exc)
        return render_template("errors/503.html", message=message, bare=True), 503, {"Retry-After": "60"}

    @app.teardown_appcontext
    def _close(exc):
        if database.is_closed():
            return
        if keep_open and not database.in_transaction():
            # SQLite: the thread keeps its connection for its next request (opening one, with its
            # PRAGMAs, costs more than a cached page). Outside a transaction it holds no lock.
            return
        database.close()
