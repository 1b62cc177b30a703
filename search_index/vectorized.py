"""Whoosh's own ranking, computed over whole posting lists with numpy instead of posting by posting.

A query nobody asked before used to be scored by Whoosh's matchers in Python, one posting at a
time: "đảng viên" over 20,000 articles cost 2 s. Here each posting list a query names is decoded
once (ids, weights, and positions when a phrase needs them; kept per segment, within a budget) and
the query's tree is evaluated on whole arrays: BM25F with the same idf, average field lengths and
field-length bytes as Whoosh's scorer, the same sums for And, Or and AndMaybe, a phrase scored as
its words' scores times its boost, exactly as Whoosh's Phrase query. Every match is scored, so the
count is exact and page 1 is the exhaustive ranking's page 1 (tests/search/test_vectorized.py
compares the two over many queries); only the cost changes.

The query shapes search_index.query builds are understood; anything else raises Unsupported and
the caller falls back to Whoosh's matchers. A part scored 0 (the restriction of
public.restricted, a ConstantScoreQuery) is matched by Whoosh itself: it only filters.
"""

import threading
from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

# Memory the decoded posting lists may take per worker process (ids and weights: 16 bytes a posting;
# a posting's still-encoded positions: a bytes object of ~50); the least recently used are dropped.
CACHE_BYTES = 40 * 1024 * 1024
POSTING_BYTES, ENCODED_POSITIONS_BYTES = 16, 56
_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)
_POSITION_BITS = 32  # a position is stored with its document as (docnum << 32) | position

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_SCORES = np.zeros(0, dtype=np.float64)


class Unsupported(Exception):
    """A query shape this evaluator does not know; the caller asks Whoosh's matchers instead."""


class _Postings:
    """One term's postings in one segment: ids, weights, and the positions still encoded (a phrase
    decodes those of the few documents it weighs; all of them only once a phrase needs them all)."""

    __slots__ = ("ids", "weights", "values", "decode", "positions", "size")

    def __init__(self, ids, weights, values=None, decode=None):
        self.ids, self.weights, self.values, self.decode = ids, weights, values, decode
        self.positions = None
        self.size = len(ids) * (POSTING_BYTES + (ENCODED_POSITIONS_BYTES if values is not None else 0))

    def positions_at(self, where):
        """(docnum << 32) | position of every position of the postings at indexes `where`."""
        if self.positions is not None and len(where) == len(self.ids):
            return self.positions
        ids, values, decode = self.ids, self.values, self.decode
        encoded = np.asarray([(int(ids[i]) << _POSITION_BITS) | position
                              for i in where.tolist() for position in decode(values[i])], dtype=np.int64)
        if len(where) == len(self.ids):
            self.positions = encoded  # kept: counted in the budget below as the encoded ones were
        return encoded


