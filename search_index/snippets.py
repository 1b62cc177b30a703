"""Snippets with the matched words marked, whether they matched exactly or through folding.

A word typed with diacritics is marked where it appears as typed ("cơ sở" marks "cơ sở", not
"có số"); a word typed without them is marked in every accented form. Only when a document
matched through folding alone are folded forms of accented words marked instead.

A snippet reads as a person would quote the text: it starts where a sentence (or, in a long one,
a clause) starts, stays within its block (a heading is not run into the paragraph after it, a
table row's cells stay apart: cms.markup.html_to_text puts each block on its own line), and is the
stretch of SNIPPET_CHARS holding the most of the typed words. The passage is found on the folded
text first, so only those few hundred characters go through the analyzer and the highlighter
(running them over a whole article cost ~5 ms a result).
"""

import re
from html import escape

from whoosh.analysis import Filter
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter, highlight

from cms.text import fold

from .analysis import VietnameseTokenizer, exact_form, folded_form, has_diacritics

SNIPPET_CHARS = 220
MAX_CANDIDATES = 200  # places of typed words weighed per text
SENTENCE_START_RE = re.compile(r"(?:^|(?<=[.!?…:;]))\s+(?=\S)|^")
CLAUSE_BREAKS = (", ", " - ", " – ")


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


def _places(text, folded_text, exact_terms, folded_terms):
    """[(offset, term)] where a typed word stands in `text` (found in its folded copy, which has
    the same length): a word typed with diacritics only where it stands as typed."""
    places = []
    for term in exact_terms | folded_terms:
        key = folded_form(term)
        for match in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", folded_text):
            if term in exact_terms and term not in folded_terms and \
                    exact_form(text[match.start():match.end()]) != term:
                continue
            places.append((match.start(), key))
            if len(places) >= MAX_CANDIDATES:
                break
    return sorted(places)


def _passage_start(text, line_start, at, chars):
    """(where the passage quoting the word at `at` begins, whether a sentence begins there): its
    sentence's start, or in a long sentence the clause before it, or a word a little before it."""
    sentence = line_start
    for match in SENTENCE_START_RE.finditer(text, line_start, at + 1):
        sentence = match.end()
    if at - sentence <= chars * 0.55:
        return sentence, True
    clause = max((text.rfind(mark, sentence, at) + len(mark) for mark in CLAUSE_BREAKS
                  if text.rfind(mark, sentence, at) >= 0), default=-1)
    if clause >= 0 and at - clause <= chars * 0.55:
        return clause, False
    word = text.rfind(" ", sentence, max(sentence, at - 60))
    return (word + 1, False) if word >= 0 else (sentence, True)


def _passage(text, folded_text, exact_terms, folded_terms, chars):
    """(passage, cut before, cut after) of `text` with the most distinct typed words, or None."""
    places = _places(text, folded_text, exact_terms, folded_terms)
    if not places:
        return None
    def weight(i):
        """(distinct words in reach, how far apart they stand) of the stretch starting at place i."""
        offset, seen, span = places[i][0], set(), 0
        for at, term in places[i:]:
            if at >= offset + chars * 0.6:
                break
            if term not in seen:
                seen.add(term)
                span = at - offset
        return -len(seen), span, offset

    best = min(weight(i) for i in range(len(places)))[2]
    line_start = text.rfind("\n", 0, best) + 1
    start, at_sentence = _passage_start(text, line_start, best, chars)
    line_end = text.find("\n", best)
    line_end = len(text) if line_end < 0 else line_end
    end = min(line_end, start + chars)
    if end < line_end:
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > best else end
    passage = text[start:end]
    if start == line_start and end == line_end and len(passage) < chars * 0.5 and line_end < len(text):
        # A heading or a short line: the line after it follows, set apart.
        next_end = text.find("\n", line_end + 1)
        next_end = len(text) if next_end < 0 else next_end
        end = min(next_end, line_end + 1 + chars - len(passage))
        if end < next_end and text.rfind(" ", line_end + 1, end) > line_end:
            end = text.rfind(" ", line_end + 1, end)
        passage += " — " + text[line_end + 1:end]
    return passage, not at_sentence, end < len(text) and text[end:end + 1] != "\n"


def _marked_passage(text, exact_terms, folded_terms, chars):
    folded_text = fold(text)
    if len(folded_text) != len(text):  # a character folds into several: find the passage the slow way
        return _marked(text, exact_terms, folded_terms, chars)
    found = _passage(text, folded_text, exact_terms, folded_terms, chars)
    if found is None:
        return ""
    passage, cut_before, cut_after = found
    analyzer = VietnameseTokenizer() | _MatchKeyFilter(exact_terms)
    keys = {"e:" + term for term in exact_terms} | {"f:" + term for term in folded_terms}
    marked = highlight(passage, keys, analyzer, WholeFragmenter(), MarkFormatter(), top=1)
    if not marked:
        return ""
    return ("… " if cut_before else "") + marked + (" …" if cut_after else "")


def make_snippet(text, words, chars=SNIPPET_CHARS):
    """HTML-safe snippet of `text` around the typed `words`; the opening of the text if none match."""
    text = text or ""
    exact = {exact_form(w) for w in words if has_diacritics(w)}
    loose = {folded_form(w) for w in words if not has_diacritics(w)}
    if words:
        marked = _marked_passage(text, exact, loose, chars) or _marked_passage(
            text, set(), loose | {folded_form(w) for w in words}, chars)
        if marked:
            return marked
    opening = text[:chars].split("\n", 1)[0]
    if len(opening) < len(text):
        opening = (opening.rsplit(" ", 1)[0] if len(opening) == chars else opening) + " …"
    return escape(opening)
