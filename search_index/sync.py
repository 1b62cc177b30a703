"""Keeping indexes true to the database: apply the outbox, rebuild, check for drift.

Sources are objects given by the packages that own the data, one per kind (cms.search_sources says
what they declare; cms.search_documents.ArticleSource, visits.search_source): `doc_type`,
`all_ids()`, `load(ids) -> {id: {index name: doc or None}}`, `stamps(index name) -> {key: stamp}`.
`sources` below is {doc_type: source}. This module never imports a model except the outbox.
"""

import logging
from datetime import timedelta

from cms.models import IndexTask
from cms.timeutil import utcnow

from .schema import PUBLIC_KINDS
from .store import to_whoosh

log = logging.getLogger(__name__)

BATCH = 500


def admissible(store_name, doc, source):
    """Whether `doc`, handed in by `source`, may enter this index: the public index takes only
    PUBLIC_KINDS (a visit record offered to it is refused, whatever a source hands in); the internal
    index takes each source's own kind."""
    allowed = {"public": PUBLIC_KINDS, "internal": {source.doc_type}}.get(store_name, ())
    if doc.get("kind") in allowed:
        return True
    log.error("%s index refused a document of kind %r (%s)", store_name, doc.get("kind"), doc.get("key"))
    return False


def _write_docs(writer, store_name, source, ids):
    docs = source.load(ids)
    for doc_id in ids:
        doc = docs.get(doc_id, {}).get(store_name)
        key = f"{source.doc_type}:{doc_id}"
        if doc is None or not admissible(store_name, doc, source):
            writer.delete_by_term("key", key)
        else:
            writer.update_document(**to_whoosh(doc, writer.schema))


def apply_pending(store, sources, max_rounds=20):
    """Apply outbox rows newer than the store's position, if this process gets the writer.

    Returns the number of rows applied, or None when another process holds the writer (it will
    apply them). Loops while new rows keep arriving, so a row committed during a write is not
    left waiting for the next request.
    """
    applied = 0
    for _ in range(max_rounds):
        position = store.position()
        if not IndexTask.select().where(IndexTask.id > position).exists():
            return applied
        writer = store.try_writer()
        if writer is None:
            return None if applied == 0 else applied
        try:
            position = store.position()  # re-read under the lock
            tasks = list(IndexTask.select().where(IndexTask.id > position)
                         .order_by(IndexTask.id).limit(BATCH))
            if not tasks:
                writer.cancel()
                return applied
            by_type = {}
            for task in tasks:
                by_type.setdefault(task.doc_type, []).append(task.doc_id)
            for doc_type, ids in by_type.items():
                source = sources.get(doc_type)
                if source is None:
                    log.warning("no search source for %s; %d tasks skipped", doc_type, len(ids))
                    continue
                _write_docs(writer, store.name, source, list(dict.fromkeys(ids)))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        done = settled_position(position, tasks)
        store.set_position(done)
        applied += len(tasks)
        if done != tasks[-1].id:  # a row before these may still commit: wait for it, do not spin
            return applied
    return applied


# Outbox ids are handed out when a row is inserted, not when its transaction commits: on PostgreSQL
# two saves at once can commit 12 before 11. An index that moved its position to 12 would never see
# 11. So the position only moves past a missing id once it is old enough to be a rolled-back insert
# (a sequence hole) rather than a transaction still open; the rows after it are applied meanwhile
# (and again later: applying a row is idempotent, it reads the document as the database has it).
GAP_WAIT = timedelta(seconds=60)


def settled_position(position, tasks, now=None):
    """The outbox position an index may record after applying `tasks` (ids above `position`, in
    order): the last id before a missing one that could still appear."""
    now = now or utcnow()
    expected = position + 1
    for task in tasks:
        if task.id != expected and task.created_at > now - GAP_WAIT:
            return expected - 1
        expected = task.id + 1
    return expected - 1


def safe_apply_pending(store, sources):
    """apply_pending for request hooks: a failing index is logged, never raised to the reader."""
    try:
        return apply_pending(store, sources)
    except Exception:  # the database change is already committed; index-check repairs drift
        log.exception("applying search outbox to %s failed", store.name)
        return None


def rebuild(store, sources, procs=1):
    """Fill a fresh copy of the index from the database and swap it in."""
    def fill(writer, convert):
        position = IndexTask.select(IndexTask.id).order_by(IndexTask.id.desc()).scalar() or 0
        count = 0
        for source in sources.values():
            ids = source.all_ids()
            for start in range(0, len(ids), BATCH):
                chunk = ids[start:start + BATCH]
                docs = source.load(chunk)
                for doc_id in chunk:
                    doc = docs.get(doc_id, {}).get(store.name)
                    if doc is not None and admissible(store.name, doc, source):
                        writer.add_document(**convert(doc))
                        count += 1
        fill.count = count
        return position

    store.rebuild(fill, procs=procs)
    return fill.count


def check(store, sources):
    """Drift between database and index: {"missing": [...], "extra": [...], "stale": [...]} keys."""
    expected = {}
    for source in sources.values():
        expected.update(source.stamps(store.name))
    with store.index().searcher() as searcher:
        indexed = {fields["key"]: fields.get("stamp") for fields in searcher.all_stored_fields()}
    return {
        "missing": sorted(set(expected) - set(indexed)),
        "extra": sorted(set(indexed) - set(expected)),
        "stale": sorted(key for key in set(expected) & set(indexed) if expected[key] != indexed[key]),
    }


def repair(store, sources, drift):
    """Rewrite the drifting documents directly (waiting for the writer)."""
    keys = drift["missing"] + drift["extra"] + drift["stale"]
    if not keys:
        return 0
    writer = store.writer(timeout=30.0, delay=0.25)
    try:
        by_type = {}
        for key in keys:
            doc_type, _, doc_id = key.partition(":")
            by_type.setdefault(doc_type, []).append(int(doc_id))
        for doc_type, ids in by_type.items():
            source = sources.get(doc_type)
            if source is None:  # documents of a type nobody provides any more
                for doc_id in ids:
                    writer.delete_by_term("key", f"{doc_type}:{doc_id}")
                continue
            _write_docs(writer, store.name, source, ids)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return len(keys)
