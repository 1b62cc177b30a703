"""A hostile Markdown body reaches readers with nothing that runs, while tables and images survive."""

import pytest
from htmlpage import get_page

HOSTILE_BODY = """Đoạn mở đầu **an toàn**.

<script>alert("xss-script")</script>

<img src="/media/anh.png" onerror="alert('xss-onerror')">

[Bấm vào đây](javascript:alert('xss-js-link'))

<a href="JaVaScRiPt:alert('xss-js-mixed')">chữ hoa thường</a>

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">tệp dữ liệu</a>

<iframe src="https://evil.example/xss-iframe"></iframe>

<svg onload="alert('xss-svg')"><circle r="10"/></svg>

<p style="position:fixed;top:0">Chữ đỏ có style</p>

<div onclick="alert('xss-onclick')" onmouseover="alert('xss-over')">Khối có handler</div>

<object data="/xss-object.swf"></object><embed src="/xss-embed.swf">

<form action="https://evil.example/xss-form"><input name="mat-khau"></form>

<style>body { display: none }</style>

<math><mi xlink:href="javascript:alert('xss-math')">x</mi></math>

| Đơn vị | Số đảng viên | Tỷ lệ |
|:-------|:------------:|------:|
| Kỳ Sơn | 1.250 | 12% |

![Lễ kết nạp đảng viên](/media/demo/ket-nap.png "Lễ kết nạp")

[Trang Tỉnh ủy](https://nghean.dcs.vn/)
"""

FORBIDDEN = ["<script", "xss-script", "onerror", "onload", "onclick", "onmouseover", "javascript:",
             "JaVaScRiPt", "data:text/html", "<iframe", "xss-iframe", "<svg", "style=", "<style",
             "display: none", "<object", "<embed", "<form", "xss-form", "<input", "<math", "alert("]


@pytest.fixture
def page(client, make_article):
    make_article(title="Bài có nội dung độc hại", slug="doc-hai", body=HOSTILE_BODY)
    return get_page(client, "/bai-viet/doc-hai")


def test_nothing_executable_reaches_the_page(page):
    # The site's own search form is in the header; the article itself must carry no form, script...
    html = page.html.lower()
    article = html[html.index('class="article-body"'):html.index("</article>")]
    assert [needle for needle in FORBIDDEN if needle.lower() in article] == []
    assert "<script" not in html and "javascript:" not in html


def test_table_with_alignment_survives(page):
    table = page.find(cls="article-body").find("table")
    assert [th.text for th in table.find_all("th")] == ["Đơn vị", "Số đảng viên", "Tỷ lệ"]
    assert [th.attrs.get("align") for th in table.find_all("th")] == ["left", "center", "right"]
    assert [td.attrs.get("align") for td in table.find_all("td")] == ["left", "center", "right"]
    assert [td.text for td in table.find_all("td")] == ["Kỳ Sơn", "1.250", "12%"]


def test_images_survive(page):
    images = page.find(cls="article-body").find_all("img")
    kept = [img for img in images if img.attrs.get("src") == "/media/demo/ket-nap.png"]
    assert len(kept) == 1
    assert kept[0].attrs["alt"] == "Lễ kết nạp đảng viên"
    # Its title is the caption under it (a figure), said once rather than also as a tooltip.
    assert kept[0].parent.tag == "figure" and kept[0].parent.find("figcaption").text == "Lễ kết nạp"
    # The image whose handler was removed stays, without the handler.
    assert "/media/anh.png" in [img.attrs.get("src") for img in images]


def test_text_and_safe_links_survive(page):
    body = page.find(cls="article-body")
    assert body.find("strong").text == "an toàn"
    assert "Chữ đỏ có style" in body.text
    assert "Khối có handler" in body.text
    assert "Bấm vào đây" in body.text  # the words of the neutralised link remain
    link = body.find("a", href="https://nghean.dcs.vn/")
    assert link.text == "Trang Tỉnh ủy"
    assert "noopener" in link.attrs.get("rel", "")


def test_title_and_lead_are_escaped(client, make_article):
    make_article(title='<script>alert("tieu-de")</script> Tiêu đề', slug="tieu-de-doc",
                 lead='<img src=x onerror="alert(1)"> Sapo')
    page = get_page(client, "/bai-viet/tieu-de-doc")
    assert "<script>alert" not in page.html
    assert "<img src=x" not in page.html
    assert page.find("h1", cls="article-title").text == '<script>alert("tieu-de")</script> Tiêu đề'
    assert page.find(cls="article-lead").text == '<img src=x onerror="alert(1)"> Sapo'
