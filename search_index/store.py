"""Index directories: creating, opening, the writer lock, the outbox position, atomic swaps.

`<data dir>/index/<name>` is a symbolic link to the directory in use (`<name>-<time>`). A rebuild
fills a new directory and then replaces the link in one rename, so searches keep answering from
the old one until the new one is complete; a rebuild killed halfway leaves the link untouched.
"""

import os
import shutil
import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from cms.search_port import IndexUnavailable

from .schema import SCHEMAS

POSITION_FILE = "outbox_position"
# Segments as separate files: Whoosh reads a compound segment through a copy of its whole postings
# in memory (BufferFile wraps the mapped bytes in a BytesIO), per searcher opened.
WRITER_OPTIONS = {"compound": False}
__all__ = ["IndexStore", "IndexUnavailable", "to_whoosh"]  # IndexUnavailable: the core's (cms.search_port)


def to_whoosh(doc, schema):
    """A source document ({title, body, ...}) as index fields: each text in both views."""
    fields = {name: value for name, value in doc.items() if name in schema.names()}
    for name in ("title", "body"):
        fields[name + "_f"] = doc.get(name, "")
    if doc.get("related") and "related_f" in schema.names():
        fields["related_f"] = doc["related"]
    return {name: value for name, value in fields.items() if value is not None}


class IndexStore:
    def __init__(self, base_dir, name):
        if name not in SCHEMAS:
            raise ValueError(f"unknown index {name!r}")
        self.name = name
        self.base_dir = Path(base_dir)
        self.link = self.base_dir / name
        self._cache = (None, None)  # (real path, whoosh Index)
        self._local = threading.local()  # this thread's searcher, kept between searches

    # --- locations ------------------------------------------------------------------------------
    def current_dir(self):
        return Path(os.path.realpath(self.link)) if self.link.exists() else None

    def exists(self):
        """True when the index in use can at least be found (a corrupt one may still fail to open).

        Asked again after a moment before saying no: while another process commits, the table of
        contents this one just listed can be replaced and deleted under it (seen under bench/soak.py).
        """
        for attempt in range(3):
            current = self.current_dir()
            if current is None:
                return False
            try:
                if whoosh_index.exists_in(str(current)):
                    return True
            except Exception:  # unreadable table of contents: as good as missing, if it stays so
                pass
            if attempt < 2:
                time.sleep(0.02)
        return False

    def _new_dir(self):
        self.base_dir.mkdir(parents=True, exist_ok=True)
        stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        path = self.base_dir / f"{self.name}-{stamp}"
        path.mkdir()
        return path

    def _point_link_at(self, target):
        temporary = self.base_dir / f".{self.name}.link-{os.getpid()}"
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        os.symlink(target.name, temporary)
        os.replace(temporary, self.link)  # atomic: readers see the old or the new, never neither

    def create_empty(self):
        path = self._new_dir()
        whoosh_index.create_in(str(path), SCHEMAS[self.name]())
        self._point_link_at(path)
        return path

    # --- opening ----------------------------------------------------------------------------------
    def index(self):
        """The Whoosh index in use (re-opened when a rebuild swapped the directory)."""
        if not self.exists():
            raise IndexUnavailable(f"index {self.name} is missing or unreadable")
        current = self.current_dir()
        cached_path, cached = self._cache
        if cached_path != current:
            try:
                cached = whoosh_index.open_dir(str(current))
            except Exception as exc:  # corrupt files: reported, never a 500
                raise IndexUnavailable(f"index {self.name} cannot be opened: {exc}") from exc
            self._cache = (current, cached)
        return cached

    def schema_outdated(self):
        """True when the index on disk was built with other fields than this version declares
        (an upgrade added one): it answers, but misses what the new field holds until rebuilt."""
        return set(self.index().schema.names()) != set(SCHEMAS[self.name]().names())

    def ensure(self):
        if not self.exists():
            self.create_empty()
        return self.index()

    def searcher(self):
        """A searcher on the index in use, kept for this thread and replaced when the index
        changed (a commit, or a rebuild swapped in). A Whoosh searcher is not shared between
        threads. (Whoosh's own refresh() is not used: it keeps readers by segment id, so it
        misses new deletions in a segment.) Do not close it."""
        ix = self.index()
        current = getattr(self._local, "searcher", None)
        try:
            if current is not None and (self._local.ix is not ix or not current.up_to_date()):
                current.close()
                current = None
            if current is None:
                current = ix.searcher()
        except Exception as exc:  # files vanished or garbled under us: as if unavailable
            self._local.searcher = None
            raise IndexUnavailable(f"index {self.name} cannot be read: {exc}") from exc
        self._local.searcher, self._local.ix = current, ix
        return current

    def searcher_state(self, searcher):
        """Names what `searcher` (this thread's, from searcher()) reads: its directory and commit
        generation, which together identify the documents it sees; None if unknown."""
        ix = getattr(self._local, "ix", None)
        generation = searcher.reader().generation()
        if ix is None or generation is None or getattr(self._local, "searcher", None) is not searcher:
            return None
        return f"{Path(ix.storage.folder).name}:{generation}"

    def drop_searcher(self):
        """Forget this thread's kept searcher (the next searcher() opens a new one)."""
        current, self._local.searcher = getattr(self._local, "searcher", None), None
        if current is not None:
            try:
                current.close()
            except Exception:  # its files may be gone already
                pass

    def writer(self, **options):
        return self.index().writer(**WRITER_OPTIONS, **options)

    def try_writer(self):
        """A writer if the lock is free right now, else None (another process is writing)."""
        try:
            return self.writer(timeout=0.0)
        except LockError:
            return None

    # --- outbox position -----------------------------------------------------------------------
    def position(self, path=None):
        path = path or self.current_dir()
        try:
            return int((path / POSITION_FILE).read_text().strip() or 0)
        except (OSError, ValueError, TypeError):
            return 0

    def set_position(self, value, path=None):
        path = path or self.current_dir()
        # A name of its own: another process may be writing its position at the same moment.
        temporary = path / f"{POSITION_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
        temporary.write_text(str(int(value)))
        os.replace(temporary, path / POSITION_FILE)

    # --- rebuild --------------------------------------------------------------------------------
    def rebuild(self, fill, procs=1):
        """Fill a new directory with `fill(writer, to_whoosh)` then swap it in; returns its path."""
        path = self._new_dir()
        try:
            ix = whoosh_index.create_in(str(path), SCHEMAS[self.name]())
            options = {"limitmb": 256, **WRITER_OPTIONS}
            if procs > 1:
                options.update(procs=procs, multisegment=True)
            writer = ix.writer(**options)
            try:
                position = fill(writer, lambda doc: to_whoosh(doc, ix.schema))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            self.set_position(position, path)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        previous = self.current_dir()
        self._point_link_at(path)
        self._remove_old(keep={path, previous})
        return path

    def _remove_old(self, keep):
        for candidate in self.base_dir.glob(f"{self.name}-*"):
            if candidate.is_dir() and candidate not in keep:
                shutil.rmtree(candidate, ignore_errors=True)
