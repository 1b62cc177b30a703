"""Words typed with the Vietnamese input method switched off, read back as Vietnamese.

With Unikey or the phone's keyboard off, a reader typing "cán bộ" in Telex gets "cans booj", in
VNI "ca1n bo65". Search offers the Vietnamese reading of such a query (public.PublicSearch: "Có
phải bạn muốn tìm: cán bộ") when the query as typed finds nothing or only some of its words.

Telex: s f r x j after a syllable are the tones (sắc, huyền, hỏi, ngã, nặng); aa ee oo are â ê ô;
aw ow uw are ă ơ ư (uow is ươ, a lone w ư); dd is đ. VNI: digits 1-5 are the tones, 6 the hat
(â ê ô), 7 the horn (ơ ư; uo7 is ươ), 8 the breve (ă), 9 the stroke of đ. The tone goes where
Vietnamese writes it: on the vowel with a hat, horn or breve (ơ of ươ); else on the last vowel
before a final consonant; else on the middle of three vowels or the first of two (qu and gi
count as consonants).
"""

import re
import unicodedata

TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323",
         "s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
VOWELS = "aăâeêioôơuưy"
MARKED = "ăâêôơư"
HAT = {"a": "â", "e": "ê", "o": "ô"}
HORN = {"o": "ơ", "u": "ư"}
FINALS = ("c", "ch", "m", "n", "ng", "nh", "p", "t")
_VNI_RE = re.compile(r"^[a-z]+[0-9a-z]*$")
_TELEX_RE = re.compile(r"^[a-z]+$")


def _place_tone(word, tone):
    """`word` (letters, modifiers applied) with `tone` on the vowel Vietnamese marks."""
    start = 0
    if word.startswith(("qu", "gi")) and len(word) > 2 and word[2] in VOWELS:
        start = 2
    vowels = [i for i in range(start, len(word)) if word[i] in VOWELS]
    if not vowels:
        return None
    cluster = [i for i in vowels if i - vowels[0] == vowels.index(i)]  # the first run of vowels
    tail = word[cluster[-1] + 1:]
    if tail and tail not in FINALS:
        return None
    marked = [i for i in cluster if word[i] in MARKED]
    if marked:
        at = marked[-1]
    elif tail:
        at = cluster[-1]
    elif len(cluster) == 3:
        at = cluster[1]
    else:
        at = cluster[0]
    return unicodedata.normalize("NFC", word[:at + 1] + tone + word[at + 1:])


def _vni(word):
    letters, tone = [], ""
    for ch in word:
        if not ch.isdigit():
            letters.append(ch)
            continue
        if ch in "12345":
            tone = TONES[ch]
        elif ch == "9":
            if "d" not in letters:
                return None
            at = len(letters) - 1 - letters[::-1].index("d")
            letters[at] = "đ"
        else:
            table = {"6": HAT, "7": HORN, "8": {"a": "ă"}}.get(ch)
            if table is None:
                return None
            found = [i for i, letter in enumerate(letters) if letter in table]
            if not found:
                return None
            at = found[-1]
            if ch == "7" and letters[at] == "o" and at > 0 and letters[at - 1] == "u":
                letters[at - 1] = "ư"
            letters[at] = table[letters[at]]
    return "".join(letters), tone


def _telex(word):
    tone = ""
    if len(word) > 1 and word[-1] in "sfrxj" and any(v in word[:-1] for v in VOWELS):
        word, tone = word[:-1], TONES[word[-1]]
    if word.startswith("dd"):
        word = "đ" + word[2:]
    word = word.replace("uow", "ươ").replace("uwow", "ươ")
    for typed, letter in (("aa", "â"), ("ee", "ê"), ("oo", "ô"), ("aw", "ă"), ("ow", "ơ"), ("uw", "ư")):
        word = word.replace(typed, letter)
    word = re.sub(r"(?<![aăâeêioôơuưy])w", "ư", word)
    if "w" in word:
        return None
    return word, tone


def from_keystrokes(word):
    """The Vietnamese syllable typed as `word` in Telex or VNI, or None if it is not one."""
    lower = word.lower()
    if any(ch.isdigit() for ch in lower):
        if not _VNI_RE.match(lower) or lower.isdigit():
            return None
        read = _vni(lower)
    elif _TELEX_RE.match(lower):
        read = _telex(lower)
    else:
        return None
    if read is None:
        return None
    letters, tone = read
    if any(ch.isdigit() for ch in letters) or not any(v in letters for v in VOWELS):
        return None
    syllable = _place_tone(letters, tone) if tone else letters
    if syllable is None or syllable == lower:
        return None
    return syllable.capitalize() if word[:1].isupper() else syllable


def read_keystrokes(words):
    """The words with each Telex or VNI word read as Vietnamese, or None when none is one."""
    read = [from_keystrokes(word) or word for word in words]
    return read if read != list(words) else None
