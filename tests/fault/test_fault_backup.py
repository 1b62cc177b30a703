"""`backup` while articles are being saved, then `restore` on a new site: every article committed
before the backup started is there, the database is whole, the uploads are back and search finds
them. A damaged backup or a database that already holds data is refused with a clear message."""

import os
import shutil
import threading

import pytest
from faultkit import api_slugs, connected, database_problems, image_bytes

from admin.media import save_upload
from app import create_app
from cms.config import uploads_dir
from cms.db import database
from cms.models import Article
from cms.timeutil import utcnow

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
ATTACHMENT = b"%PDF-1.4\n% bien ban lam viec tai xa\n" * 50

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL) and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump/pg_restore not installed (Debian package postgresql-client): "
           "PostgreSQL backups cannot be made here")


def save_article(category_id, number):
    article = Article(title=f"Bài sao lưu số {number}", category=category_id, status=Article.PUBLISHED,
                      published_at=utcnow(), slug=f"sao-luu-{number}",
                      body=f"Sao lưu dữ liệu, bài {number}.")
    article.save()
    return article.slug


class Writer(threading.Thread):
    """Saves articles one after another (own connection, as another worker would) until stopped."""

    def __init__(self, category_id):
        super().__init__(daemon=True)
        self.category_id, self.committed, self.stop, self.error = category_id, [], threading.Event(), None

    def run(self):
        number = 1000
        try:
            while not self.stop.is_set():
                with connected():
                    self.committed.append(save_article(self.category_id, number))
                number += 1
        except Exception as exc:  # reported by the test
            self.error = exc

    def wait_for(self, count):
        while len(self.committed) < count and self.is_alive():
            self.stop.wait(0.01)


def new_site(tmp_path, name):
    """A second site on an empty database (on PostgreSQL: the test database, emptied)."""
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    app = create_app({"TESTING": True, "CMS_DATA_DIR": tmp_path / name, "SECRET_KEY": "test-secret",
                      "SERVER_NAME": "localhost", "DATABASE_URL": url})
    if TEST_DATABASE_URL:
        with app.app_context(), connected():
            tables = database.get_tables()
            if tables:
                database.execute_sql("DROP TABLE {} CASCADE".format(", ".join(f'"{t}"' for t in tables)))
    return app


def run(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


@pytest.fixture
def filled(site):
    """Articles, an image and a visit attachment on the site."""
    app = site.app
    with app.app_context(), connected():
        site.slugs = [save_article(site.category_id, number) for number in range(12)]
        site.media = save_upload(app, image_bytes(size=(900, 600)), "ảnh hội nghị.png", "Hội nghị", None)
    site.attachment = uploads_dir(app) / "visits" / "2026" / "11" / "bien-ban.pdf"
    site.attachment.parent.mkdir(parents=True)
    site.attachment.write_bytes(ATTACHMENT)
    site.image = (uploads_dir(app) / site.media.file_name).read_bytes()
    return site


@pytest.mark.parametrize("target", ["backup.tar.gz", "backup-folder"])
def test_backup_while_saving_then_restore_on_a_new_site(filled, tmp_path, target):
    writer = Writer(filled.category_id)
    writer.start()
    try:
        writer.wait_for(3)
        before = filled.slugs + list(writer.committed)
        result = run(filled.app, "backup", tmp_path / target)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu cơ sở dữ liệu" in result.output
    assert len(writer.committed) > 3

    restored = new_site(tmp_path, "restored")
    result = run(restored, "restore", tmp_path / target)
    assert result.exit_code == 0, result.output
    assert "Chỉ mục public: dựng lại" in result.output

    assert database_problems(restored) == []
    with restored.app_context(), connected():
        slugs = {slug for (slug,) in Article.select(Article.slug).tuples()}
    assert set(before) <= slugs
    assert slugs <= set(filled.slugs) | set(writer.committed)  # nothing invented either
    files = uploads_dir(restored)
    assert (files / filled.media.file_name).read_bytes() == filled.image
    assert (files / "visits" / "2026" / "11" / "bien-ban.pdf").read_bytes() == ATTACHMENT
    client = restored.test_client()
    assert client.get(f"/media/{filled.media.file_name}").data == filled.image
    assert set(before) <= set(api_slugs(client, "sao lưu"))
    assert run(restored, "index-check").exit_code == 0


def test_restore_refuses_a_database_with_data_unless_forced(filled, tmp_path, client):
    assert run(filled.app, "backup", tmp_path / "bk").exit_code == 0
    with filled.app.app_context(), connected():
        save_article(filled.category_id, 500)  # made after the backup
    refused = run(filled.app, "restore", tmp_path / "bk")
    assert refused.exit_code == 1
    assert "đã có dữ liệu: không ghi đè" in refused.output and "--force" in refused.output
    with filled.app.app_context(), connected():
        assert Article.select().where(Article.slug == "sao-luu-500").exists()  # untouched

    forced = run(filled.app, "restore", "--force", tmp_path / "bk")
    assert forced.exit_code == 0, forced.output
    with filled.app.app_context(), connected():
        assert not Article.select().where(Article.slug == "sao-luu-500").exists()
        assert Article.select().count() == len(filled.slugs)
    assert sorted(api_slugs(client, "sao lưu")) == sorted(filled.slugs)


DAMAGES = {
    "upload changed": (lambda bk: _flip_byte(next((bk / "uploads" / "visits").rglob("*.pdf"))),
                       "uploads/visits/2026/11/bien-ban.pdf: mã kiểm tra SHA-256 không khớp"),
    "database copy truncated": (lambda bk: _truncate(next(bk.glob("database.*"))), ": kích thước"),
    "upload missing": (lambda bk: next((bk / "uploads" / "media").rglob("*-thumb.*")).unlink(),
                       ": thiếu tệp"),
    "manifest missing": (lambda bk: (bk / "manifest.json").unlink(), "Không có manifest.json"),
    "manifest garbled": (lambda bk: (bk / "manifest.json").write_text("{ không phải json"),
                         "manifest.json bị hỏng"),
}


def _flip_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path):
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size - 100)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_backup_is_refused_before_anything_is_touched(filled, tmp_path, damage):
    backup = tmp_path / "bk"
    assert run(filled.app, "backup", backup).exit_code == 0
    damage_backup, expected = DAMAGES[damage]
    damage_backup(backup)
    restored = new_site(tmp_path, "restored")
    result = run(restored, "restore", backup)
    assert result.exit_code == 1
    assert "LỖI:" in result.output and expected in result.output, result.output
    with restored.app_context(), connected():
        assert database.get_tables() == []  # nothing was restored
    assert not any(uploads_dir(restored).iterdir())
