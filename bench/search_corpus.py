"""The corpus of bench/search.py: N articles of Vietnamese news of about 400 words, and its queries.

The site itself (categories, tags, titles, leads, dates, insert_many in batches, the check of a
sample against Article.save()) comes from bench/generate.py. Only the bodies differ: generate.py
builds them from its own two dozen sentence templates, which gives a vocabulary far narrower than
real news. Here a body mixes
  - sentences of the demo articles (content/articles), as written,
  - sentences recombined from two demo sentences (the opening clause of one, the rest of another),
  - sentences of generate.py's templates, filled with names, places, numbers and documents,
  - sentences naming people, places and organisations made up from Vietnamese-shaped syllables
    (the long tail of distinct words that real news has and 36 articles cannot give),
in paragraphs of 3-6 sentences, under headings taken from both, with some lists, quotes and
tables, until the article (title, lead and body) reaches a length drawn around 400 words.
So the syllable distribution follows the demo articles (common words such as "cán bộ",
"đảng viên" are frequent, as in the real thing) with a tail of names, places and figures;
`corpus_stats` prints the comparison.

Every article is published (1 % scheduled in the coming weeks, which search must filter out at
query time): the public index then holds all N documents.

generate.generate_site() is called with its block pools, its body builder and its shares of
non-public articles swapped for ours (unittest.mock.patch.multiple on the module): generate.py
itself is unchanged. If those names change there, patch.multiple fails loudly rather than
silently building another corpus.
"""

import hashlib
import os
import random
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from unittest import mock

from bench import generate
from cms.content_import import read_article_file
from cms.markup import html_to_text
from cms.text import fold, nfc

ROOT = generate.ROOT
DEMO_DIR = ROOT / "content" / "articles"
OUT_DIR = generate.OUT_DIR
TARGET_WORDS = 400  # title + lead + body, on average
BODY_WORDS_MEAN, BODY_WORDS_SD, BODY_WORDS_MIN, BODY_WORDS_MAX = 290, 85, 150, 620
# Shares of sentences: demo as written, recombined, naming made-up people and places; the rest
# from generate.py's templates.
SHARE_DEMO, SHARE_RECOMBINED, SHARE_NAMES = 0.4, 0.2, 0.12

