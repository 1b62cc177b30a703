"""`flask --app app reindex`, `index-check [--fix]` and `related-lists`."""

import os
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import PeeweeException

from cms.db import database
from cms.models import IndexTask
from cms.timeutil import utcnow

from .sync import apply_pending, check, rebuild, repair

OUTBOX_KEEP_DAYS = 30


@click.command("reindex")
@with_appcontext
@click.option("--procs", default=1, show_default=True, help="Indexing processes (cores to use).")
def reindex_command(procs):
    """Rebuild both indexes into new directories and swap them in; search answers meanwhile."""
    service = current_app.extensions["search"]
    with database.connection_context():
        for name, store in service.stores.items():
            started = time.perf_counter()
            count = rebuild(store, service.sources, procs=procs)
            click.echo(f"Chỉ mục {name}: {count} tài liệu, {time.perf_counter() - started:.1f} giây.")
        cutoff = utcnow() - timedelta(days=OUTBOX_KEEP_DAYS)
        IndexTask.delete().where(IndexTask.created_at < cutoff).execute()


class OutdatedSchema(Exception):
    """The index was built by a version with other fields: rebuilt like a broken one."""


@click.command("index-check")
@with_appcontext
@click.option("--fix", is_flag=True, help="Repair what is found (rebuild a missing or broken index).")
def index_check_command(fix):
    """Compare database and indexes; report (and with --fix repair) any drift."""
    service = current_app.extensions["search"]
    problems = 0
    with database.connection_context():
        for name, store in service.stores.items():
            try:
                if store.schema_outdated():
                    raise OutdatedSchema("cấu trúc chỉ mục đã đổi ở phiên bản này, cần dựng lại")
                if fix:
                    apply_pending(store, service.sources)
                drift = check(store, service.sources)
            except PeeweeException:
                raise  # the database, not the index: nothing to rebuild
            except Exception as exc:  # missing, or damaged files failing inside Whoosh
                problems += 1
                click.echo(f"Chỉ mục {name}: không dùng được ({exc or type(exc).__name__}).")
                if fix:
                    count = rebuild(store, service.sources)
                    click.echo(f"  Đã dựng lại: {count} tài liệu.")
                continue
            pending = IndexTask.select().where(IndexTask.id > store.position()).count()
            found = sum(len(keys) for keys in drift.values())
            click.echo(f"Chỉ mục {name}: thiếu {len(drift['missing'])}, thừa {len(drift['extra'])}, "
                       f"cũ {len(drift['stale'])}, chờ cập nhật {pending}.")
            for kind, keys in drift.items():
                if keys:
                    click.echo(f"  {kind}: {', '.join(keys[:20])}{' …' if len(keys) > 20 else ''}")
            if found and fix:
                click.echo(f"  Đã sửa {repair(store, service.sources, drift)} tài liệu.")
            elif found:
                problems += 1
    if problems and not fix:
        raise SystemExit(1)


@click.command("related-lists")
@with_appcontext
@click.option("--procs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes computing lists at once.")
def related_lists_command(procs):
    """Compute the missing "Bài viết liên quan" lists of every public article.

    Article pages compute a missing list on first view (about 15 ms); after an import or a
    reindex of a large site, this fills them all at once. Lists already stored are kept."""
    related = current_app.extensions["search"].related
    with database.connection_context():
        ids = related.source.public_ids()
    started = time.perf_counter()
    children = []
    for share in range(1, procs):  # the other shares in forked processes
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                _fill(related, ids[share::procs])
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    _fill(related, ids[0::procs])
    failed = sum(1 for pid in children if os.waitpid(pid, 0)[1] != 0)
    if failed:
        raise click.ClickException(f"{failed} tiến trình tính danh sách bài liên quan bị lỗi.")
    click.echo(f"Đã có danh sách bài viết liên quan của {len(ids)} bài "
               f"({time.perf_counter() - started:.1f} giây).")


def _fill(related, ids):
    with database.connection_context():
        related.fill(ids)


def init_app(app):
    for command in (reindex_command, index_check_command, related_lists_command):
        app.cli.add_command(command)
