"""The baseline of bench/load.py: one minimal Flask route, served by the site's own gunicorn.conf.py.

    gunicorn -c gunicorn.conf.py bench.load_minimal:app      # the argument overrides wsgi_app

Whatever the site's pages reach, this is the ceiling the same workers, threads and worker class
give on the same machine: bench/load.py prints each page's throughput as a ratio of it.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/ok")
def ok():
    return "ok"
