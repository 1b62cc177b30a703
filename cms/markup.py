"""Markdown to safe HTML: the one renderer for public pages and (later) the admin preview."""

import re
from html import unescape

import markdown
import nh3

from .text import nfc

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# align as an attribute (not a style), so that nh3's defaults keep a table's column alignment.
MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}


# Functions html -> html run on every sanitized render (cms.documents links document numbers):
# their output is trusted, so each must add only markup it builds itself.
_HTML_FILTERS = []


def add_html_filter(function):
    """Run `function(html)` on every render_markdown result, after sanitizing (once per function)."""
    if function not in _HTML_FILTERS:
        _HTML_FILTERS.append(function)


def render_markdown(text):
    """Sanitized HTML for a Markdown body. Scripts, handlers, iframes and js:/data: URLs are removed;
    then the registered HTML filters run."""
    html = _sanitize(text)
    for function in _HTML_FILTERS:
        html = function(html)
    return html


def _sanitize(text):
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


def html_to_text(html):
    """Plain text of sanitized HTML (for search and snippets): tags dropped, entities decoded."""
    text = _TAG_RE.sub(" ", html or "")
    return _SPACE_RE.sub(" ", unescape(text)).strip()
