"""Production serving (make serve). Override with CMS_BIND, CMS_WORKERS, CMS_THREADS.

Workers: one per core, each with several threads (gthread): pages spend part of their time in
SQLite and Whoosh I/O, and threads keep a worker busy meanwhile. Each worker has its own page
cache (validated against the database on every request, so all workers see a change at once);
fewer, fuller workers render each page fewer times and hold less memory. Reload code and settings without
dropping requests: `kill -HUP $(cat instance/gunicorn.pid)`.
"""

import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("CMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CMS_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("CMS_THREADS", 6))
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then. Memory is bounded by design (page cache in bytes, one searcher
# per thread), so rarely: each recycle empties that worker's page cache.
max_requests = 50000
max_requests_jitter = 5000
control_socket_disable = True  # gunicorn 27 would otherwise open a socket under ~/.gunicorn/
pidfile = os.path.join(os.environ.get("CMS_DATA_DIR", "instance"), "gunicorn.pid")
accesslog = "-"
errorlog = "-"
