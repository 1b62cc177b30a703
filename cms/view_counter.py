"""Article views counted in memory and written every few seconds."""

import threading
import time

from .db import database
from .models import Article


class ViewCounter:
    """Article views counted in memory and written in one small transaction every few seconds,
    so that reading a page never waits on the database's single writer."""

    def __init__(self, flush_every=10.0, flush_at=200):
        self._counts = {}
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()
        self.flush_every, self.flush_at = flush_every, flush_at

    def record(self, article_id):
        with self._lock:
            self._counts[article_id] = self._counts.get(article_id, 0) + 1
            due = (sum(self._counts.values()) >= self.flush_at
                   or time.monotonic() - self._last_flush >= self.flush_every)
        if due:
            self.flush()

    def flush(self):
        with self._lock:
            counts, self._counts = self._counts, {}
            self._last_flush = time.monotonic()
        if not counts:
            return
        opened_here = database.is_closed()
        try:
            with database.atomic():
                # One statement per distinct count: usually a handful, not one per article.
                by_count = {}
                for article_id, n in counts.items():
                    by_count.setdefault(n, []).append(article_id)
                for n, ids in by_count.items():
                    Article.update(view_count=Article.view_count + n).where(Article.id.in_(ids)).execute()
        except Exception:  # counts are a nicety: never fail a page for them
            pass
        finally:
            if opened_here and not database.is_closed():
                database.close()
