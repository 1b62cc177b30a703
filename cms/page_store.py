"""The store of finished public pages: a small LRU in this process's memory for the hottest
pages, then a store on disk shared by every worker (cms.disk_store), and how a page is named in it."""

import hashlib
import threading
from collections import OrderedDict

from .dateline import local_today
from .disk_store import DiskStore

MEMORY_BYTES = 8 * 1024 * 1024  # per process: compressed bodies of the hottest pages
SHARED_BYTES = 512 * 1024 * 1024  # on disk, for every worker


class PageCache:
    """Finished responses (headers as sent, body gzip-compressed once), one entry per page key.

    Two tiers: a small LRU in this process's memory for the hottest pages, and a shared store on
    disk (python-diskcache, an SQLite file under the data dir) that every worker reads and that
    survives restarts and reloads, so a page is rendered once for all workers, not once per worker.
    An entry carries the entity tag it was rendered under; a lookup with any other tag misses.
    """

    def __init__(self, max_bytes=MEMORY_BYTES, shared_dir=None, shared_bytes=SHARED_BYTES):
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.max_bytes = max_bytes
        self.size = 0
        self._shared = DiskStore(shared_dir, shared_bytes)

    def get(self, key, tag):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry["tag"] == tag:
                self._entries.move_to_end(key)
                return entry
        entry = self._shared.get(key)
        if entry is None or entry.get("tag") != tag:
            return None
        self._remember(key, entry)
        return entry

    def put(self, key, entry):
        self._remember(key, entry)
        self._shared.set(key, entry)

    def _remember(self, key, entry):
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old["gzip"])
            self._entries[key] = entry
            self.size += len(entry["gzip"])
            while self.size > self.max_bytes and len(self._entries) > 1:
                _, evicted = self._entries.popitem(last=False)
                self.size -= len(evicted["gzip"])

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.size = 0
        self._shared.clear()


def page_key(host_url, path, args, key_args):
    """The cache key of a page: host (pages carry absolute URLs, and a forged Host header must
    not decide them for everyone else), path, and only the query arguments the page depends on
    (made-up ones such as ?utm_... share the entry instead of evicting hot pages)."""
    parts = [f"{name}={args.get(name, '')[:300]}" for name in key_args]
    return f"{host_url}{path}?{'&'.join(parts)}"


def page_identity(app, request_, key_args, depends_on, validator, host_url=None, path=None):
    """(cache key, entity tag) of the page `request_` asks for, as things stand now (`host_url`
    and `path`: the request's, when the caller has them already)."""
    key = page_key(host_url or request_.host_url, path or request_.path, request_.args, key_args)
    if depends_on is not None:
        key += "|" + depends_on(app)
    return key, entity_tag(key, validator)


def entity_tag(key, validator):
    """The tag a page is valid under: its key, the site's state and the local day (every page's
    banner shows the date, cms.dateline: yesterday's entry is a miss after midnight)."""
    version, _, newest = validator
    return hashlib.sha1(f"{key}|{version}|{newest}|{local_today()}".encode()).hexdigest()[:24]
