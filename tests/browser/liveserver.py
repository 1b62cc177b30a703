"""The site for the browser tests, run in its own process: `python tests/browser/liveserver.py DATA_DIR`.

It builds a fresh site in DATA_DIR (on TEST_DATABASE_URL when set, as the rest of the suite, else a
SQLite file there; the database is emptied first), loads the demo content with `load-demo`, builds
the search indexes with `reindex`, creates one account per role (the field-staff account linked to a
demo official), then serves the app with werkzeug on a free loopback port and prints
`READY <port> <json>` on stdout.

A process of its own, not a thread of the test process: the app's database handle is a module-level
proxy that the rest of the suite re-points for every test.
"""

import importlib.util
import json
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from cms.accounts import create_user  # noqa: E402
from cms.db import database  # noqa: E402
from cms.migrations import migrate  # noqa: E402

PASSWORD = "mat-khau-Trinh-duyet-1"
# username -> (role, full name, code of the demo official the account is linked to, or None)
ACCOUNTS = {
    "quantri": ("admin", "Nguyễn Văn Quản", None),
    "bientap": ("editor", "Trần Thị Biên", None),
    "lanhdao": ("leader", "Lê Văn Lãnh", None),
    "chuyenvien": ("staff", "Phạm Đình Tuấn", "CB004"),
    "chuyenvien2": ("staff", "Hoàng Minh Đức", "CB011"),  # another department
}


def _empty_database():
    """Drop every table, as the suite's own `app` fixture does (a new SQLite file has none)."""
    spec = importlib.util.spec_from_file_location("suite_conftest", ROOT / "tests" / "conftest.py")
    suite_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite_conftest)
    suite_conftest._empty_database()


def _run(app, *args):
    runner = app.test_cli_runner()
    with app.app_context():
        result = runner.invoke(args=list(args))
    if result.exit_code != 0:
        raise SystemExit(f"`{' '.join(args)}` failed ({result.exit_code}): {result.output}"
                         f"{result.exception!r}")
    return result.output


def build(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{data_dir / 'cms.sqlite3'}"
    settings = {"CMS_DATA_DIR": data_dir, "SECRET_KEY": "browser-test-secret", "DATABASE_URL": database_url}
    app = create_app(settings)
    with app.app_context():
        database.connect(reuse_if_open=True)
        _empty_database()
        migrate()
        database.close()
    _run(app, "load-demo")
    _run(app, "reindex")
    from visits.models import Official
    with app.app_context(), database.connection_context():
        for username, (role, full_name, official_code) in ACCOUNTS.items():
            user = create_user(username, PASSWORD, role, full_name=full_name)
            if official_code:
                Official.update(user=user.id).where(Official.code == official_code).execute()
    return app


def main():
    data_dir = Path(sys.argv[1])
    app = build(data_dir)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print("READY", server.server_port, json.dumps({"password": PASSWORD}), flush=True)
    # Serve until the test process closes our stdin (or dies).
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
