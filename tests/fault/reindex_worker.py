"""A child process running the real `reindex` command, made to stop at a chosen point and say so,
so that the parent can SIGKILL it exactly there.

Usage: reindex_worker.py fill|swap   (site from CMS_DATA_DIR / DATABASE_URL)
- fill: while the new public index is being filled (writer open, some documents added);
- swap: with the new public index complete and committed, just before it is swapped in.
"""

import sys
import time

from app import create_app
from search_index import store as store_module
from search_index import sync


def stop_here(message):
    # The CLI runner captures sys.stdout: speak to the parent on the real one.
    print(message, file=sys.__stdout__, flush=True)
    while True:  # until killed
        time.sleep(60)


def main(point):
    app = create_app({"TESTING": True, "SERVER_NAME": "localhost"})
    source = app.extensions["search"].sources["article"]
    if point == "fill":
        sync.BATCH = 3  # several chunks: stop before the second one
        calls = []
        original_load = source.load

        def load(ids):
            calls.append(ids)
            if len(calls) == 2:
                stop_here("STOPPED fill")
            return original_load(ids)

        source.load = load
    else:
        def point_link_at(self, target):
            stop_here(f"STOPPED swap {target}")

        store_module.IndexStore._point_link_at = point_link_at
    result = app.test_cli_runner().invoke(args=["reindex"])
    print(result.output, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
