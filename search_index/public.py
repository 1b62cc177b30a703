"""Search over the public index: the only index the public site can reach.

Built with the public IndexStore alone, so no code path from here can open the internal index.
Documents whose published_at is still in the future (scheduled) are filtered out at query time:
they become findable by themselves when their time comes.
"""

import hashlib
import threading
import time
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from whoosh import collectors
from whoosh import query as wq
from whoosh.reading import TermNotFound

from cms.disk_store import DiskStore
from cms.search_port import SearchBusy
from cms.timeutil import utcnow

from . import query as user_query
from .analysis import exact_form, folded_form, has_diacritics
from .keystrokes import read_keystrokes
from .store import IndexUnavailable
from .vectorized import Unsupported, VectorScorer

MATCHES_MAX_AGE = 24 * 3600  # keyed by the index's state: a change makes new keys, old ones age out
DERIVED_STORE_BYTES = 256 * 1024 * 1024


@dataclass
class SearchPage:
    query: str
    ids: list = field(default_factory=list)  # the page's article ids, in result order
    keys: list = field(default_factory=list)  # every result of the page, "kind:id" (articles, documents)
    total: int = 0
    page: int = 1
    per_page: int = 10
    terms: set = field(default_factory=set)
    partial: bool = False  # no document had every word: closest matches shown
    suggestion: str = ""
    years: list = field(default_factory=list)  # years (Vietnam's) that have results, newest first

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def _doc_id(key):
    return int(key.partition(":")[2])


def count_matches(searcher, query, excluded=frozenset()):
    """The exact number of documents matching `query`, leaving out the docnums in `excluded`."""
    return sum(1 for docnum in searcher.docs_for_query(query) if docnum not in excluded)


RESCORE_POOL = 100  # adjacency boosts are weighed for this many best plain matches


@dataclass(frozen=True)
class SuggestBudget:
    """What one "did you mean" may cost: typed by the public, it must never cost seconds (sixteen
    single letters once cost 1.4 s in about 800 phrase searches on the 36-article demo)."""

    max_words: int = 6  # a longer query gets no suggestion
    min_letters: int = 3  # shorter words are left as typed: two edits away is every word
    max_corrections: int = 3
    candidates: int = 20  # per word and field
    phrase_checks: int = 24  # in all
    seconds: float = 0.1  # past it, candidates are weighed without phrase look-ups


SUGGEST_BUDGET = SuggestBudget()

# Searches never asked before cost CPU in Python; so many at once per worker, so that search load
# cannot starve the pages served by the worker's other threads. One more waits this long for a
# slot, then is told to try again (SearchBusy); repeated searches, kept, do not take a slot.
COLD_SEARCHES_PER_WORKER = 2
COLD_SEARCH_WAIT_SECONDS = 1.0


def adjacency_bonus(searcher, docnums, phrases):
    """{docnum: extra score} for the candidates where a phrase of `phrases` ([(field, words,
    boost)]) stands: its words' own scores in that field times the boost, which is what Whoosh's
    Phrase query would add. Read from the words' postings at those documents only: a Phrase query
    would check positions in every document that has all the words (most of them, for common
    syllables)."""
    bonus = dict.fromkeys(docnums, 0.0)
    for sub, offset in searcher.leaf_searchers():
        size = sub.doc_count_all()
        local = sorted(d - offset for d in docnums if offset <= d < offset + size)
        if not local:
            continue
        reader = sub.reader()
        for field_name, words, boost in phrases:
            try:
                matchers = [reader.postings(field_name, word,
                                            scorer=sub.weighting.scorer(sub, field_name, word))
                            for word in words]
            except TermNotFound:
                continue
            for docnum in local:
                positions, score = [], 0.0
                for matcher in matchers:
                    if matcher.is_active() and matcher.id() < docnum:
                        matcher.skip_to(docnum)
                    if not matcher.is_active() or matcher.id() != docnum:
                        break
                    positions.append(set(matcher.value_as("positions")))
                    score += matcher.score()
                else:
                    if any(all(start + i in positions[i] for i in range(1, len(positions)))
                           for start in positions[0]):
                        bonus[docnum + offset] += boost * score
    return bonus


