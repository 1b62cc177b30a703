"""`flask --app app create-user` and `ensure-admin` (used by `make run`)."""

import os
import secrets
import sys

import click
from flask.cli import with_appcontext

from cms.accounts import User, create_user
from cms.db import database
from cms.migrations import migrate
from cms.roles import ROLE_NAMES


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--full-name", default="")
@click.option("--email", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username, role, full_name, email, password_stdin):
    """Create a back-office account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    with database.connection_context():
        migrate()
        if User.select().where(User.username == username).exists():
            raise click.ClickException(f"Tài khoản '{username}' đã tồn tại.")
        try:
            create_user(username, password, role, full_name=full_name, email=email)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Đã tạo tài khoản '{username}' với vai trò {role}.")


@click.command("ensure-admin")
@with_appcontext
def ensure_admin_command():
    """Create the first admin account when there is none, printing its password once."""
    with database.connection_context():
        migrate()
        if User.select().where(User.role == "admin").exists():
            click.echo("Đã có tài khoản quản trị.")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        try:
            create_user("admin", password, "admin", full_name="Quản trị hệ thống")
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    shown = "(lấy từ ADMIN_PASSWORD)" if os.environ.get("ADMIN_PASSWORD") else password
    click.echo(f"Tài khoản quản trị: admin / mật khẩu: {shown} (chỉ hiện một lần, hãy ghi lại)")


def init_app(app):
    app.cli.add_command(create_user_command)
    app.cli.add_command(ensure_admin_command)
