"""`flask --app app backup PATH` and `restore PATH`: the database and the uploads, while the site runs.

A backup is a directory (or, when PATH ends in .tar.gz/.tgz/.tar, one archive of it):

    manifest.json     what, when, which schema migrations, every file's size and SHA-256
    database.sqlite3  SQLite: a copy made with SQLite's online backup API (one consistent snapshot,
                      taken while other connections keep writing: WAL readers never block writers)
    database.pgdump   PostgreSQL: `pg_dump --format=custom` (its own snapshot); connection settings
                      from DATABASE_URL, the password through PGPASSWORD, never on a command line
    uploads/...       every file under <data dir>/uploads (images, visit attachments)

The database is copied first and the uploads second: a file referenced by a row of the snapshot was
written before its row, so it is in the copy (uploads are written once under generated names and
never changed in place). A file uploaded meanwhile may be copied without its row: harmless.

`restore PATH` checks the manifest and every checksum before touching anything, refuses a database
that already holds data unless --force, loads the database, puts the uploads back (the previous
uploads folder, if any, is kept aside, never deleted), applies pending migrations and rebuilds the
search indexes. Search indexes are not backed up: they are rebuilt from the database.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from .config import uploads_dir
from .db import database
from .search_port import search_service

FORMAT = "board-cms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something a backup or restore cannot do; the message (Vietnamese) says what and why."""


# --- database locations ----------------------------------------------------------------------------
def _kind(url):
    if url.startswith("sqlite:///"):
        return "sqlite"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql"
    raise BackupError(f"Không hỗ trợ loại cơ sở dữ liệu này: {url.split(':', 1)[0]}.")


def _sqlite_path(url):
    return Path(url[len("sqlite:///"):])


def _pg_env(url):
    """libpq environment for DATABASE_URL: the password travels in PGPASSWORD only."""
    parts = urlsplit(url)
    env = dict(os.environ)
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"):
        env.pop(name, None)
    env.update(PGHOST=parts.hostname or "localhost", PGPORT=str(parts.port or 5432),
               PGDATABASE=unquote(parts.path.lstrip("/")))
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


def _pg_tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy chương trình {name} (gói postgresql-client); "
                          "hãy cài đặt rồi chạy lại.")
    return path


def _run_pg(args, url):
    result = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} báo lỗi (mã {result.returncode}): "
                          f"{result.stderr.strip()[-2000:]}")
    return result


def _applied_migrations(connection=None):
    """Names in schema_migration, from an sqlite3 connection or from the app's database."""
    if connection is not None:
        try:
            rows = connection.execute('SELECT "name" FROM "schema_migration" ORDER BY "name"').fetchall()
        except sqlite3.DatabaseError:
            return []
        return [name for (name,) in rows]
    if "schema_migration" not in database.get_tables():
        return []
    cursor = database.execute_sql('SELECT "name" FROM "schema_migration" ORDER BY "name"')
    return [name for (name,) in cursor.fetchall()]


# --- files -------------------------------------------------------------------------------------------
def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_hashed(source, target):
    """Copy one file and hash what was written; (size, sha256)."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as reader, open(target, "wb") as writer:
        for block in iter(lambda: reader.read(CHUNK), b""):
            digest.update(block)
            writer.write(block)
            size += len(block)
    return size, digest.hexdigest()


def _copy_uploads(source_root, target_root):
    """Copy every regular file under the uploads folder; files deleted meanwhile are skipped."""
    entries = {}
    if not source_root.is_dir():
        return entries
    for directory, _, names in os.walk(source_root):
        for name in sorted(names):
            source = Path(directory) / name
            if source.is_symlink() or not source.is_file():
                continue
            relative = source.relative_to(source_root).as_posix()
            try:
                size, digest = _copy_hashed(source, target_root / relative)
            except FileNotFoundError:  # removed while we walked: not part of the copy
                continue
            entries[f"{UPLOADS}/{relative}"] = {"size": size, "sha256": digest}
    return entries


def _is_archive(path):
    return str(path).lower().endswith(ARCHIVE_SUFFIXES)


# --- backup ------------------------------------------------------------------------------------------
def _sqlite_copy(source_uri, destination, failure):
    """Copy one SQLite database into another through the online backup API, then check the copy;
    returns the copy's applied migrations. pages=-1: the whole database in one step, from one read
    snapshot (other connections keep writing meanwhile: WAL readers never block writers)."""
    source = sqlite3.connect(source_uri, uri=True, timeout=30)
    destination = sqlite3.connect(destination, timeout=30)
    try:
        source.execute("PRAGMA busy_timeout = 30000")
        source.backup(destination, pages=-1)
        migrations = _applied_migrations(destination)
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        destination.close()
        source.close()
    if check != "ok":
        raise BackupError(f"{failure}: {check}.")
    return migrations


def _backup_sqlite(url, target):
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source_path}.")
    return _sqlite_copy(source_path.resolve().as_uri(), target, "Bản sao cơ sở dữ liệu không toàn vẹn")


def _backup_postgresql(url, target):
    pg_dump = _pg_tool("pg_dump")
    migrations = _applied_migrations()
    _run_pg([pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], url)
    return migrations


def make_backup(app, path):
    """Write a backup to `path` (a new directory, or an archive by its suffix); returns the manifest."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} đã tồn tại và không trống: hãy chọn một đường dẫn mới.")
    url = app.config["DATABASE_URL"]
    kind = _kind(url)
    archive = _is_archive(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=path.parent)) if archive else path
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    try:
        db_name = SQLITE_FILE if kind == "sqlite" else PG_FILE
        if kind == "sqlite":
            migrations = _backup_sqlite(url, work / db_name)
        else:
            migrations = _backup_postgresql(url, work / db_name)
        files = {db_name: {"size": (work / db_name).stat().st_size, "sha256": _sha256(work / db_name)}}
        files.update(_copy_uploads(uploads_dir(app), work / UPLOADS))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - clock, 2),
            "site_name": app.config.get("CMS_SITE_NAME", ""),
            "database": {"kind": kind, "file": db_name},
            "migrations": migrations,
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        if archive:
            mode = "w" if str(path).lower().endswith(".tar") else "w:gz"
            partial = path.with_name(path.name + ".partial")
            with tarfile.open(partial, mode) as tar:
                for entry in sorted(work.iterdir()):
                    tar.add(entry, arcname=entry.name)
            os.replace(partial, path)
    except BaseException:
        if archive or work == path:
            shutil.rmtree(work, ignore_errors=True)
        if archive:
            Path(str(path) + ".partial").unlink(missing_ok=True)
        raise
    finally:
        if archive:
            shutil.rmtree(work, ignore_errors=True)
    return manifest


