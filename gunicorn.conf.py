"""Production serving (make serve). Override with CMS_BIND, CMS_WORKERS, CMS_THREADS.

Workers: two per core, each with a few threads (gthread): pages spend part of their time in
SQLite and Whoosh I/O, and threads keep a worker busy meanwhile. Reload code and settings without
dropping requests: `kill -HUP $(cat instance/gunicorn.pid)`.
"""

import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("CMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CMS_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("CMS_THREADS", 4))
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then (memory stays flat)
max_requests_jitter = 500
control_socket_disable = True  # gunicorn 27 would otherwise open a socket under ~/.gunicorn/
pidfile = os.path.join(os.environ.get("CMS_DATA_DIR", "instance"), "gunicorn.pid")
accesslog = "-"
errorlog = "-"