def ranked_page(searcher, matching, phrases, excluded, page, per_page, by_date=False, matches=None,
                dates=None, bonus=adjacency_bonus):
    """(exact total, docnums of the page) for `matching`, without the `excluded` docnums.

    `matches`: all_matches() of the same query and exclusions, when the caller has them (kept
    from an earlier page or sort order); `dates`: the published_at column, indexed by docnum,
    when the caller has it. The adjacency `phrases` are weighed on the best
    RESCORE_POOL plain matches only (`bonus`: adjacency_bonus or VectorScorer.phrase_bonus, the same
    figures); pages past the pool follow the plain scores. By date: newest first (ties: the later
    document first)."""
    if matches is None:
        matches = all_matches(searcher, matching, excluded)
    limit = page * per_page
    if by_date:
        if dates is None:
            dates = date_array(searcher.reader().column_reader("published_at"))
        docnums = np.fromiter((docnum for _, docnum in matches), dtype=np.int64, count=len(matches))
        newest = docnums[np.lexsort((docnums, dates[docnums]))[::-1]]
        return len(matches), newest[(page - 1) * per_page:limit].tolist()
    best = matches[:max(limit, RESCORE_POOL)]
    scores = {docnum: score for score, docnum in best}
    if phrases and scores:
        for docnum, extra in bonus(searcher, [d for _, d in best[:RESCORE_POOL]], phrases).items():
            scores[docnum] += extra
    order = sorted(scores, key=lambda docnum: (-scores[docnum], docnum))
    return len(matches), order[(page - 1) * per_page:limit]


def date_array(column):
    """A published_at column as numpy datetime64 (microseconds), indexed by docnum."""
    return np.array(list(column), dtype="datetime64[us]")


def all_matches(searcher, query, excluded):
    """[(score, docnum)] of every document matching `query` but those in `excluded`, best first.

    One pass over every match, so the count is exact: Whoosh's own top-N collector, even with
    optimize=False, replaces its matcher as the scores to beat rise (dropping sub-queries that can
    no longer reach the top), and then counts only what it still visits: on 10,000 articles
    "đảng" counted 5,534 of 9,579."""
    collector = collectors.UnlimitedCollector()
    if excluded:
        collector = collectors.FilterCollector(collector, restrict=excluded)
    searcher.search_with_collector(query, collector)
    return [(score, docnum) for score, docnum in collector.results().top_n]


def restricted(query, restriction):
    """`query` limited to documents `restriction` matches, scored by `query` alone.

    The restriction is part of the query, not Whoosh's `filter=`: that filter is skipped when it
    is empty, and its counts can include documents it excluded; a restriction must never leak.
    """
    return wq.And([query, wq.ConstantScoreQuery(restriction, 0.0)])