# --- restore -----------------------------------------------------------------------------------------
def _unpack(archive, into):
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")  # refuses absolute paths, "..", links out, devices
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Không đọc được tệp nén {archive}: {exc}.") from exc


def read_manifest(folder):
    """The manifest of an unpacked backup, after checking it and every file it lists."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"Không có {MANIFEST} trong {folder}: đây không phải bản sao lưu của hệ thống.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} bị hỏng, không đọc được ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} không phải của bản sao lưu hệ thống này.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Bản sao lưu có định dạng phiên bản {manifest.get('format_version')}, "
                          f"chương trình này chỉ đọc phiên bản {FORMAT_VERSION}.")
    files, database_info = manifest.get("files"), manifest.get("database")
    if not isinstance(files, dict) or not isinstance(database_info, dict) \
            or database_info.get("file") not in files:
        raise BackupError(f"{MANIFEST} thiếu danh sách tệp hoặc tệp cơ sở dữ liệu.")
    problems = []
    root = folder.resolve()
    for name, info in sorted(files.items()):
        target = (folder / name).resolve()
        if root not in target.parents:
            problems.append(f"{name}: đường dẫn ra ngoài thư mục sao lưu")
        elif not target.is_file():
            problems.append(f"{name}: thiếu tệp")
        elif target.stat().st_size != info.get("size"):
            problems.append(f"{name}: kích thước {target.stat().st_size} byte, "
                            f"đúng ra phải là {info.get('size')}")
        elif _sha256(target) != info.get("sha256"):
            problems.append(f"{name}: mã kiểm tra SHA-256 không khớp (tệp đã bị sửa hoặc hỏng)")
    if problems:
        more = f"; và {len(problems) - 20} lỗi khác" if len(problems) > 20 else ""
        shown = "; ".join(problems[:20]) + more
        raise BackupError(f"Bản sao lưu không nguyên vẹn, chưa khôi phục gì: {shown}.")
    return manifest


def _has_data():
    """True when any table but the migration record holds a row."""
    for table in database.get_tables():
        if table == "schema_migration":
            continue
        if database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
            return True
    return False


def _drop_all_tables(kind):
    """PostgreSQL: pg_restore loads into an empty schema, so --force drops the tables first."""
    tables = database.get_tables()
    if tables:
        database.execute_sql("DROP TABLE IF EXISTS {} CASCADE".format(", ".join(f'"{t}"' for t in tables)))


def _restore_sqlite(url, source_file):
    """Copy the snapshot into the live database file through the backup API (it takes the locks)."""
    if not database.is_closed():
        database.close()
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(Path(source_file).resolve().as_uri() + "?mode=ro&immutable=1", target,
                 "Cơ sở dữ liệu sau khi khôi phục không toàn vẹn")


def _restore_postgresql(url, source_file):
    pg_restore = _pg_tool("pg_restore")
    if not database.is_closed():
        database.close()
    _run_pg([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             "--dbname", _pg_env(url)["PGDATABASE"], str(source_file)], url)


def _restore_uploads(folder, manifest, uploads):
    """Put the backed-up files in place; an existing non-empty uploads folder is kept aside."""
    kept_aside = None
    if uploads.is_dir() and any(uploads.iterdir()):
        kept_aside = uploads.with_name(f"{uploads.name}.truoc-khoi-phuc-{time.strftime('%Y%m%d%H%M%S')}")
        os.replace(uploads, kept_aside)
    uploads.mkdir(parents=True, exist_ok=True)
    count = 0
    for name in manifest["files"]:
        if name.startswith(UPLOADS + "/"):
            target = uploads / name[len(UPLOADS) + 1:]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, target)
            count += 1
    return count, kept_aside


def restore_backup(app, path, force=False, echo=print):
    """Bring a backup back into the configured database and data dir, then rebuild the indexes."""
    from .migrations import MIGRATIONS, migrate

    path = Path(path)
    if not path.exists():
        raise BackupError(f"Không tìm thấy bản sao lưu {path}.")
    url = app.config["DATABASE_URL"]
    kind = _kind(url)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=Path(app.config["CMS_DATA_DIR"])) as temporary:
        folder = path
        if path.is_file():
            folder = Path(temporary)
            _unpack(path, folder)
        manifest = read_manifest(folder)
        if manifest["database"].get("kind") != kind:
            raise BackupError(f"Bản sao lưu là của {manifest['database'].get('kind')}, còn hệ thống đang "
                              f"dùng {kind}: không khôi phục chéo giữa hai loại cơ sở dữ liệu.")
        known = {name for name, _ in MIGRATIONS}
        unknown = [name for name in manifest.get("migrations", []) if name not in known]
        if unknown:
            raise BackupError("Bản sao lưu được tạo bởi phiên bản chương trình mới hơn (có các bước "
                              f"cập nhật cấu trúc chưa biết: {', '.join(unknown)}). Hãy cập nhật chương "
                              "trình trước khi khôi phục.")
        with database.connection_context():
            if _has_data():
                if not force:
                    raise BackupError("Cơ sở dữ liệu hiện tại đã có dữ liệu: không ghi đè. Nếu chắc chắn "
                                      "muốn thay toàn bộ bằng bản sao lưu, chạy lại với --force.")
                if kind == "postgresql":  # SQLite's backup API replaces the whole file by itself
                    _drop_all_tables(kind)
        database_file = folder / manifest["database"]["file"]
        if kind == "sqlite":
            _restore_sqlite(url, database_file)
        else:
            _restore_postgresql(url, database_file)
        with database.connection_context():
            restored = _applied_migrations()
            if restored != sorted(manifest.get("migrations", [])):
                raise BackupError("Cơ sở dữ liệu vừa khôi phục không khớp danh sách cập nhật cấu trúc "
                                  "ghi trong manifest.json.")
            applied = migrate()
        count, kept_aside = _restore_uploads(folder, manifest, uploads_dir(app))
    echo(f"Đã khôi phục cơ sở dữ liệu ({kind}, sao lưu lúc {manifest['created_at']}) và {count} tệp tải lên.")
    if applied:
        echo("Đã áp dụng thêm các bước cập nhật cấu trúc: " + ", ".join(applied))
    if kept_aside:
        echo(f"Thư mục tải lên cũ được giữ lại ở {kept_aside}.")
    if "search" in app.extensions:  # the indexes (and what was derived from them) follow the database
        with database.connection_context():
            for name, count in search_service(app).rebuild_everything().items():
                echo(f"Chỉ mục {name}: dựng lại {count} tài liệu.")
    if "page_cache" in app.extensions:  # pages rendered from the database that was replaced
        app.extensions["page_cache"].clear()
    return manifest


# --- commands ----------------------------------------------------------------------------------------
def _fail(exc):
    click.echo(f"LỖI: {exc}", err=True)
    raise SystemExit(1)


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path):
    """Copy the database and the uploads into PATH (a new folder, or PATH.tar.gz) while the site runs."""
    try:
        manifest = make_backup(current_app, path)
    except BackupError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(f"Không ghi được bản sao lưu vào {path}: {exc.strerror or exc}.")
    uploads = sum(1 for name in manifest["files"] if name.startswith(UPLOADS + "/"))
    size = sum(info["size"] for info in manifest["files"].values())
    click.echo(f"Đã sao lưu cơ sở dữ liệu ({manifest['database']['kind']}) và {uploads} tệp tải lên "
               f"vào {path}: {size / 1024 / 1024:.1f} MB, {manifest['seconds']} giây.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path, force):
    """Check a backup made by `backup`, load it, put the uploads back and rebuild the search indexes."""
    try:
        restore_backup(current_app, path, force=force, echo=click.echo)
    except BackupError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(f"Không khôi phục được từ {path}: {exc.strerror or exc}.")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
