"""Snippets with the matched words marked, whether they matched exactly or through folding.

A word typed with diacritics is marked where it appears as typed ("cơ sở" marks "cơ sở", not
"có số"); a word typed without them is marked in every accented form. Only when a document
matched through folding alone are folded forms of accented words marked instead.
"""

from html import escape

from whoosh.analysis import Filter
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from .analysis import VietnameseTokenizer, exact_form, folded_form, has_diacritics

SNIPPET_CHARS = 220


class MarkFormatter(HtmlFormatter):
    """Matches as plain <mark>…</mark>; the text around them is HTML-escaped."""

    def __init__(self):
        super().__init__(tagname="mark", between=" … ")
        self.template = "<%(tag)s>%(t)s</%(tag)s>"


class _MatchKeyFilter(Filter):
    """Turns each token into the key it would be matched by: exact ("e:") or folded ("f:")."""

    def __init__(self, exact_terms):
        self.exact_terms = exact_terms

    def __call__(self, tokens):
        for token in tokens:
            exact = exact_form(token.text)
            token.text = "e:" + exact if exact in self.exact_terms else "f:" + folded_form(token.text)
            yield token


def _marked(text, exact_terms, folded_terms, chars):
    analyzer = VietnameseTokenizer() | _MatchKeyFilter(exact_terms)
    keys = {"e:" + term for term in exact_terms} | {"f:" + term for term in folded_terms}
    return highlight(text, keys, analyzer, ContextFragmenter(maxchars=chars, surround=70),
                     MarkFormatter(), top=2)


def make_snippet(text, words, chars=SNIPPET_CHARS):
    """HTML-safe snippet of `text` around the typed `words`; the opening of the text if none match."""
    text = text or ""
    exact = {exact_form(w) for w in words if has_diacritics(w)}
    loose = {folded_form(w) for w in words if not has_diacritics(w)}
    if words:
        marked = _marked(text, exact, loose, chars) or _marked(
            text, set(), loose | {folded_form(w) for w in words}, chars)
        if marked:
            return marked
    opening = text[:chars]
    if len(text) > chars:
        opening = opening.rsplit(" ", 1)[0] + " …"
    return escape(opening)
