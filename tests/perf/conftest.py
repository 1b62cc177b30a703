"""Fixtures of the performance tests: two workers on one database, and a small site to edit.

Nothing here keeps an application context pushed while requests are made: a request would then
share that context's flask.g (where the category tree of a request is kept) with the next one,
and hide or fake staleness. Data is arranged through the models, which connect by themselves.
"""

import functools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from perfkit import another_worker, quiet_view_counter
from werkzeug.security import generate_password_hash

import cms.accounts
from cms.db import database
from cms.models import Article, Category


@pytest.fixture
def workers(app):
    """Two workers (A is the test's app, B another app instance) and C, a third used only to
    render pages with an empty cache (what a page must be right now)."""
    quiet_view_counter(app)
    b = another_worker(app)
    c = another_worker(app)
    yield SimpleNamespace(a=app, b=b, c=c)
    if not database.is_closed():
        database.close()


@pytest.fixture
def world(workers, clock):
    """Categories, a tag and articles that every cached page shows; the clock is frozen.

    bai-chinh: public, in xay-dung-dang, tagged dang-vien; bai-nhap: a draft there, tagged too;
    bai-hen-gio: scheduled an hour ahead, same category and tag; two other public articles.
    """
    party = Category.create(name="Xây dựng Đảng", slug="xay-dung-dang", position=1,
                            description="Tin về công tác xây dựng Đảng")
    cell = Category.create(name="Sinh hoạt chi bộ", slug="sinh-hoat-chi-bo", parent=party)
    cadres = Category.create(name="Công tác cán bộ", slug="cong-tac-can-bo", position=2)

    def article(slug, title, category, status=Article.PUBLISHED, hours_ago=1, tags=("Đảng viên",),
                **fields):
        item = Article(title=title, slug=slug, category=category, status=status,
                       lead=f"Tóm tắt: {title}.", body=f"Nội dung ban đầu của bài {title}.",
                       published_at=(clock.now - timedelta(hours=hours_ago)
                                     if status == Article.PUBLISHED else None), **fields)
        item.save()
        item.set_tags(list(tags))
        return item

    main = article("bai-chinh", "Hội nghị sơ kết công tác đảng viên", party, featured=True)
    draft = article("bai-nhap", "Kết nạp đảng viên mới ở xã Nghi Phong", party, status=Article.DRAFT)
    scheduled = article("bai-hen-gio", "Trao Huy hiệu Đảng đợt 19/5", party, hours_ago=-1)
    other = article("bai-khac", "Sinh hoạt chi bộ kiểu mẫu", cell, hours_ago=3, tags=("Chi bộ",))
    article("bai-can-bo", "Luân chuyển cán bộ năm nay", cadres, hours_ago=5, tags=())
    database.close()
    return SimpleNamespace(party=party, cell=cell, cadres=cadres, main=main, draft=draft,
                           scheduled=scheduled, other=other, clock=clock)


@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap password hashes (the login path is the same; only the work factor differs)."""
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
