"""`flask --app app ...` commands of the core: schema, demo content, imports."""

import shutil
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import pages_demo, schedule_demo
from .config import uploads_dir
from .content_import import import_categories, import_folder
from .db import database
from .migrations import migrate
from .models import Article

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def _print_report(report):
    click.echo(f"Đã thêm {len(report.created)} bài, cập nhật {len(report.updated)} bài, "
               f"lỗi {len(report.errors)} tệp.")
    for error in report.errors:
        click.echo(f"LỖI: {error}", err=True)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the schema or apply pending migrations (safe to run again)."""
    with database.connection_context():
        applied = migrate()
    click.echo("Đã áp dụng: " + ", ".join(applied) if applied else "Cơ sở dữ liệu đã mới nhất.")


@click.command("load-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when articles already exist.")
def load_demo_command(if_empty):
    """Load the demo articles and images shipped in content/ (idempotent)."""
    with database.connection_context():
        migrate()
        if if_empty and Article.select().exists():
            click.echo("Đã có bài viết: bỏ qua nội dung mẫu.")
            return
        images = CONTENT_DIR / "images"
        if images.is_dir():
            shutil.copytree(images, uploads_dir(current_app) / "demo", dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.py"))
        import_categories(CONTENT_DIR / "categories.yaml")
        report = import_folder(CONTENT_DIR / "articles")
        # The core's sections first (the departments before visits' reference data), then what
        # other packages (back office, visits) add through add_demo_loader.
        core = [pages_demo.load_demo, schedule_demo.load_demo]
        for loader in core + current_app.extensions.get("demo_loaders", []):
            click.echo(loader())
    _print_report(report)
    if report.errors:
        raise SystemExit(1)


@click.command("import-content")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_content_command(path):
    """Import Markdown files with front matter from PATH (a folder or one file)."""
    with database.connection_context():
        migrate()
        report = import_folder(path)
    _print_report(report)
    if report.errors:
        raise SystemExit(1)


def add_demo_loader(app, loader):
    """Register `loader()` (returns a one-line summary) to run in `load-demo` after the articles."""
    app.extensions.setdefault("demo_loaders", []).append(loader)


def init_app(app):
    for command in (init_db_command, load_demo_command, import_content_command):
        app.cli.add_command(command)
