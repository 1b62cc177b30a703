"""A full disk: the data dir (and the SQLite database) on a small tmpfs, filled up. A save or an upload
gives a clear Vietnamese error, nothing is half-written, everything saved before stays readable,
and once space is freed the site saves again and search finds everything."""

import io
import os
import subprocess
from types import SimpleNamespace

import pytest
from faultkit import (
    ADMIN_USER,
    PASSWORD,
    admin_token,
    api_slugs,
    article_form,
    connected,
    created_id,
    database_problems,
    flashes,
    image_bytes,
    login,
    text_of,
)

from admin.media import Media
from app import create_app
from cms.accounts import create_user
from cms.config import uploads_dir
from cms.db import DISK_FULL_MESSAGE, database
from cms.migrations import migrate
from cms.models import Article, Category, IndexTask
from search_index import sync

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
DISK_SIZE = "12m"


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root, as in CI): {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if not database.is_closed():
            database.close()
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk):
    """Write a filler file until the disk refuses more; returns it (delete it to free the space)."""
    filler = disk / "filler.bin"
    block = os.urandom(64 * 1024)
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(block)
        except OSError:
            pass
        try:
            while True:
                handle.write(b"x")
        except OSError:
            pass
    return filler


def upload(client, name, data):
    page = text_of(client.get("/admin/media/new/"))
    assert page
    return client.post("/admin/media/new/", content_type="multipart/form-data", data={
        "csrf_token": client.token, "title": name, "upload": (io.BytesIO(data), name)})


def files_under(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def disk_site(small_disk):
    """A site whose data dir, search indexes and (SQLite) database live on the small disk."""
    url = TEST_DATABASE_URL or f"sqlite:///{small_disk / 'cms.sqlite3'}"
    app = create_app({"TESTING": True, "CMS_DATA_DIR": small_disk / "data", "SECRET_KEY": "test-secret",
                      "SERVER_NAME": "localhost", "DATABASE_URL": url})
    with app.app_context(), connected():
        tables = database.get_tables()
        if tables and TEST_DATABASE_URL:
            database.execute_sql("DROP TABLE {} CASCADE".format(", ".join(f'"{t}"' for t in tables)))
        migrate()
        create_user(ADMIN_USER, PASSWORD, "admin")
        category = Category.create(name="Xây dựng Đảng")
        service = app.extensions["search"]
        for store in service.stores.values():
            sync.rebuild(store, service.sources)
    client = app.test_client()
    assert login(client, ADMIN_USER).status_code == 302
    client.token = admin_token(client)
    return SimpleNamespace(app=app, disk=small_disk, client=client, category_id=category.id)


def save(site, title, body):
    return site.client.post("/admin/article/new/", data=article_form(
        site.category_id, title, body=body, csrf_token=site.client.token))


def publish(site, article_id):
    response = site.client.post(f"/admin/article/transition/{article_id}",
                                data={"csrf_token": site.client.token, "name": "publish", "published_at": ""})
    assert response.status_code == 302


def test_a_full_disk_refuses_clearly_and_loses_nothing(disk_site):
    site, client = disk_site, disk_site.client
    saved = []
    for number in range(4):
        response = save(site, f"Bài lưu trữ số {number}", f"Lưu trữ hồ sơ đảng viên, bài {number}.")
        publish(site, created_id(response))
        saved.append(created_id(response))
    assert upload(client, "anh-dau.png", image_bytes(size=(800, 500))).status_code == 302
    with site.app.app_context(), connected():
        image = Media.get()
        slugs = {aid: slug for aid, slug in Article.select(Article.id, Article.slug).tuples()}
    image_bytes_stored = (uploads_dir(site.app) / image.file_name).read_bytes()
    files_before = files_under(uploads_dir(site.app))

    filler = fill(site.disk)
    try:
        refused = upload(client, "anh-sau.png", image_bytes(size=(1600, 1000), color=(10, 120, 40)))
        assert refused.status_code == 200
        assert DISK_FULL_MESSAGE in " ".join(flashes(text_of(refused)))
        assert files_under(uploads_dir(site.app)) == files_before  # no file cut short left behind
        with site.app.app_context(), connected():
            assert Media.select().count() == 1
            rows = {model: model.select().count() for model in (Article, IndexTask)}

        if not TEST_DATABASE_URL:  # the SQLite database is on the full disk too
            big = save(site, "Bài quá lớn", "Nội dung rất dài của hồ sơ. " * 120_000)
            assert big.status_code in (200, 503)
            assert DISK_FULL_MESSAGE in text_of(big)
            with site.app.app_context(), connected():
                assert {model: model.select().count() for model in (Article, IndexTask)} == rows

        # Everything saved before reads on, with the disk still full.
        for article_id in saved:
            assert client.get(f"/bai-viet/{slugs[article_id]}").status_code == 200
        assert client.get(f"/media/{image.file_name}").data == image_bytes_stored
        assert client.get("/").status_code == 200
    finally:
        filler.unlink()

    assert database_problems(site.app) == []
    with site.app.app_context(), connected():
        assert set(Article.select(Article.id).where(Article.status == Article.PUBLISHED).tuples()) == {
            (article_id,) for article_id in saved}
    assert (uploads_dir(site.app) / image.file_name).read_bytes() == image_bytes_stored
    again = upload(client, "anh-sau.png", image_bytes(size=(1600, 1000), color=(10, 120, 40)))
    assert again.status_code == 302
    response = save(site, "Bài lưu sau khi dọn chỗ", "Lưu trữ hồ sơ sau khi giải phóng dung lượng.")
    publish(site, created_id(response))
    runner = site.app.test_cli_runner()
    with site.app.app_context():
        fixed = runner.invoke(args=["index-check", "--fix"])
        assert fixed.exit_code == 0, fixed.output
        assert runner.invoke(args=["index-check"]).exit_code == 0
    with site.app.app_context(), connected():
        expected = sorted(Article.select(Article.slug).where(Article.status == Article.PUBLISHED).tuples())
    assert sorted(api_slugs(client, "lưu trữ")) == sorted(slug for (slug,) in expected)
    assert len(expected) == len(saved) + 1