def edit_distance(a, b):
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class PublicSearch:
    def __init__(self, store, derived_dir=None):
        self._store = store
        # What searches derive from the index, shared by every worker and kept across restarts:
        # related lists (search_index.related: computing one costs ~15 ms of Whoosh work, reading it
        # ~0.1 ms) and the matches of recent queries.
        self._derived = DiskStore(derived_dir, DERIVED_STORE_BYTES)
        self._dates_kept = (None, None)
        self._accents = (None, {})  # (index generation, folded -> most frequent accented form)
        self._cold_slots = threading.BoundedSemaphore(COLD_SEARCHES_PER_WORKER)
        self._vector = VectorScorer()

    @contextmanager
    def cold_slot(self):
        """Hold one of this worker's slots for a search not kept; SearchBusy if none frees up in
        COLD_SEARCH_WAIT_SECONDS."""
        if not self._cold_slots.acquire(timeout=COLD_SEARCH_WAIT_SECONDS):
            raise SearchBusy()
        try:
            yield
        finally:
            self._cold_slots.release()

    @staticmethod
    def _restriction(category_id=None, year=None):
        parts = []
        if category_id is not None:
            parts.append(wq.Term("categories", str(category_id)))
        if year is not None:
            parts.append(wq.Term("year", int(year)))
        return wq.And(parts) if parts else None

    def _scheduled(self, searcher, now):
        """Document numbers of articles whose publication time has not come yet (a few): they
        are masked out of every search, so they become findable by themselves at that time. Read
        from the dates kept for this state of the index (a range query cost 13-44 ms at 20,000)."""
        when = np.datetime64((now or utcnow()).replace(tzinfo=None), "us")
        return set(np.flatnonzero(self._dates(searcher) > when).tolist())

    def with_fresh_searcher_on_failure(self, function, *args, **kwargs):
        """`function`, once more with a fresh searcher if it failed inside Whoosh: another
        process's commit can delete segment files this thread's kept searcher had not opened yet
        (seen under bench/soak.py). A damaged index fails again, and that failure is raised."""
        try:
            return function(*args, **kwargs)
        except IndexUnavailable:
            raise
        except Exception:
            self._store.drop_searcher()
            return function(*args, **kwargs)

    def search(self, *args, **kwargs):
        return self.with_fresh_searcher_on_failure(self._search, *args, **kwargs)

    def _search(self, text, page=1, per_page=10, category_id=None, year=None, sort="relevance",
                now=None):
        parsed = user_query.parse(text)
        result = SearchPage(query=user_query.clean_input(text), page=page, per_page=per_page,
                            terms=user_query.highlight_terms(parsed))
        if parsed.empty:
            return result
        restriction = self._restriction(category_id, year)
        searcher = self._store.searcher()
        scheduled = self._scheduled(searcher, now)
        for require_all in (True, False):
            matching = user_query.build(parsed, require_all, adjacency=False)
            if restriction is not None:
                matching = restricted(matching, restriction)
            phrases = user_query.adjacency_phrases(parsed) if require_all else []
            scores, matched, pool = self._matches(searcher, matching, phrases, scheduled)
            if sort != "date" and page * per_page <= len(pool):
                result.total, docnums = len(matched), list(pool[(page - 1) * per_page:page * per_page])
            else:
                dates = self._dates(searcher) if sort == "date" else None
                with self.cold_slot():
                    result.total, docnums = ranked_page(searcher, matching, phrases, scheduled, page,
                                                        per_page, by_date=sort == "date", dates=dates,
                                                        matches=list(zip(scores, matched, strict=True)),
                                                        bonus=self._vector.phrase_bonus)
            if result.total:
                result.partial = not require_all
                result.years = self._years(searcher, matched)
                result.keys = [searcher.stored_fields(docnum)["key"] for docnum in docnums]
                result.ids = [_doc_id(key) for key in result.keys if key.startswith("article:")]
                break
            if len(parsed.clauses) < 2:
                break
        if not result.total or result.partial:
            with self.cold_slot():
                result.suggestion = (self._keystroke_reading(searcher, parsed, restriction, scheduled)
                                     or self._suggest(searcher, parsed, restriction, scheduled))
        return result

    # Vietnam keeps UTC+7 all year (no daylight saving): a UTC time's local year is its year 7 hours on.
    VIETNAM_OFFSET = np.timedelta64(7, "h")

    def _years(self, searcher, docnums):
        """The local years of these documents' publication, newest first (the year filter's options)."""
        dates = self._dates(searcher)
        if not len(docnums) or not len(dates):
            return []
        local = dates[np.asarray(docnums, dtype=np.int64)] + self.VIETNAM_OFFSET
        years = np.unique(local.astype("datetime64[Y]").astype(np.int64) + 1970)
        return [int(year) for year in years[::-1]]

    def _dates(self, searcher):
        """Every document's published_at, by docnum (date_array), read once per state of the index
        (reading the column document by document costs ~5 microseconds each, at every search)."""
        state = self._store.searcher_state(searcher)
        kept_state, dates = self._dates_kept
        if state is None or kept_state != state:
            reader = searcher.reader()
            # An index with no document has no column at all (Whoosh's empty reader refuses).
            dates = (date_array(reader.column_reader("published_at")) if reader.doc_count_all()
                     else np.zeros(0, dtype="datetime64[us]"))
            if state is not None:
                self._dates_kept = (state, dates)
        return dates

    def _matches(self, searcher, matching, phrases, excluded):
        """all_matches() as (scores, docnums) arrays, and the best RESCORE_POOL docnums in relevance
        order, kept in the shared store for this state of the index: the next pages, the other sort
        order and the other workers reuse one pass over the matches and one weighing of adjacency."""
        def compute():
            with self.cold_slot():
                matches, bonus = self.scored(searcher, matching, excluded)
                _, pool = ranked_page(searcher, matching, phrases, excluded, 1, RESCORE_POOL, matches=matches,
                                      bonus=bonus)
            return (array("d", [score for score, _ in matches]),
                    array("q", [docnum for _, docnum in matches]), array("q", pool))

        state = self._store.searcher_state(searcher)
        key = "matches:" + hashlib.sha1(f"{state}|{matching!r}|{phrases!r}|{sorted(excluded)}"
                                        .encode()).hexdigest()
        return self.kept(key, compute, MATCHES_MAX_AGE, storable=state is not None)

    def scored(self, searcher, query, excluded):
        """(all_matches() of `query`, the adjacency bonus function to weigh them with): computed on
        whole posting lists (search_index.vectorized, the same scores), or by Whoosh's matchers for a
        query shape that evaluation does not know."""
        try:
            docnums, scores = self._vector.matches(searcher, query, excluded)
        except Unsupported:
            return all_matches(searcher, query, excluded), adjacency_bonus
        return list(zip(scores.tolist(), docnums.tolist(), strict=True)), self._vector.phrase_bonus

    def kept(self, key, compute, expire, storable=True):
        """compute(), or what the derived store kept under `key`; what is computed is kept."""
        kept = self._derived.get(key) if storable else None
        if kept is None:
            kept = compute()
            if storable:
                self._derived.set(key, kept, expire=expire)
        return kept

    # --- "did you mean" -----------------------------------------------------------------------------
    def _accented_forms(self, searcher):
        generation = searcher.reader().generation()
        if self._accents[0] != generation:
            best = {}
            for field_name in ("body", "title"):
                for term, info in searcher.reader().iter_field(field_name):
                    word = term.decode("utf-8") if isinstance(term, bytes) else term
                    folded = folded_form(word)
                    if info.doc_frequency() > best.get(folded, ("", 0))[1]:
                        best[folded] = (word, info.doc_frequency())
            self._accents = (generation, {folded: word for folded, (word, _) in best.items()})
        return self._accents[1]

    def _suggest(self, searcher, parsed, restriction, scheduled):
        """A corrected query from the index's own words, offered only if it finds something public.

        Each unknown word is replaced by the closest known ones (one edit before two; a swap of
        two letters is one edit); among equally close ones, the one that stands next to its
        neighbouring words in some document wins, then the commonest.

        Its cost is bounded whatever was typed (SUGGEST_BUDGET): a long query gets no suggestion,
        words too short to correct are left alone, only a few words and candidates are weighed,
        and past the time budget candidates are weighed without the phrase look-ups.
        """
        budget = SUGGEST_BUDGET
        words = parsed.words()
        if len(words) > budget.max_words:
            return ""
        correctors = [searcher.corrector("body_f"), searcher.corrector("title_f")]
        reader = searcher.reader()
        deadline = time.monotonic() + budget.seconds
        checks_left = [budget.phrase_checks]

        def known(word):
            return reader.doc_frequency("body_f", word) + reader.doc_frequency("title_f", word)

        def stands_together(neighbours):
            if len(neighbours) < 2 or checks_left[0] <= 0 or time.monotonic() > deadline:
                return 0
            checks_left[0] -= 1
            return searcher.search(wq.Phrase("body_f", neighbours), limit=1).scored_length()

        folded_words = [folded_form(word) for word in words]
        chosen = list(folded_words)
        corrected = 0
        for i, folded in enumerate(folded_words):
            if len(folded) < budget.min_letters or known(folded):
                continue
            if corrected == budget.max_corrections or time.monotonic() > deadline:
                break
            corrected += 1
            maxdist = 1 if len(folded) <= 4 else 2
            candidates = {c for corrector in correctors
                          # the corrector's distance counts a swap as two edits; ours as one
                          for c in corrector.suggest(folded, limit=budget.candidates, maxdist=2)
                          if edit_distance(folded, c) <= maxdist}

            def fitness(candidate, i=i, typed=folded):
                neighbours = chosen[max(0, i - 1):i] + [candidate] + chosen[i + 1:i + 2]
                return (edit_distance(typed, candidate), -stands_together(neighbours), -known(candidate),
                        candidate)

            if candidates:
                chosen[i] = min(candidates, key=fitness)
        if chosen == folded_words:
            return ""
        accents = self._accented_forms(searcher)
        words = [word if new == old and has_diacritics(word) else accents.get(new, new)
                 for word, old, new in zip(words, folded_words, chosen, strict=True)]
        suggestion = " ".join(words)
        return suggestion if self._finds(searcher, suggestion, restriction, scheduled) else ""

    def _keystroke_reading(self, searcher, parsed, restriction, scheduled):
        """The query read as Vietnamese typed in Telex or VNI ("cans booj" -> "cán bộ"), offered
        when it finds every word somewhere public (search_index.keystrokes)."""
        typed = parsed.words()
        read = read_keystrokes(typed)
        if read is None:
            return ""
        reader = searcher.reader()
        for word, was in zip(read, typed, strict=True):  # each word read must stand so in some text
            if word != was and not any(reader.doc_frequency(name, exact_form(word))
                                       for name in ("body", "title")):
                return ""
        reading = " ".join(read)
        return reading if self._finds(searcher, reading, restriction, scheduled) else ""

    @staticmethod
    def _finds(searcher, text, restriction, scheduled):
        """Does `text`, every word required, find a public document (within the restriction)?"""
        check = user_query.build(user_query.parse(text), adjacency=False)
        if restriction is not None:
            check = restricted(check, restriction)
        options = {"mask": scheduled} if scheduled else {}
        return searcher.search(check, limit=1, **options).scored_length() > 0

    # --- what search_index.related builds on ---------------------------------------------------------
    def searcher(self):
        """This thread's searcher on the public index (not to be closed)."""
        return self._store.searcher()

    def forget_derived(self):
        """Empty the derived store (after a restore: its related lists name another database's ids)."""
        self._derived.clear()
