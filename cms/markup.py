"""Markdown to safe HTML: the one renderer for public pages and (later) the admin preview."""

import re
from html import unescape

import markdown
import nh3

from .text import nfc

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# align as an attribute (not a style), so that nh3's defaults keep a table's column alignment.
MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}


def render_markdown(text):
    """Sanitized HTML for a Markdown body. Scripts, handlers, iframes and js:/data: URLs are removed."""
    html = markdown.markdown(nfc(text or ""), extensions=MARKDOWN_EXTENSIONS,
                             extension_configs=MARKDOWN_CONFIG, output_format="html")
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )


_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")


_CELL_BREAK_RE = re.compile(r"</t[dh]>\s*<t[dh][^>]*>")
_LINES_RE = re.compile(r"\s*\n\s*")


def html_to_text(html):
    """Plain text of sanitized HTML (for search and snippets): tags dropped, entities decoded; each
    block (heading, paragraph, list item, table row) on a line of its own, a row's cells joined by
    " · ", so that a snippet never runs a heading into the text after it or cells together."""
    text = _TAG_RE.sub(" ", _CELL_BREAK_RE.sub(" · ", html or ""))
    return _LINES_RE.sub("\n", _SPACE_RE.sub(" ", unescape(text))).strip()
