"""`flask --app app import-visit-data KIND PATH`: reference data for field visits from CSV."""

from pathlib import Path

import click

from cms.db import database
from cms.migrations import migrate

from .importer import KINDS, import_csv


@click.command("import-visit-data")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_visit_data_command(kind, path):
    """Import departments, officials, localities, assignments or holidays from a CSV file.

    The file is checked whole: if a row is wrong nothing is imported and every error is listed."""
    with database.connection_context():
        migrate()
        # whoever runs the command runs the server: an administrator, who may link accounts
        report = import_csv(kind, path.read_bytes(), link_accounts=True)
    click.echo(report.summary())
    for error in report.errors:
        click.echo(f"LỖI: {error}", err=True)
    if report.errors:
        raise SystemExit(1)


def init_app(app):
    app.cli.add_command(import_visit_data_command)
