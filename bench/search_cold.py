"""The cold-query part of bench/search.py: queries nobody asked before, through the API.

    .venv/bin/python bench/search.py --only cold --corpus news --docs 10000

The corpus (bench/search_corpus.py; `--corpus news` for the word frequencies of real news) is
indexed three ways from the same documents (cms.search_documents.ArticleSource): Whoosh by the
application (search_index.sync.rebuild, two processes), SQLite FTS5 (bench/search_fts.py) and
Tantivy (bench/search_tantivy.py, its Python binding installed for the benchmark only). Then the
site runs under gunicorn as in production (gunicorn.conf.py, on loopback), and every query of
search_corpus.build_queries is asked exactly once of each engine, in one shuffled order: Whoosh as
a reader's browser would, `GET /api/search?q=...` over HTTP (the first page of 10 with snippets and
the total), FTS5 and Tantivy in this process (first 10 and the count). No query is asked twice in a
run, so nothing answers from a cache of results; what each engine keeps of its index between
queries (the OS page cache, Whoosh's decoded posting lists) is what a running site has.

Printed per class: p50 and p95 of each engine, and Whoosh's p95 as a ratio of FTS5's and of
Tantivy's. Targets at 10,000 articles (issue "search speed"): p95 under 100 ms for 1-3 syllables,
under 200 ms for phrases, and within 5 times FTS5.
"""

import json
import random
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import load, search_corpus
from bench.search_fts import Fts5Engine
from cms.db import database
from cms.search_documents import ArticleSource
from cms.timeutil import utcnow
from search_index import sync

TARGETS_MS = {"1 syllable": 100, "2 syllables": 100, "3 syllables": 100, "phrase": 200}
WITHIN_FTS5 = 5.0


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def _tantivy_engine(data_dir):
    try:
        from bench.search_tantivy import TantivyEngine
    except ImportError:
        return None
    return TantivyEngine(Path(data_dir) / "tantivy")


def _timed(function):
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def run(args, data_dir, log, make_app):
    result = {"docs": args.docs, "corpus_kind": search_corpus.corpus_kind}
    _, cached, built = search_corpus.install_corpus(data_dir, args.docs, args.seed,
                                                    progress=lambda m: log(f"    {m}"))
    log(f"  corpus {'generated' if built else 'from cache'}: {cached.name}")
    app = make_app(data_dir)
    service = app.extensions["search"]
    with app.app_context(), database.connection_context():
        texts = search_corpus.sample_articles(2000, args.seed)
        result["corpus"] = search_corpus.text_stats(texts)
        classes = search_corpus.build_queries(texts, args.seed, args.cold_per_class)
        classes = {name: queries for name, queries in classes.items() if name != "4-6 syllables"}
        source = ArticleSource()
        log("  indexing: Whoosh (procs=2) ...")
        whoosh_s, count = _timed(lambda: sync.rebuild(service.stores["public"], service.sources, procs=2))
        fts = Fts5Engine(Path(data_dir) / "fts5.sqlite3")
        log("  indexing: FTS5 ...")
        fts_s, _ = _timed(lambda: fts.rebuild(source))
        tantivy = _tantivy_engine(data_dir)
        tantivy_s = None
        if tantivy is not None:
            log("  indexing: Tantivy ...")
            tantivy_s, _ = _timed(lambda: tantivy.rebuild(source))
        result["rebuild_s"] = {"whoosh": round(whoosh_s / 1000, 1), "fts5": round(fts_s / 1000, 1),
                               "tantivy": round(tantivy_s / 1000, 1) if tantivy_s is not None else None,
                               "documents": count}
    database.close()

    server = load.Server("search-cold", data_dir).start()
    try:
        server.wait_ready("/api/search?q=" + urllib.parse.quote("khởi động"), workers=1)
        order = [(name, q) for name, queries in classes.items() for q in queries]
        random.Random(args.seed).shuffle(order)
        now = utcnow()
        times = {name: {"whoosh": [], "fts5": [], "tantivy": []} for name in classes}
        empty = {"whoosh": 0, "fts5": 0, "tantivy": 0}
        log(f"  {len(order)} cold queries, each once per engine ...")
        for name, text in order:
            url = server.url + "/api/search?" + urllib.parse.urlencode({"q": text})
            ms, body = _timed(lambda url=url: urllib.request.urlopen(url, timeout=60).read())
            times[name]["whoosh"].append(ms)
            empty["whoosh"] += json.loads(body)["total"] == 0
            ms, (_, total, _) = _timed(lambda text=text: fts.search(text, now))
            times[name]["fts5"].append(ms)
            empty["fts5"] += total == 0
            if tantivy is not None:
                ms, (_, total, _) = _timed(lambda text=text: tantivy.search(text, now))
                times[name]["tantivy"].append(ms)
                empty["tantivy"] += total == 0
    finally:
        server.stop()
        fts.close()
    result["latency"] = {
        name: {engine: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 95), 1),
                        "queries": len(v)} for engine, v in per_engine.items() if v}
        for name, per_engine in times.items()}
    result["no_result_queries"] = empty
    result["queries"] = classes
    return result


def _pair(figures):
    return f"{figures['p50_ms']:.1f}/{figures['p95_ms']:.1f}" if figures else "-"


def print_cold(res):
    corpus = res["corpus"]
    print(f"\nCold queries through /api/search: {res['docs']:,} articles, corpus '{res['corpus_kind']}' "
          f"({corpus['distinct_syllables']:,} distinct syllables in 2,000 sampled articles, "
          f"top 10 = {corpus['top10_share']:.1%} of words)")
    rebuild = res["rebuild_s"]
    tantivy_rebuild = rebuild["tantivy"] if rebuild["tantivy"] is not None else "not installed"
    print(f"  indexing {rebuild['documents']:,} documents: Whoosh {rebuild['whoosh']} s, "
          f"FTS5 {rebuild['fts5']} s, Tantivy {tantivy_rebuild} s")
    print(f"  {'class':<13} {'Whoosh p50/p95':>16} {'FTS5 p50/p95':>14} {'Tantivy p50/p95':>16} "
          f"{'÷FTS5':>6} {'÷Tantivy':>8}  target")
    for name, engines in res["latency"].items():
        whoosh, fts, tantivy = engines["whoosh"], engines["fts5"], engines.get("tantivy")
        ratio_fts = whoosh["p95_ms"] / max(fts["p95_ms"], 0.01)
        ratio_tantivy = f"{whoosh['p95_ms'] / max(tantivy['p95_ms'], 0.01):.1f}" if tantivy else "-"
        target = TARGETS_MS.get(name)
        met = whoosh["p95_ms"] < target and ratio_fts <= WITHIN_FTS5
        print(f"  {name:<13} {_pair(whoosh):>16} {_pair(fts):>14} {_pair(tantivy):>16} {ratio_fts:>6.1f} "
              f"{ratio_tantivy:>8}  p95 < {target} ms, ≤ {WITHIN_FTS5:.0f}× FTS5: "
              f"{'met' if met else 'MISSED'}")
    print(f"  queries with no result: {res['no_result_queries']}")
