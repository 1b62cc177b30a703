"""An article page's "Bài viết liên quan" never repeats what its "Tin cùng chuyên mục" lists, and
still shows its five when there are enough alike articles elsewhere."""

import pytest
from htmlpage import get_page

from cms.db import database
from search_index import related, sync

BASE = ("Luân chuyển cán bộ về cơ sở giúp cán bộ trẻ rèn luyện qua thực tiễn, {}. "
        "Luân chuyển cán bộ là khâu then chốt.")
EXTRAS = ["giữ chức vụ chủ chốt ở xã", "làm phó bí thư đảng ủy xã", "về huyện miền núi",
          "từ các sở ngành về huyện", "đánh giá sau luân chuyển", "chế độ hỗ trợ cán bộ luân chuyển",
          "gắn với quy hoạch", "ở các xã biên giới", "sau sắp xếp đơn vị hành chính",
          "trong năm 2026", "với cán bộ nữ", "có thời hạn ba năm"]


@pytest.fixture
def alike(app, db, make_category, make_article):
    """Twelve articles on one topic: four in "Công tác cán bộ", eight in "Tin hoạt động"."""
    service = app.extensions["search"]
    with app.app_context():
        for store in service.stores.values():
            sync.rebuild(store, service.sources)
    own = make_category("Công tác cán bộ")
    other = make_category("Tin hoạt động")
    for n, extra in enumerate(EXTRAS):
        make_article(title=f"Luân chuyển cán bộ {n}", slug=f"luan-chuyen-{n}",
                     category=own if n < 4 else other, body=BASE.format(extra))
    with app.app_context():
        service.catch_up()
    database.close()


def lists_of(client, slug):
    page = get_page(client, f"/bai-viet/{slug}")
    same = page.find("section", cls="same-category")
    found = page.find("section", cls="related")
    return (same.article_slugs() if same else []), (found.article_slugs() if found else [])


def test_related_never_repeats_the_same_category_list_and_keeps_its_count(client, alike):
    same, related_slugs = lists_of(client, "luan-chuyen-0")
    assert sorted(same) == ["luan-chuyen-1", "luan-chuyen-2", "luan-chuyen-3"]
    assert len(related_slugs) == related.COUNT
    assert set(related_slugs).isdisjoint(same)
    assert "luan-chuyen-0" not in related_slugs


def test_a_short_same_category_list_leaves_room_for_its_own_articles(app, client, alike):
    """With "Tin cùng chuyên mục" cut to one, the others of the category may be related again."""
    app.config["CMS_SAME_CATEGORY_COUNT"] = 1
    same, related_slugs = lists_of(client, "luan-chuyen-0")
    assert len(same) == 1 and len(related_slugs) == related.COUNT
    assert set(related_slugs).isdisjoint(same)


def test_stored_lists_keep_enough_ids_for_what_is_dropped():
    assert related.KEPT >= related.COUNT * 2 + 15  # the default "Tin cùng chuyên mục" is 15