def _read_postings(reader, field_name, text):
    """One term's _Postings in one segment, read block by block (the codec's blocks are pickled
    arrays: taking them whole avoids a Python step per posting)."""
    field_format = reader.schema[field_name].format
    with_positions = isinstance(field_format, Positions)
    try:
        matcher = reader.postings(field_name, text)
    except TermNotFound:
        return _Postings(EMPTY_IDS, EMPTY_SCORES, [] if with_positions else None,
                         field_format.decode_positions)
    # A segment with deletions wraps its matcher to skip them: deletions are applied by the caller.
    matcher = getattr(matcher, "child", matcher)
    ids, weights, values = [], [], []
    if hasattr(matcher, "_read_ids"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            if with_positions:
                matcher._read_values()
                values.extend(matcher._values)
            matcher._next_block()
        ids = np.concatenate(ids) if ids else EMPTY_IDS
        weights = np.concatenate(weights) if weights else EMPTY_SCORES
    else:  # another matcher (not the default codec's): one posting at a time
        plain_ids, plain_weights = [], []
        while matcher.is_active():
            plain_ids.append(matcher.id())
            plain_weights.append(matcher.weight())
            if with_positions:
                values.append(matcher.value())
            matcher.next()
        ids = np.asarray(plain_ids, dtype=np.int64)
        weights = np.asarray(plain_weights, dtype=np.float64)
    return _Postings(ids, weights, values if with_positions else None, field_format.decode_positions)


class _SegmentArrays:
    """What one segment's queries read, decoded once: field lengths, and posting lists kept in a
    shared least-recently-used budget."""

    def __init__(self, owner):
        self._owner = owner
        self.lengths = {}

    def field_lengths(self, reader, field_name):
        lengths = self.lengths.get(field_name)
        if lengths is None:
            count = reader.doc_count_all()
            column = reader._perdoc._cached_reader(f"_{field_name}_L", _lengths_column()) \
                if hasattr(reader, "_perdoc") else None
            if column is not None:
                raw = np.frombuffer(bytes(column[i] for i in range(count)), dtype=np.uint8)
                lengths = _LENGTH_OF_BYTE[raw]
            else:
                lengths = np.array([reader.doc_field_length(d, field_name, 0) or 0 for d in range(count)],
                                   dtype=np.float64)
            self.lengths[field_name] = lengths
        return lengths


def _lengths_column():
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN
    return LENGTHS_COLUMN


class VectorScorer:
    """Evaluates search_index.query's query trees on one searcher, segment by segment."""

    def __init__(self, budget=CACHE_BYTES):
        self._budget = budget
        self._lock = threading.Lock()
        self._segments = {}  # segment id -> _SegmentArrays
        self._postings = OrderedDict()  # (segment id, field, term bytes, positions?) -> _Postings
        self._used = 0

    # --- the cache ----------------------------------------------------------------------------------
    def _segment(self, reader):
        segid = reader._segment.segment_id() if hasattr(reader, "_segment") else id(reader)
        with self._lock:
            arrays = self._segments.get(segid)
            if arrays is None:
                arrays = self._segments[segid] = _SegmentArrays(self)
        return segid, arrays

    def _term(self, reader, segid, field_name, text):
        key = (segid, field_name, text)
        with self._lock:
            postings = self._postings.get(key)
            if postings is not None:
                self._postings.move_to_end(key)
                return postings
        postings = _read_postings(reader, field_name, text)
        with self._lock:
            if key not in self._postings:
                self._postings[key] = postings
                self._used += postings.size
                while self._used > self._budget and len(self._postings) > 1:
                    _, dropped = self._postings.popitem(last=False)
                    self._used -= dropped.size
        return postings

    def forget_segments_except(self, segids):
        """Drop what was decoded for segments no longer in the index (merged or deleted)."""
        with self._lock:
            for segid in [s for s in self._segments if s not in segids]:
                del self._segments[segid]
            for key in [k for k in self._postings if k[0] not in segids]:
                self._used -= self._postings.pop(key).size

    # --- evaluation -----------------------------------------------------------------------------------
    def matches(self, searcher, query, excluded=()):
        """(docnums, scores) of every document matching `query` but the docnums in `excluded`, best
        first (ties: the lower docnum first), with Whoosh's scores."""
        if not isinstance(searcher.weighting, BM25F):
            raise Unsupported("weighting")
        all_ids, all_scores, segids = [], [], set()
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            segid, arrays = self._segment(reader)
            segids.add(segid)
            context = _Context(self, searcher, sub, reader, segid, arrays)
            ids, scores = context.evaluate(query)
            if reader.has_deletions() and len(ids):
                keep = ~np.isin(ids, np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64))
                ids, scores = ids[keep], scores[keep]
            all_ids.append(ids + offset)
            all_scores.append(scores)
        self.forget_segments_except(segids)
        ids = np.concatenate(all_ids) if all_ids else EMPTY_IDS
        scores = np.concatenate(all_scores) if all_scores else EMPTY_SCORES
        if len(excluded) and len(ids):
            keep = ~np.isin(ids, np.fromiter(excluded, dtype=np.int64))
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -_comparable(scores)))
        return ids[order], scores[order]

    def phrase_bonus(self, searcher, docnums, phrases):
        """{docnum: extra score} for `docnums` where a phrase of `phrases` ([(field, words, boost)])
        stands: its words' scores in that field times the boost (what Whoosh's Phrase would add)."""
        docnums = np.asarray(sorted(docnums), dtype=np.int64)
        bonus = np.zeros(len(docnums), dtype=np.float64)
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            local = docnums - offset
            inside = (local >= 0) & (local < reader.doc_count_all())
            if not inside.any():
                continue
            segid, arrays = self._segment(reader)
            context = _Context(self, searcher, sub, reader, segid, arrays)
            among = local[inside]
            for field_name, words, boost in phrases:
                ids, scores = context.phrase(field_name, words, boost, among)
                found = np.isin(local, ids) & inside
                if found.any():
                    bonus[found] += scores[np.searchsorted(ids, local[found])]
        return dict(zip(docnums.tolist(), bonus.tolist(), strict=True))


def _comparable(scores):
    """Scores rounded below float noise, so that sums added in another order tie as Whoosh's do."""
    return np.round(scores, 9)