_WORD_RE = re.compile(r"\w+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def words(text):
    return _WORD_RE.findall(text)


# --- demo text --------------------------------------------------------------------------------

def _plain(text):
    text = _LINK_RE.sub(r"\1", text)
    return " ".join(text.replace("**", "").replace("*", "").replace("`", "").split())


def _sentences(paragraph):
    """Sentences of a paragraph; a piece starting in lower case belongs to the previous one."""
    out = []
    for piece in _SENTENCE_END_RE.split(paragraph):
        piece = piece.strip()
        if not piece:
            continue
        if out and not piece[0].isupper() and not piece[0].isdigit():
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def demo_material():
    """{"sentences", "headings", "items", "titles", "texts"} of the demo articles (content/articles)."""
    sentences, headings, items, titles, texts = [], [], [], [], []
    for path in sorted(DEMO_DIR.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        fields = read_article_file(path)
        titles.append(fields["title"])
        texts.append(" ".join([fields["title"], fields["lead"], fields["body"]]))
        sentences += _sentences(_plain(fields["lead"]))
        for block in re.split(r"\n\s*\n", fields["body"]):
            block = block.strip()
            if not block or block.startswith(("![", "|")) or "\n|" in block:
                continue
            if block.startswith("#"):
                headings.append(_plain(block.lstrip("#")))
                continue
            lines = block.splitlines()
            if all(_LIST_MARK_RE.match(line) for line in lines):
                items += [_plain(_LIST_MARK_RE.sub("", line)) for line in lines]
                continue
            text = _plain(" ".join(line.lstrip("> ") for line in lines))
            sentences += _sentences(text)
    clean = [nfc(s) for s in sentences if len(words(s)) >= 5 and not _LIST_MARK_RE.match(s)]
    return {"sentences": clean, "headings": [nfc(h) for h in headings if h],
            "items": [nfc(i) for i in items if len(words(i)) >= 4], "titles": titles, "texts": texts}


# --- bodies -------------------------------------------------------------------------------------

# Real news names many people, places and organisations: that is where most of its distinct
# syllables come from (tens of thousands of distinct tokens in a large corpus, against about 1,300
# in the 36 demo articles). Sentences of this kind name them with syllables built from Vietnamese
# onsets, rhymes and tones (made up, but shaped like the real ones), drawn with Zipf-like
# frequencies: a few recur everywhere, most are rare.
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph",
          "qu", "r", "s", "t", "th", "tr", "v", "x"]
OPEN_RHYMES = ["a", "ai", "ao", "au", "ay", "âu", "ây", "e", "eo", "ê", "êu", "i", "ia", "iu", "o",
               "oa", "oi", "ô", "ôi", "ơ", "ơi", "u", "ua", "ui", "uy", "ư", "ưa", "ươi", "ưu",
               "am", "an", "ang", "anh", "ăm", "ăn", "ăng", "âm", "ân", "em", "en", "êm", "ên",
               "ênh", "im", "in", "inh", "iêm", "iên", "iêng", "om", "on", "ong", "oan", "oang",
               "oanh", "ôm", "ôn", "ông", "ơm", "ơn", "um", "un", "ung", "uân", "uôn", "uông",
               "uyên", "ưng", "ương"]
STOP_RHYMES = ["ac", "ach", "ăc", "ăt", "âc", "ât", "ap", "âp", "at", "ec", "et", "êt", "êch", "ep",
               "ich", "it", "ip", "iêc", "iêt", "oc", "ot", "op", "oat", "oac", "ôc", "ôt", "ơt",
               "uc", "ut", "up", "uât", "uôc", "uôt", "uyêt", "ưc", "ưt", "ươc", "ươt"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
VOWELS = "aăâeêioôơuưy"
NAME_SENTENCES = [
    "Đồng chí {person}, Bí thư Chi bộ thôn {place}, cho biết chi bộ duy trì sinh hoạt đều đặn vào "
    "ngày {day} hằng tháng.",
    "Tại xã {place}, mô hình {thing} được nhiều hộ đảng viên hưởng ứng.",
    "Gia đình ông {person} ở bản {place} là hộ đầu tiên hiến đất mở đường vào khu {place2}.",
    "Công ty {org} hiện có {count} lao động, trong đó có {small} đảng viên sinh hoạt tại chi bộ "
    "công ty.",
    "Theo ông {person}, Chủ tịch Hội Nông dân xã {place}, việc {thing} cần được duy trì thường "
    "xuyên.",
    "Bà {person}, người dân xóm {place}, chia sẻ niềm vui khi con trai được kết nạp vào Đảng.",
    "Hợp tác xã {org} ở {place} đã giúp {count} hộ thoát nghèo nhờ trồng {thing}.",
    "Anh {person}, đội trưởng đội {thing} của thôn {place}, được đề nghị kết nạp đảng trong đợt này.",
]


def _syllable(onset, rhyme, tone):
    """The syllable with its tone on the main vowel (NFC): a vowel with a hat or horn first (the
    second of ươ), else the last vowel of a closed rhyme or of oa/oe/uy, else the first vowel."""
    positions = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    if not positions:
        return None
    marked = [i for i in positions if rhyme[i] in "âăêôơ"] or [i for i in positions if rhyme[i] == "ư"]
    if marked:
        at = marked[-1]
    elif rhyme[positions[-1] + 1:] or rhyme[-2:] in ("oa", "oe", "uy"):
        at = positions[-1]
    else:
        at = positions[0]
    return unicodedata.normalize("NFC", onset + rhyme[:at + 1] + tone + rhyme[at + 1:])


def syllable_inventory(rng):
    """Vietnamese-shaped syllables (about 10,000) in a seeded random order."""
    found = set()
    for onset in ONSETS:
        for rhyme in OPEN_RHYMES + STOP_RHYMES:
            for tone in (TONES if rhyme in OPEN_RHYMES else ["\u0301", "\u0323"]):
                if onset in ("k", "gh") and rhyme[0] not in "eêiy":
                    continue
                if onset in ("c", "g", "ng") and rhyme[0] in "eêi":
                    continue
                if onset == "qu" and rhyme[0] in "uô":
                    continue
                syllable = _syllable(onset, rhyme, tone)
                if syllable:
                    found.add(syllable)
    inventory = sorted(found)
    rng.shuffle(inventory)
    return inventory


class _Names:
    """Zipf-like draws from the syllable inventory: made-up names of people, places, things."""

    def __init__(self, rng):
        self.rng = rng
        self.inventory = syllable_inventory(rng)
        self.cumulative = generate._weighted_cumulative(
            [1 / (rank + 1) ** 1.05 for rank in range(len(self.inventory))])

    def syllables(self, n, capital=True):
        chosen = self.rng.choices(self.inventory, cum_weights=self.cumulative, k=n)
        return " ".join(generate._cap(s) if capital else s for s in chosen)

    def sentence(self):
        rng = self.rng
        return rng.choice(NAME_SENTENCES).format(
            person=f"{rng.choice(generate.SURNAMES)} {self.syllables(rng.randint(1, 2))}",
            place=self.syllables(2), place2=self.syllables(2), org=self.syllables(rng.randint(2, 3)),
            thing=self.syllables(2, capital=False), count=rng.randint(20, 900), small=rng.randint(3, 40),
            day=rng.randint(1, 28))


# --- the "news" corpus: word frequencies of real news, no sentence repeated --------------------

# Sentences of the default corpus are partly the demo articles' own, so at 10,000 articles each demo
# sentence stands in hundreds of documents: every phrase of it is "common", which real news never
# is. The news corpus writes every sentence anew: syllables follow a Zipf-Mandelbrot curve
# (frequency of rank r proportional to 1 / (r + ZIPF_Q) ** ZIPF_S, the shape fitted to word counts of
# news text in many languages; the demo articles rank the common syllables, the made-up inventory
# extends the tail), and each word follows the one before it as in the demo articles with
# probability BIGRAM_SHARE ("cán" -> "bộ"), which gives collocations their real weight.
ZIPF_S, ZIPF_Q = 1.0, 2.7  # estimates: the classic fit of news text, not measured on Vietnamese here
BIGRAM_SHARE = 0.55
SENTENCE_WORDS = (10, 28)


class _NewsSentences:
    def __init__(self, rng, demo_texts):
        self.rng = rng
        counts, followers, starts = Counter(), {}, Counter()
        for text in demo_texts:
            for sentence in _sentences(_plain(text)):
                tokens = [t.lower() for t in words(sentence) if not t.isdigit()]
                if len(tokens) < 3:
                    continue
                starts[tokens[0]] += 1
                counts.update(tokens)
                for first, second in zip(tokens, tokens[1:], strict=False):
                    followers.setdefault(first, Counter())[second] += 1
        ranked = [w for w, _ in counts.most_common()]
        known = set(ranked)
        ranked += [s for s in syllable_inventory(rng) if s not in known]
        self.vocabulary = ranked
        self.cumulative = generate._weighted_cumulative(
            [1 / (rank + 1 + ZIPF_Q) ** ZIPF_S for rank in range(len(ranked))])
        self.followers = {w: (list(c), generate._weighted_cumulative(list(c.values())))
                          for w, c in followers.items()}
        self.starts = (list(starts), generate._weighted_cumulative(list(starts.values())))

    def sentence(self):
        rng = self.rng
        length = rng.randint(*SENTENCE_WORDS)
        chosen = rng.choices(self.starts[0], cum_weights=self.starts[1], k=1)
        while len(chosen) < length:
            following = self.followers.get(chosen[-1])
            if following and rng.random() < BIGRAM_SHARE:
                chosen += rng.choices(following[0], cum_weights=following[1], k=1)
            else:
                chosen += rng.choices(self.vocabulary, cum_weights=self.cumulative, k=1)
        if len(chosen) > 8 and rng.random() < 0.4:
            chosen[rng.randrange(3, len(chosen) - 3)] += ","  # a clause break: n-grams stop there
        return generate._cap(" ".join(chosen)) + "."


CORPUS_KINDS = ("demo-mix", "news")
corpus_kind = "demo-mix"  # set by bench/search.py --corpus before anything is built


class _Pool(generate._BlockPool):
    """generate.py's block pool (markdown, its HTML, its folded text) plus each block's word count."""

    def __init__(self, blocks):
        super().__init__(blocks)
        self.words = [len(words(md)) for md, _, _ in self.blocks]

    def pick_with_words(self, rng):
        i = rng.randrange(len(self.blocks))
        return self.blocks[i], self.words[i]


def _pools(writer, n_articles):
    """Replaces generate._pools: paragraphs mixing demo, recombined and template sentences."""
    rng = writer.rng
    demo = demo_material()
    demo_sentences = demo["sentences"]
    with_comma = [s for s in demo_sentences if ", " in s[:-1]]
    names = _Names(rng)
    news = _NewsSentences(rng, demo["texts"]) if corpus_kind == "news" else None

    def sentence():
        r = rng.random()
        if news is not None:
            return names.sentence() if r < SHARE_NAMES else news.sentence()
        if r < SHARE_DEMO:
            return rng.choice(demo_sentences)
        if r < SHARE_DEMO + SHARE_RECOMBINED and len(with_comma) > 1:
            first, second = rng.sample(with_comma, 2)
            return first.split(", ", 1)[0] + ", " + second.split(", ", 1)[1]
        if r < SHARE_DEMO + SHARE_RECOMBINED + SHARE_NAMES:
            return names.sentence()
        return writer.fill(rng.choice(generate.SENTENCES))

    def paragraph():
        text = " ".join(sentence() for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.2:
            text += " " + writer.fill(rng.choice(generate.EMPHASES))
        return text

    def bullet_list():
        templates = set(generate.LIST_ITEMS)
        chosen = [writer.fill(item) if item in templates else item for item in
                  rng.sample(demo["items"] + generate.LIST_ITEMS, rng.randint(3, 5))]
        if rng.random() < 0.4:
            return "\n".join(f"{i}. {item}" for i, item in enumerate(chosen, 1))
        return "\n".join(f"- {item}" for item in chosen)

    n_paragraphs = max(500, min(60_000, n_articles // 2))
    rare = max(60, min(3000, n_articles // 20))
    headings = list(dict.fromkeys(demo["headings"] + generate.HEADINGS))
    return {
        "paragraph": _Pool(paragraph() for _ in range(n_paragraphs)),
        "heading": _Pool(f"## {h}" for h in headings),
        "list": _Pool(bullet_list() for _ in range(rare)),
        "quote": _Pool(writer.quote() for _ in range(rare)),
        "table": _Pool(writer.table() for _ in range(rare)),
    }


def _body(rng, pools):
    """Replaces generate._body: blocks until the body reaches a length drawn around the mean.

    Same contract as generate._body: (markdown, HTML, folded text), each the blocks' joined.
    """
    target = int(min(BODY_WORDS_MAX, max(BODY_WORDS_MIN, rng.gauss(BODY_WORDS_MEAN, BODY_WORDS_SD))))
    blocks, count, since_heading, previous = [], 0, 0, None
    with_table = rng.random() < 0.12
    while count < target:
        # A list, quote or table only ever follows a paragraph: two lists (or quotes) separated by
        # a blank line are one in Markdown, and the HTML would no longer be the blocks' joined.
        after_paragraph = previous == "paragraph"
        if after_paragraph and since_heading >= 2 and rng.random() < 0.5:
            kind = "heading"
        elif after_paragraph and with_table and since_heading == 1:
            kind, with_table = "table", False
        elif after_paragraph and rng.random() < 0.08:
            kind = "list"
        elif after_paragraph and rng.random() < 0.03:
            kind = "quote"
        else:
            kind = "paragraph"
        block, n = pools[kind].pick_with_words(rng)
        since_heading = 0 if kind == "heading" else since_heading + (kind == "paragraph")
        blocks.append(block)
        count += n
        previous = kind
    # Joined exactly as generate._body joins them (checked against Article.save() on every build).
    return ("\n\n".join(b[0] for b in blocks), "\n".join(b[1] for b in blocks),
            " ".join(b[2] for b in blocks if b[2]))


# --- the cached database ---------------------------------------------------------------------

def cache_key(n_articles, seed):
    digest = hashlib.sha1()
    inputs = list(generate.CACHE_INPUTS) + [Path(__file__).resolve()] + sorted(DEMO_DIR.glob("*.md"))
    for path in inputs:
        digest.update(path.read_bytes())
    kind = "" if corpus_kind == "demo-mix" else f"{corpus_kind}-"
    return f"search-{kind}{n_articles}-seed{seed}-{digest.hexdigest()[:10]}"


def build_corpus(data_dir, n_articles, seed, progress=None):
    """Generate the corpus into data_dir's SQLite file (binds the models to it)."""
    patches = {"_pools": _pools, "_body": _body, "DRAFT_SHARE": 0.0, "PENDING_SHARE": 0.0,
               "ARCHIVED_SHARE": 0.0}
    with mock.patch.multiple(generate, **patches):
        return generate.build_site(data_dir, n_articles, seed, progress=progress)


def cached_corpus(n_articles, seed, progress=None, cache_dir=None):
    """Path of the generated corpus in bench/out/ (search-N-seedS-HASH.sqlite3), built once."""
    cache_dir = Path(cache_dir or OUT_DIR)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{cache_key(n_articles, seed)}.sqlite3"
    if path.exists():
        return path, False
    work = Path(tempfile.mkdtemp(prefix="build-search-", dir=cache_dir))
    try:
        build_corpus(work, n_articles, seed, progress=progress)
        built = work / "cms.sqlite3"
        with sqlite3.connect(built) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        os.replace(built, path)
        for stale in cache_dir.glob(f"{cache_key(n_articles, seed).rsplit('-', 1)[0]}-*.sqlite3"):
            if stale != path:
                stale.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path, True


def install_corpus(data_dir, n_articles, seed, progress=None):
    """A fresh copy of the cached corpus as data_dir/cms.sqlite3, migrations applied.

    Returns (the copy, the cached file, whether it was generated now)."""
    source, built = cached_corpus(n_articles, seed, progress=progress)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "cms.sqlite3"
    for stale in (target, data_dir / "cms.sqlite3-wal", data_dir / "cms.sqlite3-shm"):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    generate.finish_schema(data_dir)
    return target, source, built


# --- what the corpus looks like ----------------------------------------------------------------

def text_stats(texts):
    """Words per document and the syllable distribution of a list of plain texts."""
    lengths, counts, docs_with = [], Counter(), Counter()
    for text in texts:
        tokens = [t.lower() for t in words(text)]
        lengths.append(len(tokens))
        counts.update(tokens)
        lowered = " ".join(tokens)
        for phrase in ("cán bộ", "đảng viên", "chi bộ", "tổ chức cơ sở đảng"):
            if phrase in lowered:
                docs_with[phrase] += 1
    total = sum(counts.values()) or 1
    lengths.sort()
    top = counts.most_common(10)
    return {
        "documents": len(texts),
        "words_mean": round(sum(lengths) / max(1, len(lengths)), 1),
        "words_p10_p50_p90": [lengths[int(q * (len(lengths) - 1))] for q in (0.1, 0.5, 0.9)]
        if lengths else [],
        "distinct_syllables": len(counts),
        "top10_share": round(sum(c for _, c in top) / total, 3),
        "top10": [w for w, _ in top],
        "per_1000_words": {w: round(1000 * counts[w] / total, 1) for w in ("cán", "bộ", "đảng", "viên")},
        "docs_with": {p: round(docs_with[p] / max(1, len(texts)), 3) for p in
                      ("cán bộ", "đảng viên", "chi bộ", "tổ chức cơ sở đảng")},
    }


def sample_articles(n, seed):
    """(title + lead + body plain text) of n random public articles of the bound database."""
    from cms.models import Article

    ids = [i for (i,) in Article.select(Article.id).where(Article.is_public_expr()).tuples()]
    rng = random.Random(seed)
    chosen = sorted(rng.sample(ids, min(n, len(ids))))
    texts = []
    for start in range(0, len(chosen), 500):
        rows = Article.select(Article.title, Article.lead, Article.body_html).where(
            Article.id.in_(chosen[start:start + 500])).tuples()
        texts += ["\n".join([t, lead, html_to_text(html)]) for t, lead, html in rows]
    return texts


# --- queries ------------------------------------------------------------------------------------

# Classes by syllables (the index's tokens); "cán bộ" is one Vietnamese word of two syllables, so a
# query of three words in that sense ("cán bộ đảng viên cơ sở") lands in the 4-6 class.
FIXED_QUERIES = {
    "1 syllable": ["đảng", "cán", "bộ", "viên", "chi", "huyện", "tỉnh", "xã", "dang", "can"],
    "2 syllables": ["cán bộ", "đảng viên", "chi bộ", "kết nạp", "sinh hoạt", "tổ chức", "can bo",
                    "dang vien", "Kỳ Sơn", "Nghệ An"],
    "3 syllables": ["Ban Tổ chức", "đảng viên mới", "cán bộ trẻ", "huyện Kỳ Sơn", "chi bộ thôn",
                    "Đảng ủy xã", "ban to chuc", "dang vien moi", "can bo tre", "huyen ky son"],
    "4-6 syllables": ["kết nạp đảng viên", "sinh hoạt chi bộ", "cán bộ đảng viên",
                      "tổ chức cơ sở đảng", "cán bộ đảng viên cơ sở", "công tác cán bộ",
                      "ket nap dang vien", "sinh hoat chi bo", "can bo dang vien", "quy hoạch cán bộ"],
    "phrase": ['"cán bộ"', '"đảng viên"', '"tổ chức cơ sở đảng"', '"sinh hoạt chi bộ"',
               '"kết nạp đảng viên"', '"can bo"', '"dang vien"', '"Ban Tổ chức Tỉnh ủy"', '"chi bộ"',
               '"Kỳ Sơn"'],
}
CLASS_SIZES = {"1 syllable": (1, 1), "2 syllables": (2, 2), "3 syllables": (3, 3),
               "4-6 syllables": (4, 6), "phrase": (2, 4)}
TARGET_CLASSES = ("1 syllable", "2 syllables", "3 syllables")
FOLDED_SHARE = 0.3  # sampled queries typed without diacritics


def _segments(text):
    """Runs of words between punctuation marks: n-grams never straddle a sentence or a comma."""
    for piece in re.split(r"[^\w\s]+|\n", text):
        tokens = words(piece)
        if tokens:
            yield tokens


def topic_phrases():
    """Names and topics readers search for: generate.py's word lists and the demo titles and tags."""
    phrases = (generate.TOPICS + generate.TAG_NAMES + generate.DISTRICTS + generate.COMMUNES
               + generate.TOWNS + generate.VILLAGES + generate.OFFICES + generate.POSITIONS
               + generate.DOCUMENTS + generate.HEADINGS + demo_material()["titles"])
    return [nfc(p) for p in phrases]


def build_queries(texts, seed, per_class=40):
    """{class: [query, ...]}: the fixed queries above, then n-grams sampled two ways.

    Half of the sampled queries are n-grams of the names and topics readers look for
    (topic_phrases: "phát triển đảng viên", "Quỳnh Lưu", "Ban Tổ chức Tỉnh ủy"...), half are
    n-grams at a random position of a random article, so frequent n-grams come up more often,
    function words included ("chi bộ ở", "của"), as in what readers type. For single syllables
    the first half is drawn uniformly from the distinct syllables seen in at least 3 of the
    sampled articles instead (names, places, rarer words). A share of the sampled queries is
    typed without diacritics. Nothing is filtered on speed or hit count.
    """
    rng = random.Random(seed)
    segmented = [list(_segments(text)) for text in texts]
    segmented = [s for s in segmented if s]
    topics = [list(_segments(p)) for p in topic_phrases()]
    df = Counter()
    for segments in segmented:
        df.update({t.lower() for tokens in segments for t in tokens})
    vocabulary = sorted(w for w, c in df.items() if c >= 3 and not w.isdigit())

    def ngram(source, low, high):
        for _ in range(1000):
            segments = rng.choice(source)
            tokens = rng.choice(segments)
            n = rng.randint(low, high)
            if len(tokens) < n:
                continue
            start = rng.randrange(len(tokens) - n + 1)
            chosen = tokens[start:start + n]
            if all(t.isdigit() for t in chosen):
                continue
            return " ".join(chosen)
        raise RuntimeError("no n-gram found: the sample texts are too short")

    queries = {}
    for name, fixed in FIXED_QUERIES.items():
        low, high = CLASS_SIZES[name]
        chosen = list(dict.fromkeys(fixed))
        seen = {q.lower() for q in chosen}
        attempts = 0
        while len(chosen) < per_class and attempts < 100 * per_class:
            attempts += 1
            if len(chosen) % 2 == 0:
                text = rng.choice(vocabulary) if name == "1 syllable" else ngram(topics, low, high)
            else:
                text = ngram(segmented, low, high)
                text = text.lower() if rng.random() < 0.8 else text
            if rng.random() < FOLDED_SHARE:
                text = fold(text)
            if name == "phrase":
                text = f'"{text}"'
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            chosen.append(text)
        queries[name] = chosen
    return queries
