"""Tantivy (its official Python binding) as a yardstick of a native engine in bench/search.py.

Installed for the benchmark only (bench/requirements.txt); the application does not use it. It is
given exactly what the Whoosh public index is given, analysed by the application's own analyzers
(search_index.analysis: NFC, one tone placement, đ/d folding, codes such as 2993-QĐ/TU kept whole
and as parts): the tokens are joined by spaces and Tantivy's whitespace tokenizer reads them back,
so both engines index the same terms. Fields: title and body, exact and folded, as Whoosh's.

A query is built as search_index.query builds Whoosh's: every word must match (its folded form in
title or body; its exact form too, weighing 4 times more, when typed with diacritics); the title
weighs 3 times the body (Whoosh's field_boost); a code matches whole or as its parts in a row; a
quoted phrase must stand in order; when no document has every word, any word will do. Tantivy
scores with its own BM25 and without the adjacency bonus; a page is the first 10 and the exact
count, limited to documents already published.
"""

import shutil
from pathlib import Path

import tantivy

from search_index.analysis import exact_analyzer, exact_form, folded_analyzer, folded_form, has_diacritics
from search_index.query import EXACT_BOOST, parse

TITLE_BOOST = 3.0
WRITER_HEAP = 256 * 1024 * 1024
LOAD_BATCH = 500


def _epoch(value):
    return int(value.timestamp()) if value is not None else 0


class TantivyEngine:
    def __init__(self, path):
        self.path = Path(path)
        builder = tantivy.SchemaBuilder()
        for name in ("title", "title_f", "body", "body_f"):
            builder.add_text_field(name, tokenizer_name="whitespace")
        builder.add_unsigned_field("doc_id", stored=True, indexed=True, fast=True)
        builder.add_unsigned_field("published", indexed=True, fast=True)
        self.schema = builder.build()
        self.index = None
        self._exact, self._folded = exact_analyzer(), folded_analyzer()

    def _tokens(self, analyzer, text):
        return " ".join(token.text for token in analyzer(text or ""))

    def rebuild(self, source, index_name="public", procs=2):
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        self.index = tantivy.Index(self.schema, path=str(self.path))
        writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=procs)
        ids = source.all_ids()
        count = 0
        for start in range(0, len(ids), LOAD_BATCH):
            chunk = ids[start:start + LOAD_BATCH]
            docs = source.load(chunk)
            for doc_id in chunk:
                doc = docs.get(doc_id, {}).get(index_name)
                if doc is None:
                    continue
                document = tantivy.Document()
                document.add_unsigned("doc_id", doc_id)
                document.add_unsigned("published", _epoch(doc.get("published_at")))
                document.add_text("title", self._tokens(self._exact, doc["title"]))
                document.add_text("title_f", self._tokens(self._folded, doc["title"]))
                document.add_text("body", self._tokens(self._exact, doc["body"]))
                document.add_text("body_f", self._tokens(self._folded, doc["body"]))
                writer.add_document(document)
                count += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return count

    def size_bytes(self):
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    # --- queries ----------------------------------------------------------------------------------
    def _field_query(self, field, words, boost):
        words = [w for w in words if w]
        if not words:
            return None
        if len(words) == 1:
            query = tantivy.Query.term_query(self.schema, field, words[0])
        else:
            query = tantivy.Query.phrase_query(self.schema, field, words)
        return tantivy.Query.boost_query(query, boost)

    def _either(self, queries):
        queries = [q for q in queries if q is not None]
        if not queries:
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def _words_query(self, words, strict_marks=False):
        """The words standing together (one word: itself) in title or body, folded and as typed."""
        options = []
        marked = any(has_diacritics(w) for w in words)
        for name, boost in (("title", TITLE_BOOST), ("body", 1.0)):
            if not (strict_marks and marked):
                options.append(self._field_query(name + "_f", [folded_form(w) for w in words], boost))
            if marked:
                options.append(self._field_query(name, [exact_form(w) for w in words], boost * EXACT_BOOST))
        return self._either(options)

    def _clause_query(self, clause, strict_marks):
        if clause.quoted:
            return self._words_query([w for token, parts in clause.tokens for w in (parts or [token])])
        token, parts = clause.tokens[0]
        options = [self._words_query([token], strict_marks)]
        if parts:
            options.append(self._words_query(parts))
        return self._either(options)

    def search(self, text, now, per_page=10):
        """(ids of the first page in rank order, total, partial) as PublicSearch.search answers."""
        parsed = parse(text)
        if parsed.empty:
            return [], 0, False
        published = tantivy.Query.range_query(self.schema, "published", tantivy.FieldType.Unsigned, 0,
                                              _epoch(now))
        searcher = self.index.searcher()
        for require_all in (True, False):
            clauses = [self._clause_query(c, strict_marks=not require_all) for c in parsed.clauses]
            clauses = [c for c in clauses if c is not None]
            if not clauses:
                return [], 0, False
            occur = tantivy.Occur.Must if require_all else tantivy.Occur.Should
            matching = tantivy.Query.boolean_query([(occur, c) for c in clauses])
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, matching),
                                                 (tantivy.Occur.Must, published)])
            result = searcher.search(query, per_page, count=True)
            if result.count:
                ids = [searcher.doc(address)["doc_id"][0] for _, address in result.hits]
                return ids, result.count, not require_all
            if len(parsed.clauses) < 2:
                break
        return [], 0, False
