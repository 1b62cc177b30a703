"""A small reader's view of a returned HTML page, built on the standard library's HTMLParser.

Tests look at pages the way a reader does: the text and links inside a part of the page (the main
content, the sidebar, "Tin cùng chuyên mục"...), not at the objects behind them.

    page = parse(client.get("/").get_data(as_text=True))
    page.find(cls="sidebar").article_slugs()
"""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
ARTICLE_HREF = re.compile(r"^(?:https?://[^/]+)?/bai-viet/([^/?#]+)$")


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []  # Nodes and str

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants with this tag, CSS class and attribute values (any of them may be omitted)."""
        return [node for node in self.iter()
                if (tag is None or node.tag == tag)
                and (cls is None or cls in node.classes)
                and all(node.attrs.get(key.rstrip("_")) == value for key, value in attrs.items())]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    @property
    def text(self):
        """The text a reader sees, whitespace collapsed."""
        parts = []

        def walk(node):
            for child in node.children:
                if isinstance(child, Node):
                    walk(child)
                else:
                    parts.append(child)
        walk(self)
        return " ".join("".join(parts).split())

    def links(self):
        return [a.attrs.get("href") for a in self.find_all("a") if a.attrs.get("href")]

    def article_slugs(self):
        """Slugs of the articles linked from here, in page order, each once."""
        slugs = []
        for href in self.links():
            match = ARTICLE_HREF.match(href)
            if match and match.group(1) not in slugs:
                slugs.append(match.group(1))
        return slugs

    def times(self):
        """The dates shown (text of <time> elements), in page order."""
        return [node.text.strip("()") for node in self.find_all("time")]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def get_page(client, url, status=200):
    """GET url, check the status, return the parsed page (and keep the raw HTML on .html)."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.get_data(as_text=True)
    page = parse(html)
    page.html = html
    return page


def assert_not_found(client, url):
    """url answers 404 with the site's Vietnamese page."""
    page = get_page(client, url, status=404)
    assert page.find("html").attrs.get("lang") == "vi"
    assert "Không tìm thấy trang" in page.find("h1").text
    assert "/" in page.find("main").links()  # a way back to the home page
    return page
