"""Vietnamese text helpers: NFC, one tone-mark placement, accent folding, slugs.

Readers treat "hoà" and "hòa", "Uỷ" and "Ủy", NFC and NFD as the same word; so do these helpers.
"""

import re
import unicodedata

# Tone marks as combining characters (NFD). Circumflex, breve and horn are letters, not tones.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# Letters people type for đ/Đ, including look-alikes from other alphabets.
D_LIKE = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d"})

_WORD_RE = re.compile(r"\w+")
# Control characters (tab, newline and carriage return aside) that XML 1.0 forbids and that
# pasting from word processors brings in (a vertical tab for a soft line break, say).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")


def nfc(text):
    """Text in composed form, without stray control characters; None stays None."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", text))


def _tone_on_first_vowel(word):
    """Move the tone of a syllable ending in oa, oe or uy onto its first vowel (hoà -> hòa).

    Only those open endings have two placements in use. After q the u is part of the consonant
    ("quý" keeps its mark on y), and a final consonant ("hoàn") leaves one placement only.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) != 1:
        return word
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    ending = base[-2:].lower()
    if ending not in ("oa", "oe", "uy"):
        return word
    if ending == "uy" and base[-3:-2].lower() == "q":
        return word
    return unicodedata.normalize("NFC", base[:-1] + tones[0] + base[-1])


def normalize_tones(text):
    """NFC text with every oa/oe/uy syllable written with the mark on the first vowel."""
    text = nfc(text or "")
    return _WORD_RE.sub(lambda m: _tone_on_first_vowel(m.group(0)), text)


def fold(text):
    """Lower-case text without diacritics, đ included: 'Tỉnh ủy Đà Nẵng' -> 'tinh uy da nang'."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(D_LIKE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def slugify(text, max_length=80):
    """URL slug: 'Đổi mới, nâng cao chất lượng' -> 'doi-moi-nang-cao-chat-luong'."""
    slug = _NON_SLUG_RE.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
