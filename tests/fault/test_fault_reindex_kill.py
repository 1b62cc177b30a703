"""`reindex` killed halfway (SIGKILL): the old index keeps answering, a later reindex succeeds and
cleans what the killed one left."""

import os
import signal

import pytest
from faultkit import api_slugs, connected, read_line, spawn

from cms.models import Article
from cms.timeutil import utcnow

ARTICLES = 10


@pytest.mark.parametrize("point", ["fill", "swap"])
def test_a_reindex_killed_halfway_leaves_the_old_index_serving(site, client, cli, point):
    with site.app.app_context(), connected():
        for number in range(ARTICLES):
            Article(title=f"Bài chỉnh đốn số {number}", category=site.category_id, status=Article.PUBLISHED,
                    published_at=utcnow(), body="Chỉnh đốn Đảng ở cơ sở.").save()
    site.rebuild()
    store = site.service.stores["public"]
    before = store.current_dir()
    expected = sorted(api_slugs(client, "chỉnh đốn"))
    assert len(expected) == ARTICLES

    worker = spawn(site.app, "reindex_worker.py", point)
    try:
        line = read_line(worker)
        assert line.startswith(f"STOPPED {point}"), line
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait() == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        worker.stderr.close()

    leftovers = {path for path in store.base_dir.glob("public-*")} - {before}
    assert leftovers, "the killed reindex had started a new directory"
    assert store.current_dir() == before
    assert sorted(api_slugs(client, "chỉnh đốn")) == expected  # the old index answers
    result = cli("index-check")
    code, output = result.exit_code, result.output
    assert code == 0, output

    result = cli("reindex")
    code, output = result.exit_code, result.output
    assert code == 0, output
    assert f"Chỉ mục public: {ARTICLES} tài liệu" in output
    after = store.current_dir()
    assert after not in leftovers | {before}
    assert not (leftovers & set(store.base_dir.glob("public-*")))  # the killed one's files are gone
    assert sorted(api_slugs(client, "chỉnh đốn")) == expected
    assert cli("index-check").exit_code == 0
