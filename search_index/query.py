"""Turn what a reader typed into a Whoosh query, never failing on any input.

Rules, in the order a reader would expect them:
- every word must appear (a word typed without diacritics matches the folded field, so "dang"
  finds "Đảng" and "đang"; a word typed with diacritics also matches the folded field, but its
  exact form weighs much more, so "đường" ranks "đường" above "dương");
- "quoted words" must stand together, in that order;
- unquoted neighbouring words standing together score higher ("cán bộ" as a phrase beats "cán ... bộ");
- a code (2993-QĐ/TU, 08/3/2018) is found whole, or as its parts standing together.
Operators, stray quotes and punctuation are simply ignored; overlong input is cut.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import query as wq

from cms.text import nfc

from .analysis import exact_form, folded_form, has_diacritics, split_tokens

MAX_QUERY_CHARS = 300
MAX_CLAUSES = 16
EXACT_BOOST = 4.0  # an exact match (diacritics as typed) outweighs a folded one
PHRASE_BOOST = 3.0
# A word found only in a lesser field (the internal index's `related`: a visit's units before and
# after its own) counts this much of a word in the body.
RELATED_BOOST = 0.2

_QUOTED_RE = re.compile(r'"([^"]*)"')


class Or(wq.Or):
    """An OR whose matcher never skips documents: Whoosh's automatic choice, on small indexes,
    uses a matcher that under-estimates the best score and drops the best hits from a page."""

    matcher_type = wq.Or.DEFAULT_MATCHER


@dataclass
class Clause:
    tokens: list  # (token, parts) pairs, as typed (NFC)
    quoted: bool = False


@dataclass
class ParsedQuery:
    clauses: list = field(default_factory=list)

    @property
    def empty(self):
        return not self.clauses

    def words(self):
        return [token for clause in self.clauses for token, _ in clause.tokens]


def clean_input(text):
    text = nfc(text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return text[:MAX_QUERY_CHARS]


def parse(text):
    """Clauses of the query: quoted phrases and single words or codes."""
    text = clean_input(text)
    clauses = []

    def add_words(segment, quoted):
        tokens = [(token, [part for part, _, _ in parts]) for token, _, _, parts in split_tokens(segment)]
        if not tokens:
            return
        if quoted and len(tokens) > 1:
            clauses.append(Clause(tokens, quoted=True))
        else:
            clauses.extend(Clause([token]) for token in tokens)

    position = 0
    for match in _QUOTED_RE.finditer(text):
        add_words(text[position:match.start()], quoted=False)
        add_words(match.group(1), quoted=True)
        position = match.end()
    add_words(text[position:].replace('"', " "), quoted=False)
    return ParsedQuery(clauses[:MAX_CLAUSES])


def _weighted(title_field, body_field, lesser):
    """[(field, weight)]: title and body in full, then each of `lesser` ({field: weight})."""
    return [(title_field, 1.0), (body_field, 1.0), *lesser]


def _term_query(token, title_field, body_field, strict_marks=False, lesser=()):
    """One typed word or code against exact and folded fields (`strict_marks`: a word typed with
    diacritics matches only as typed). `lesser`: [(field, weight)] also searched, weighing less."""
    fields = _weighted(title_field, body_field, lesser)

    def alternatives(text):
        folded = folded_form(text)
        options = [wq.Term(name + "_f", folded, boost=weight) for name, weight in fields]
        if strict_marks and has_diacritics(text):
            options = []
        if has_diacritics(text):
            exact = exact_form(text)
            options += [wq.Term(name, exact, boost=EXACT_BOOST * weight) for name, weight in fields]
        return options

    word, parts = token
    options = alternatives(word)
    if parts:  # a code: whole, or its parts standing together
        folded_parts = [folded_form(part) for part in parts]
        options += [wq.Phrase(name + "_f", folded_parts, boost=weight) for name, weight in fields]
    return Or(options)


def _phrase_parts(tokens, title_field, body_field, boost=1.0, lesser=()):
    """[(field, words, boost)] of one phrase: folded in both fields, and as typed (weighing more)
    when it has diacritics. A code inside a phrase is matched by its parts: they are what stand
    next to the other words."""
    fields = _weighted(title_field, body_field, lesser)
    words = [word for token, parts in tokens for word in (parts or [token])]
    folded = [folded_form(word) for word in words]
    parts = [(name + "_f", folded, boost * weight) for name, weight in fields]
    if any(has_diacritics(word) for word in words):
        exact = [exact_form(word) for word in words]
        parts += [(name, exact, boost * EXACT_BOOST * weight) for name, weight in fields]
    return parts


def _phrase_query(tokens, title_field, body_field, boost=1.0, lesser=()):
    parts = _phrase_parts(tokens, title_field, body_field, boost, lesser)
    return Or([wq.Phrase(field_name, words, boost=weight) for field_name, words, weight in parts])


def build(parsed, require_all=True, title_field="title", body_field="body", adjacency=True, lesser=()):
    """The Whoosh query for parsed clauses; `require_all=False` gives the looser OR fallback.
    `adjacency=False` leaves out the phrase boosts (same matches, for counting). `lesser`:
    [(field, weight)] searched too, weighing less (the internal index's `related`)."""
    if parsed.empty:
        return wq.NullQuery
    parts = [(_phrase_query(c.tokens, title_field, body_field, lesser=lesser) if c.quoted
              else _term_query(c.tokens[0], title_field, body_field, lesser=lesser)) for c in parsed.clauses]
    if not require_all:
        # The loose fallback trusts the diacritics a reader typed: "tuyển dụng" must not come back
        # as any page with "dựng" in it.
        return Or([_phrase_query(c.tokens, title_field, body_field, lesser=lesser) if c.quoted
                   else _term_query(c.tokens[0], title_field, body_field, strict_marks=True, lesser=lesser)
                   for c in parsed.clauses])
    main = wq.And(parts) if len(parts) > 1 else parts[0]
    boost = adjacency_query(parsed, title_field, body_field, lesser) if adjacency else None
    return main if boost is None else wq.AndMaybe(main, boost)


def adjacency_query(parsed, title_field="title", body_field="body", lesser=()):
    """The adjacency_phrases as one Whoosh query, or None: a document where neighbouring words
    stand together scores higher ("cán bộ" as a phrase beats "cán ... bộ" far apart)."""
    phrases = adjacency_phrases(parsed, title_field, body_field, lesser)
    if not phrases:
        return None
    return Or([wq.Phrase(field_name, words, boost=boost) for field_name, words, boost in phrases])


def adjacency_phrases(parsed, title_field="title", body_field="body", lesser=()):
    """Phrases of neighbouring unquoted words (each pair, and the whole run) as plain data,
    [(field, [words], boost)]: public search weighs them on a few candidates from their postings
    (public.adjacency_bonus); adjacency_query makes them a Whoosh query."""
    loose_words = [c.tokens[0] for c in parsed.clauses if not c.quoted]
    if len(loose_words) < 2:
        return []
    runs = [loose_words[i:i + 2] for i in range(len(loose_words) - 1)]
    if len(loose_words) > 2:
        runs.append(loose_words)
    return [part for run in runs
            for part in _phrase_parts(run, title_field, body_field, PHRASE_BOOST, lesser)]


def highlight_terms(parsed):
    """Every typed word and code part, as typed: snippets mark them (see snippets.make_snippet)."""
    terms = set()
    for word, parts in (token for clause in parsed.clauses for token in clause.tokens):
        terms.add(word)
        terms.update(parts)
    return terms
