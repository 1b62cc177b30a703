"""A worker killed with SIGKILL in the middle of saves: the database stays whole, every acknowledged
save is there (with its revision, audit entry and outbox row), `index-check` reports the drift and
`index-check --fix` repairs it."""

import os
import signal

from faultkit import api_slugs, database_problems, half_written, read_line, spawn

from cms.models import Article

KILLS = 2  # workers killed, one after the other
ACKS_BEFORE_KILL = 6


def run_until_killed(site, first_number):
    """Start a saving worker, read its acknowledgements, SIGKILL it mid-loop; the acknowledged slugs."""
    worker = spawn(site.app, "save_worker.py", site.category_id, first_number)
    acked = []
    try:
        while line := read_line(worker):
            if line.startswith("ACK "):
                acked.append(line.split()[2])
                if len(acked) == ACKS_BEFORE_KILL:
                    os.kill(worker.pid, signal.SIGKILL)  # it is already saving the next one
                    break
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        stderr = worker.stderr.read()
        worker.stdout.close()
        worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL, (worker.returncode, stderr[-2000:])
    assert len(acked) == ACKS_BEFORE_KILL, stderr[-2000:]
    return acked


def test_workers_killed_mid_save_lose_nothing_acknowledged(site, client, cli):
    # Another worker holds the internal index's writer (as a busy gunicorn worker would): the killed
    # workers leave outbox rows behind for it, so there is drift for index-check to find for sure.
    busy_writer = site.service.stores["internal"].index().writer()
    acked = []
    try:
        for round_number in range(KILLS):
            acked += run_until_killed(site, first_number=100 * round_number)
    finally:
        busy_writer.cancel()

    assert database_problems(site.app) == []
    assert half_written(site.app) == {"no revision": [], "no audit": [], "no outbox row": [],
                                      "audit without article": []}
    with site.app.app_context():
        stored = {slug: status for slug, status in Article.select(Article.slug, Article.status).tuples()}
    assert set(acked) <= set(stored)
    assert all(stored[slug] == Article.PUBLISHED for slug in acked)

    result = cli("index-check")
    code, output = result.exit_code, result.output
    assert code == 1, output
    assert "Chỉ mục internal: thiếu" in output and "Chỉ mục internal: thiếu 0," not in output

    result = cli("index-check", "--fix")
    code, output = result.exit_code, result.output
    assert code == 0, output
    result = cli("index-check")
    code, output = result.exit_code, result.output
    assert code == 0, output
    assert set(acked) <= set(api_slugs(client, "hậu kiểm"))
