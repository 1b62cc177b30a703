"""Vietnamese analysis for Whoosh: syllables, document codes, and two views of every text.

- exact view: NFC, one tone-mark placement (hoà = hòa, uỷ = ủy), lower case; diacritics kept.
- folded view: every diacritic dropped and đ -> d ("Đảng" -> "dang").

Document numbers and codes (2993-QĐ/TU, 08/3/2018, 2020-2025) are kept whole, and their parts
are emitted too, so "2993-QĐ/TU", "2993" and "qđ/tu" all find them. The whole code shares the
position of its first part, so phrase positions of the surrounding words stay right.

Normalizing a token is cached: the syllable vocabulary is small, documents repeat it endlessly.
Tokenizer and filters are module-level classes, because Whoosh pickles analyzers.
"""

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, Token, Tokenizer

from cms.text import fold, normalize_tones

# A code: word characters joined by - / or . ("2993-QĐ/TU", "08/3/2018"); else a plain word.
TOKEN_RE = re.compile(r"\w+(?:[-/.]\w+)+|\w+")
PART_RE = re.compile(r"\w+")
MAX_TOKEN_LENGTH = 60


# Letters typed for Đ/đ from other alphabets, read as Đ/đ (folding maps them to d already).
_D_HOMOGLYPHS = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})


@lru_cache(maxsize=300_000)
def exact_form(text):
    return normalize_tones(text.translate(_D_HOMOGLYPHS)).lower()


@lru_cache(maxsize=300_000)
def folded_form(text):
    return fold(text)


def has_diacritics(text):
    """True when the text carries any mark a folded form would drop (đ included)."""
    return exact_form(text) != folded_form(text)


def split_tokens(text):
    """(token, start, end, parts) for each word or code of NFC text; parts are (part, start, end)."""
    for match in TOKEN_RE.finditer(text):
        token = match.group(0)
        if len(token) > MAX_TOKEN_LENGTH:
            token = token[:MAX_TOKEN_LENGTH]
        parts = []
        if any(sep in token for sep in "-/."):
            parts = [(p.group(0), match.start() + p.start(), match.start() + p.end())
                     for p in PART_RE.finditer(token)]
        yield token, match.start(), match.start() + len(token), parts


class VietnameseTokenizer(Tokenizer):
    """Words and codes of NFC text; a code also yields its parts."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        value = unicodedata.normalize("NFC", value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for text, start, end, parts in split_tokens(value):
            emitted = [(text, start, end, pos)] + [
                (part, p_start, p_end, pos + i) for i, (part, p_start, p_end) in enumerate(parts)]
            for piece, piece_start, piece_end, piece_pos in emitted:
                token.text = piece
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = piece
                if positions:
                    token.pos = piece_pos
                if chars:
                    token.startchar = start_char + piece_start
                    token.endchar = start_char + piece_end
                yield token
            pos += max(1, len(parts))


# Analysis is a third of a rebuild, and a text's tokens repeat (news uses a few thousand syllables):
# each distinct token is put in its exact and folded forms once per process.
TOKEN_FORMS_CACHED = 50_000  # ~15 MB at most, each of the two
_exact_token = lru_cache(maxsize=TOKEN_FORMS_CACHED)(exact_form)
_folded_token = lru_cache(maxsize=TOKEN_FORMS_CACHED)(folded_form)


class ExactFilter(Filter):
    """Lower case, one tone placement; diacritics kept."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, tokens):
        for token in tokens:
            token.text = _exact_token(token.text)
            yield token


class FoldFilter(Filter):
    """Lower case without any diacritic, đ -> d."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, tokens):
        for token in tokens:
            token.text = _folded_token(token.text)
            yield token


def exact_analyzer():
    return VietnameseTokenizer() | ExactFilter()


def folded_analyzer():
    return VietnameseTokenizer() | FoldFilter()
