"""A store on disk shared by every worker process (python-diskcache: an SQLite file), for what can
always be computed again: cached pages, related lists, the matches of recent queries.

It never makes a reader wait or fail: opened on first use, a short lock timeout, and any error
(locked, damaged, full disk, a directory that cannot be made) reads as "not stored".
"""

import logging
import threading

import diskcache


class DiskStore:
    def __init__(self, directory, size_bytes):
        self._directory, self._size_bytes = directory, size_bytes
        self._cache = None
        self._lock = threading.Lock()

    def _opened(self):
        if self._cache is None and self._directory is not None:
            with self._lock:
                if self._cache is None and self._directory is not None:
                    try:
                        # No memory map: its pages would count in each worker's RSS.
                        self._cache = diskcache.Cache(str(self._directory), timeout=0.5,
                                                      size_limit=self._size_bytes,
                                                      sqlite_mmap_size=0, sqlite_cache_size=256)
                    except Exception:
                        logging.getLogger(__name__).exception("store %s unavailable", self._directory)
                        self._directory = None
        return self._cache

    def get(self, key):
        cache = self._opened()
        if cache is None:
            return None
        try:
            return cache.get(key)
        except Exception:
            return None

    def set(self, key, value, expire=None):
        cache = self._opened()
        if cache is not None:
            try:
                cache.set(key, value, expire=expire)
            except Exception:  # the value stands for this request; the next one computes it again
                pass

    def clear(self):
        cache = self._opened()
        if cache is not None:
            cache.clear()
