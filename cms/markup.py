"""Markdown to safe HTML: the one renderer for public pages and (later) the admin preview."""

import re
import xml.etree.ElementTree as ET
from html import escape, unescape

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .text import nfc


class _CaptionedImages(Treeprocessor):
    """A paragraph holding only an image with a title (`![alt](src "Chú thích")`) becomes
    <figure><img><figcaption>Chú thích</figcaption></figure>; the title is then said once, under it."""

    def run(self, root):
        for paragraph in root.iter("p"):
            children = list(paragraph)
            if (len(children) != 1 or children[0].tag != "img" or not children[0].get("title")
                    or (paragraph.text or "").strip() or (children[0].tail or "").strip()):
                continue
            image = children[0]
            paragraph.tag, paragraph.text = "figure", None
            caption = ET.SubElement(paragraph, "figcaption")
            caption.text = image.attrib.pop("title")
            image.tail = None


class _CaptionsExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_CaptionedImages(md), "captioned_images", 5)


MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", _CaptionsExtension()]
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
    html = markdown.markdown(nfc(text or ""), extensions=MARKDOWN_EXTENSIONS,
                             extension_configs=MARKDOWN_CONFIG, output_format="html")
    html = _sanitize(html)
    for function in _HTML_FILTERS:
        html = function(html)
    return html


def _sanitize(html):
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )


def figure_html(src, caption="", alt="", size=None):
    """An image with its caption under it (an article's cover), as a body's captioned image is
    written, through the same sanitizer. `size`: (width, height) when known."""
    dimensions = f' width="{size[0]}" height="{size[1]}"' if size else ""
    caption = f"<figcaption>{escape(nfc(caption))}</figcaption>" if caption else ""
    image = f'<img src="{escape(src)}" alt="{escape(nfc(alt))}"{dimensions}>'
    return _sanitize(f"<figure>{image}{caption}</figure>")


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
