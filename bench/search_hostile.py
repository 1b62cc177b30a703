"""What queries chosen to be expensive cost, and what they do to everyone else's pages.

    .venv/bin/python bench/search_hostile.py [--seconds 30] [--clients 8]

The demo site (`flask load-demo`, `reindex`) runs under gunicorn as in production (gunicorn.conf.py,
loopback). First each hostile query below is asked alone, reordered so that no answer is kept: its
cost, as an anonymous reader pays it. Then a reader's pages are timed twice in the same run, the
yardstick first: the home page and an ordinary cold search, with nobody else on the site; then the
same while --clients threads send hostile queries without pause (each reordered, never repeated).
Printed: p50/p95 of each, the ratio under attack to alone, and the answers the attackers got (200
pages, 503 "try again" from the cold-search limit).
"""

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import BIN, Server, server_env  # noqa: E402

COMMON = ("cán bộ đảng viên chi bộ tổ chức cơ sở công tác huyện xã tỉnh kết nạp sinh hoạt nghị quyết "
          "kiểm tra giám sát đánh giá quy hoạch").split()
LETTERS = "b c d f g h j k l m n p q r s t".split()
READER_WORDS = ("đảng viên", "chi bộ", "cán bộ trẻ", "kết nạp", "sinh hoạt chi bộ", "quy hoạch cán bộ",
                "tổ chức cơ sở", "kiểm tra giám sát", "luân chuyển", "nghị quyết")


def hostile(kind, rng):
    """A new query of `kind`, never the same twice in a run."""
    if kind == "single letters":
        return " ".join(rng.sample(LETTERS, len(LETTERS)))
    if kind == "300 chars of common syllables":
        words = []
        while len(" ".join(words)) < 300:
            words.append(rng.choice(COMMON))
        return " ".join(words)[:300]
    if kind == "wildcards":
        return " ".join(rng.choice(COMMON)[:2] + rng.choice("*?") for _ in range(rng.randint(6, 12)))
    if kind == "misspelt words":
        return " ".join(w[:-1] + rng.choice("qwzx") + w[-1] for w in rng.sample(COMMON, 6))
    raise ValueError(kind)


KINDS = ("single letters", "300 chars of common syllables", "wildcards", "misspelt words")


def timed_get(url):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return (time.perf_counter() - started) * 1000, status


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def reader_pass(base, rng, seconds):
    """A reader's home page and cold searches for `seconds`: {page: [ms]}."""
    times = {"home": [], "search": []}
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        times["home"].append(timed_get(base + "/")[0])
        n += 1
        words = f"{rng.choice(READER_WORDS)} {rng.choice(COMMON)} {n}"
        times["search"].append(timed_get(base + "/api/search?" + urllib.parse.urlencode({"q": words}))[0])
        time.sleep(0.05)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="search-hostile-") as tmp:
        data_dir = Path(tmp)
        env = server_env(data_dir)
        for command in (["init-db"], ["load-demo"], ["reindex"]):
            subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        server = Server("hostile", data_dir).start()
        try:
            server.wait_ready("/", workers=1)
            base = server.url
            alone = {}
            for kind in KINDS:
                alone[kind] = [timed_get(base + "/tim-kiem?" + urllib.parse.urlencode(
                    {"q": hostile(kind, rng)})) for _ in range(10)]
            yardstick = reader_pass(base, rng, args.seconds)
            stop = threading.Event()
            answers = {}
            lock = threading.Lock()

            def attacker(seed):
                own = random.Random(seed)
                while not stop.is_set():
                    kind = own.choice(KINDS)
                    path = own.choice(["/tim-kiem?", "/api/search?"])
                    _, status = timed_get(base + path + urllib.parse.urlencode({"q": hostile(kind, own)}))
                    with lock:
                        answers[status] = answers.get(status, 0) + 1

            threads = [threading.Thread(target=attacker, args=(args.seed * 100 + i,), daemon=True)
                       for i in range(args.clients)]
            for thread in threads:
                thread.start()
            under_attack = reader_pass(base, rng, args.seconds)
            stop.set()
            for thread in threads:
                thread.join(timeout=90)
            errors = server.errors_logged()
        finally:
            server.stop()
    print(f"\nHostile queries on the demo site ({args.clients} attacking clients, "
          f"{args.seconds:.0f} s per pass)")
    print("  each asked alone (10 new ones of each kind), /tim-kiem:")
    for kind, rows in alone.items():
        ms = [m for m, _ in rows]
        print(f"    {kind:<31} p50 {statistics.median(ms):7.1f} ms  max {max(ms):7.1f} ms  "
              f"answers {sorted({s for _, s in rows})}")
    print(f"  a reader's pages, alone (yardstick) and while {args.clients} clients attack:")
    for page in ("home", "search"):
        a, b = yardstick[page], under_attack[page]
        print(f"    {page:<7} alone p50 {statistics.median(a):6.1f} / p95 {percentile(a, 95):6.1f} ms   "
              f"under attack p50 {statistics.median(b):6.1f} / p95 {percentile(b, 95):6.1f} ms   "
              f"ratio p50 {statistics.median(b) / max(statistics.median(a), 0.01):.1f}")
    print(f"  attackers' answers by status: {dict(sorted(answers.items()))}; tracebacks logged: {errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
