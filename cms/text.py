"""Vietnamese text helpers: NFC, one tone-mark placement, accent folding, slugs.

Readers treat "hoà" and "hòa", "Uỷ" and "Ủy", NFC and NFD as the same word; so do these helpers.
"""

import re
import unicodedata

# Tone marks as combining characters (NFD). Circumflex, breve and horn are letters, not tones.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# Letters people type for đ/Đ, including look-alikes from other alphabets.
# The combining diacritical marks block: every mark a Latin letter (and so a Vietnamese one) carries.
_LAST_LATIN_MARK = "\u036f"
_LATIN_MARKS_RE = re.compile("[\u0300-\u036f]+")
D_LIKE = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d"})
_D_LETTERS = [(chr(code), letter) for code, letter in D_LIKE.items()]

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
    text = text or ""
    for look_alike, letter in _D_LETTERS:  # str.translate would look up every character
        if look_alike in text:
            text = text.replace(look_alike, letter)
    stripped = _LATIN_MARKS_RE.sub("", unicodedata.normalize("NFD", text))  # Vietnamese marks
    if stripped and max(stripped) > _LAST_LATIN_MARK:  # other scripts may carry marks of their own
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def slugify(text, max_length=80):
    """URL slug: 'Đổi mới, nâng cao chất lượng' -> 'doi-moi-nang-cao-chat-luong'."""
    slug = _NON_SLUG_RE.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
