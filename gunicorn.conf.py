"""Production serving (make serve). Override with CMS_BIND, CMS_WORKERS, CMS_THREADS.

Workers: one per core, each with several threads (gthread): pages spend part of their time in
SQLite and Whoosh I/O, and threads keep a worker busy meanwhile. Rendered pages are shared by the
workers through the page cache on disk (validated against the database on every request, so all
workers see a change at once). Reload code and settings without dropping requests:
`kill -HUP $(cat instance/gunicorn.pid)`.

Sockets: with one socket shared by all workers, whichever worker is awake accepts the connections,
and kept-alive connections then stay with it: under a burst one worker could serve nearly all of
them on one core while the other idled (throughput varied 3x from run to run). With reuse_port
each worker listens on its own socket and the kernel spreads connections evenly. A worker that
stops (reload, recycling) would then drop the connections still waiting in its socket, unless the
kernel hands them to another worker: that is what net.ipv4.tcp_migrate_req=1 does (Linux 5.14+),
so reuse_port is used only when it is set (see README), or as CMS_REUSE_PORT says.
"""

import multiprocessing
import os
from pathlib import Path


def _kernel_migrates_pending_connections():
    try:
        return Path("/proc/sys/net/ipv4/tcp_migrate_req").read_text().strip() == "1"
    except OSError:
        return False


wsgi_app = "app:create_app()"
bind = os.environ.get("CMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CMS_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("CMS_THREADS", 6))
timeout = 60
graceful_timeout = 30
keepalive = 5
reuse_port = os.environ.get("CMS_REUSE_PORT", "1" if _kernel_migrates_pending_connections() else "0") == "1"
# Recycle workers now and then. Memory is bounded by design (page cache in bytes, one searcher
# per thread), so rarely: a recycled worker starts with empty memory caches (the disk one stays).
max_requests = 500000
max_requests_jitter = 50000
control_socket_disable = True  # gunicorn 27 would otherwise open a socket under ~/.gunicorn/
pidfile = os.path.join(os.environ.get("CMS_DATA_DIR", "instance"), "gunicorn.pid")
accesslog = "-"
errorlog = "-"
