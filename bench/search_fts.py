"""SQLite FTS5 as the baseline engine of bench/search.py: the same documents, a plain translation.

Documents are exactly what the Whoosh public index is given (cms.search_documents.ArticleSource:
title, and a body of lead, tags, category name and the article's plain text), in one table

    CREATE VIRTUAL TABLE docs USING fts5(title, body, published_at UNINDEXED,
                                         tokenize="unicode61 remove_diacritics 2")

with rowid = article id. Ranking is bm25 with the title weighted 3 to 1, as Whoosh's field_boost.

A query is read by the application's own parser (search_index.query.parse: NFC, control
characters dropped, quoted phrases, at most 16 clauses), so both engines get the same words; then
each word is quoted ("cán" "bộ": FTS5 tokenizes inside the quotes, so a code such as 2993-QĐ/TU
becomes the phrase 2993 qđ tu), the clauses are ANDed, and a quoted phrase is an FTS5 phrase. As
the application does, when no document has every word (and there are several), the words are
ORed instead. A results page is the first 10 by bm25 plus the count of all matches, both limited
to documents whose published_at has passed.

What FTS5 cannot do here, by construction (noted in the results):
  - đ is a letter of its own for unicode61, not a d with a mark: "dang" never finds "đảng",
    "Ðảng" typed with the look-alike Ð (U+00D0) finds nothing;
  - remove_diacritics drops every other mark on both sides, and there is no exact view to rank
    the form typed first: "cơ sở" and "có số" are the same words, "đường" and "đương" tie;
  - no adjacency bonus: "cán bộ" ranks "cán ... bộ" far apart like the phrase.
"""

import sqlite3
from pathlib import Path

from search_index.query import parse

TABLE = "docs"
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
LOAD_BATCH = 500


def _time_text(value):
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


def translate(parsed, require_all=True):
    """The FTS5 MATCH expression for search_index.query.parse()'s clauses."""
    parts = []
    for clause in parsed.clauses:
        words = [token for token, _ in clause.tokens]
        parts.append(_quoted(" ".join(words)) if clause.quoted else _quoted(words[0]))
    return (" AND " if require_all else " OR ").join(parts)


class Fts5Engine:
    def __init__(self, path):
        self.path = Path(path)
        self.conn = sqlite3.connect(str(self.path), isolation_level=None)
        # As the application's SQLite (cms.db): WAL, synchronous=normal.
        self.conn.execute("PRAGMA journal_mode=wal")
        self.conn.execute("PRAGMA synchronous=normal")
        self.conn.execute("PRAGMA cache_size=-16000")

    def close(self):
        self.conn.close()

    # --- building and updating -----------------------------------------------------------------
    def rebuild(self, source, index_name="public"):
        """Drop and fill the table from a document source, then merge its b-trees; returns count."""
        conn = self.conn
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, published_at UNINDEXED, "
                     "tokenize=\"unicode61 remove_diacritics 2\")")
        ids = source.all_ids()
        count = 0
        conn.execute("BEGIN")
        for start in range(0, len(ids), LOAD_BATCH):
            chunk = ids[start:start + LOAD_BATCH]
            docs = source.load(chunk)
            rows = []
            for doc_id in chunk:
                doc = docs.get(doc_id, {}).get(index_name)
                if doc is not None:
                    rows.append((doc_id, doc["title"], doc["body"], _time_text(doc.get("published_at"))))
            conn.executemany(f"INSERT INTO {TABLE}(rowid, title, body, published_at) VALUES (?, ?, ?, ?)",
                             rows)
            count += len(rows)
        conn.execute("COMMIT")
        conn.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
        return count

    def update(self, source, doc_id, index_name="public"):
        """Replace (or delete) one document, committed."""
        doc = source.load([doc_id]).get(doc_id, {}).get(index_name)
        conn = self.conn
        conn.execute("BEGIN")
        conn.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", (doc_id,))
        if doc is not None:
            conn.execute(f"INSERT INTO {TABLE}(rowid, title, body, published_at) VALUES (?, ?, ?, ?)",
                         (doc_id, doc["title"], doc["body"], _time_text(doc.get("published_at"))))
        conn.execute("COMMIT")

    # --- searching --------------------------------------------------------------------------------
    def search(self, text, now, per_page=10):
        """(ids of the first page in rank order, total, partial) as PublicSearch.search answers."""
        parsed = parse(text)
        if parsed.empty:
            return [], 0, False
        when = _time_text(now)
        for require_all in (True, False):
            expression = translate(parsed, require_all)
            try:
                ids = [rowid for (rowid,) in self.conn.execute(
                    f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? AND published_at <= ? "
                    f"ORDER BY bm25({TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) LIMIT ?",
                    (expression, when, per_page))]
            except sqlite3.OperationalError:  # e.g. a token FTS5 reads as nothing
                ids = []
            if ids:
                total = self.conn.execute(
                    f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ? AND published_at <= ?",
                    (expression, when)).fetchone()[0]
                return ids, total, not require_all
            if len(parsed.clauses) < 2:
                break
        return [], 0, False

    def size_bytes(self):
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
