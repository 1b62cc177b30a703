"""Fixtures for the fuzz tests: one small real site per module (searchkit.Site from tests/search,
on TEST_DATABASE_URL when set), arranged once, because Hypothesis runs a test body many times."""

import sys
from pathlib import Path

import pytest

SEARCH_TESTS = Path(__file__).resolve().parent.parent / "search"
if str(SEARCH_TESTS) not in sys.path:
    sys.path.insert(0, str(SEARCH_TESTS))

from searchkit import Site  # noqa: E402

ARTICLES = [
    ("Cán bộ, đảng viên ở cơ sở", "Cán bộ, đảng viên ở cơ sở sinh hoạt chi bộ đều đặn."),
    ("Tỉnh uỷ Nghệ An quán triệt Quy định 2993-QĐ/TU", "Ban Thường vụ Tỉnh ủy triển khai 2993-QĐ/TU."),
    ("Hòa giải ở cơ sở", "Tổ hoà giải thôn Yên Hòa, xã Kỳ Sơn; sức khoẻ người cao tuổi."),
    ("Kết nạp đảng viên năm 2024", "Kết nạp 35 đảng viên mới, nhiệm kỳ 2020-2025, ngày 08/3/2018."),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("fuzz-site"))
    with site.arranging():
        category = site.category("Xây dựng Đảng")
        for title, body in ARTICLES:
            site.article(title, category=category, body=body, lead=title)
    return site
