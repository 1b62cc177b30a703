"""A locked database (another connection holding the write lock: BEGIN IMMEDIATE on SQLite, LOCK TABLE
on PostgreSQL): a save waits for it; if it stays locked, the editor is told in Vietnamese and nothing
of the save is written (article, revision, audit entry, outbox row: all or none)."""

import sqlite3
import threading
from contextlib import contextmanager

import psycopg2
import pytest
from faultkit import article_form, connected, created_id, flashes, text_of
from playhouse.db_url import parse

from admin.editorial import Revision
from cms.audit import AuditEntry
from cms.db import LOCKED_MESSAGE, database
from cms.models import Article, IndexTask, SiteState

SHORT_WAIT_MS = 300  # the database's wait for a lock, shortened for the "still locked" cases


def set_lock_wait(milliseconds):
    """The site's wait for another writer's lock (busy_timeout / lock_timeout), for new connections."""
    real = database.obj
    if not database.is_closed():  # a connection left open in this thread would keep the old wait
        database.close()
    if hasattr(real, "close_all"):  # PostgreSQL pool: drop connections made with the old setting
        real.close_all()
        real.connect_params["options"] = f"-c lock_timeout={milliseconds}"
    else:
        real._timeout = milliseconds / 1000
        real._pragmas = [(k, milliseconds if k == "busy_timeout" else v) for k, v in real._pragmas]


@contextmanager
def write_lock(app):
    """Another connection holding the write lock until the block ends (or `release()` is called)."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        other = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
    else:
        other = psycopg2.connect(**parse(url))
        other.cursor().execute("LOCK TABLE article, content_revision, audit_entry, index_task "
                               "IN EXCLUSIVE MODE")
    released = threading.Event()

    def release():
        if not released.is_set():
            released.set()
            other.rollback() if hasattr(other, "autocommit") else other.execute("ROLLBACK")
            other.close()

    try:
        yield release
    finally:
        release()


def counts(app):
    with app.app_context(), connected():
        return {model.__name__: model.select().count()
                for model in (Article, Revision, AuditEntry, IndexTask, SiteState)} | {
            "site version": SiteState.select(SiteState.version).scalar()}


@pytest.fixture
def editor(site):
    client = site.admin_client()
    response = client.post("/admin/article/new/", data=article_form(
        site.category_id, "Bài có sẵn", body="Nội dung ban đầu.", csrf_token=client.token))
    client.article_id = created_id(response)
    return client


def test_a_save_waits_for_a_lock_released_meanwhile(site, editor):
    set_lock_wait(10000)  # the production wait
    before = counts(site.app)
    with write_lock(site.app) as release:
        timer = threading.Timer(0.3, release)  # the other writer finishes while the save waits
        timer.start()
        response = editor.post("/admin/article/new/", data=article_form(
            site.category_id, "Bài lưu sau khi chờ", body="Đã chờ khóa.", csrf_token=editor.token))
        timer.join()
    assert response.status_code == 302, flashes(text_of(response))
    after = counts(site.app)
    assert after["Article"] == before["Article"] + 1 and after["Revision"] == before["Revision"] + 1
    with site.app.app_context(), connected():
        assert Article.get_by_id(created_id(response)).title == "Bài lưu sau khi chờ"


def test_a_save_still_locked_is_refused_whole_with_a_clear_message(site, editor, client):
    set_lock_wait(SHORT_WAIT_MS)
    before = counts(site.app)
    with write_lock(site.app):
        created = editor.post("/admin/article/new/", data=article_form(
            site.category_id, "Bài bị khóa", body="Không lưu được.", csrf_token=editor.token))
        with site.app.app_context(), connected():
            version = Article.get_by_id(editor.article_id).version
        edited = editor.post(f"/admin/article/edit/?id={editor.article_id}", data=article_form(
            site.category_id, "Bài có sẵn đã sửa", body="Sửa khi bị khóa.", csrf_token=editor.token,
            expected_version=version))
        published = editor.post(f"/admin/article/transition/{editor.article_id}",
                                data={"csrf_token": editor.token, "name": "publish", "published_at": ""})
        home = client.get("/")  # readers are not kept waiting by a writer
    assert home.status_code == 200

    assert created.status_code == 200  # the form again, with what was typed and the message
    assert any(LOCKED_MESSAGE in message for message in flashes(text_of(created)))
    assert "Bài bị khóa" in text_of(created)
    for response in (edited, published):
        assert response.status_code == 503
        assert LOCKED_MESSAGE in text_of(response)
    assert counts(site.app) == before  # nothing half-written
    with site.app.app_context(), connected():
        stored = Article.get_by_id(editor.article_id)
        assert (stored.title, stored.status, stored.version) == ("Bài có sẵn", Article.DRAFT, version)

    set_lock_wait(10000)  # unlocked: the same save goes through
    again = editor.post("/admin/article/new/", data=article_form(
        site.category_id, "Bài bị khóa", body="Lưu lại được.", csrf_token=editor.token))
    assert again.status_code == 302