class _Context:
    def __init__(self, scorer, top, sub, reader, segid, arrays):
        self.scorer, self.top, self.sub, self.reader = scorer, top, sub, reader
        self.segid, self.arrays = segid, arrays
        self.schema = reader.schema

    def evaluate(self, query):
        """(sorted unique local docnums, their scores) of `query` in this segment."""
        if isinstance(query, wq.ConstantScoreQuery):
            ids = self._whoosh_ids(query.child)
            # Whoosh's ListMatcher takes a constant score of 0 for "none given" and scores 1: the
            # same here, so that totals stay Whoosh's (a constant never changes the order).
            return ids, np.full(len(ids), float(query.score) or 1.0)
        if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
            return EMPTY_IDS, EMPTY_SCORES
        if isinstance(query, wq.Term):
            return self.term(query.fieldname, query.text, query.boost)
        if isinstance(query, wq.Phrase):
            if query.slop != 1:
                raise Unsupported("phrase slop")
            return self.phrase(query.fieldname, query.words, query.boost)
        if isinstance(query, wq.AndMaybe):
            ids, scores = self.evaluate(query.a)
            maybe_ids, maybe_scores = self.evaluate(query.b)
            found = np.isin(ids, maybe_ids)
            scores = scores.copy()
            scores[found] += maybe_scores[np.searchsorted(maybe_ids, ids[found])]
            return ids, scores * query.boost
        if isinstance(query, wq.And):
            return self._intersection([self.evaluate(q) for q in query.subqueries], query.boost)
        if isinstance(query, wq.Or):
            if getattr(query, "scale", None) or query.minmatch:
                raise Unsupported("or options")
            return self._union([self.evaluate(q) for q in query.subqueries], query.boost)
        raise Unsupported(type(query).__name__)

    def _whoosh_ids(self, query):
        return np.fromiter(sorted(query.docs(self.sub)), dtype=np.int64)

    @staticmethod
    def _union(parts, boost):
        parts = [(ids, scores) for ids, scores in parts if len(ids)]
        if not parts:
            return EMPTY_IDS, EMPTY_SCORES
        if len(parts) == 1:
            ids, scores = parts[0]
            return ids, scores * boost
        ids, inverse = np.unique(np.concatenate([ids for ids, _ in parts]), return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate([s for _, s in parts]), minlength=len(ids))
        return ids, scores * boost

    @staticmethod
    def _intersection(parts, boost):
        if not parts:
            return EMPTY_IDS, EMPTY_SCORES
        ids = parts[0][0]
        for other, _ in parts[1:]:
            ids = np.intersect1d(ids, other, assume_unique=True)
            if not len(ids):
                return EMPTY_IDS, EMPTY_SCORES
        scores = np.zeros(len(ids), dtype=np.float64)
        for part_ids, part_scores in parts:
            scores += part_scores[np.searchsorted(part_ids, ids)]
        return ids, scores * boost

    def _term_bytes(self, field_name, text):
        field = self.schema[field_name]
        return text if isinstance(text, bytes) else field.to_bytes(text)

    def _postings(self, field_name, text):
        if field_name not in self.schema:
            return None
        return self.scorer._term(self.reader, self.segid, field_name, self._term_bytes(field_name, text))

    def _bm25(self, field_name, text, postings):
        """Whoosh's BM25F score of the term at each of its postings (global idf and average length)."""
        field = self.schema[field_name]
        if not field.scorable:
            return np.zeros(len(postings.ids), dtype=np.float64)
        weighting = self.top.weighting
        b = weighting._field_B.get(field_name, weighting.B)
        k1 = weighting.K1
        idf = self.top.idf(field_name, text)
        average = self.top.avg_field_length(field_name) or 1
        lengths = self.arrays.field_lengths(self.reader, field_name)[postings.ids]
        tf = postings.weights
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / average)))

    def term(self, field_name, text, boost=1.0):
        postings = self._postings(field_name, text)
        if postings is None or not len(postings.ids):
            return EMPTY_IDS, EMPTY_SCORES
        return postings.ids, self._bm25(field_name, text, postings) * boost

    def phrase(self, field_name, words, boost=1.0, among=None):
        """Documents (of `among`, sorted local docnums, when given) where `words` stand together in
        that order, scored as Whoosh's Phrase is: positions are decoded for the documents having
        every word only."""
        if field_name not in self.schema or not isinstance(self.schema[field_name].format, Positions):
            raise Unsupported("phrase field")
        lists = [self._postings(field_name, word) for word in words]
        if any(p is None or not len(p.ids) for p in lists):
            return EMPTY_IDS, EMPTY_SCORES
        common = lists[0].ids if among is None else np.intersect1d(lists[0].ids, among, assume_unique=True)
        for postings in lists[1:]:
            common = np.intersect1d(common, postings.ids, assume_unique=True)
        if not len(common):
            return EMPTY_IDS, EMPTY_SCORES
        starts = None
        for i, postings in enumerate(lists):
            encoded = postings.positions_at(np.searchsorted(postings.ids, common))
            starts = encoded if starts is None else starts[np.isin(starts + i, encoded, assume_unique=True)]
            if not len(starts):
                return EMPTY_IDS, EMPTY_SCORES
        ids = np.unique(starts >> _POSITION_BITS)
        scores = np.zeros(len(ids), dtype=np.float64)
        for word, postings in zip(words, lists, strict=True):
            where = np.searchsorted(postings.ids, ids)
            scores += self._bm25(field_name, word, postings)[where]
        return ids, scores * boost
