"""The measuring side of the bench protocol for Python contenders.

Mirrors bench/peers/lib/harness.mjs: parse --jobs/--interval/--duration
[--warmup], time the setup, record lateness of each callback whose due
instant falls in the window that starts `warmup` seconds after setup ends,
and print one JSON line.
"""
import gc
import json
import math
import os
import resource
import sys
import threading
import time

GRACE_S = 2.0


def parse_args(argv):
    flags = {}
    for i in range(0, len(argv), 2):
        if not argv[i].startswith("--") or i + 1 >= len(argv):
            raise SystemExit(f"bad argument {argv[i]}: expected --jobs N --interval S|A..B --duration S")
        flags[argv[i][2:]] = argv[i + 1]
    jobs = int(flags["jobs"])
    duration = float(flags["duration"])
    warmup = float(flags.get("warmup", 0))
    if warmup < 0:
        raise SystemExit(f"--warmup must be zero or more seconds, got {flags['warmup']}")
    text = flags["interval"]
    if ".." in text:
        lo, hi = (int(x) for x in text.split(".."))
    else:
        lo = hi = int(text)
    span = hi - lo + 1
    return {"jobs": jobs, "duration": duration, "warmup": warmup, "interval_text": text,
            "interval_for": lambda i: lo + (i % span)}


def now_ms():
    # time.time() reads CLOCK_REALTIME with sub-microsecond resolution.
    return time.time() * 1000.0


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[min(len(sorted_values), max(1, rank)) - 1]


def count_grid(first, period, w0, w1):
    """Instants first + k*period (k >= 0) inside [w0, w1)."""
    if first >= w1:
        return 0
    k0 = 0 if first >= w0 else math.ceil((w0 - first) / period)
    k1 = math.ceil((w1 - first) / period)
    return max(0, k1 - k0)


def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000.0


def rss_mb():
    # Current resident set (ru_maxrss would be the peak).
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


LATE_INSTANT_MS = 2


def late_instants(starts):
    """Due instants, and how many had a start more than LATE_INSTANT_MS late (harness.mjs lateInstants)."""
    worst = {}
    for late, due in starts:
        worst[due] = max(worst.get(due, -math.inf), late)
    return {"n": len(worst), "late": sum(1 for w in worst.values() if w > LATE_INSTANT_MS)}


def _r(x, digits=3):
    return None if x is None else round(x, digits)


class Recorder:
    def __init__(self, peer, opts):
        self.peer = peer
        self.opts = opts
        self.window_start = math.inf
        self.window_end = math.inf
        self.late = []
        self.expected = lambda w0, w1: 0

    def setup_start(self):
        self.setup_began = now_ms()

    def setup_end(self):
        # Collect setup garbage inside setup time, as every contender does.
        gc.collect()
        now = now_ms()
        self.setup_ms = now - self.setup_began
        # After the warm-up, the same for every contender.
        self.window_start = now + self.opts["warmup"] * 1000
        self.window_end = self.window_start + self.opts["duration"] * 1000
        self.cpu_start = cpu_ms()
        if self.opts["warmup"] > 0:
            timer = threading.Timer(self.opts["warmup"], self._open_window)
            timer.daemon = True
            timer.start()

    def _open_window(self):
        self.cpu_start = cpu_ms()

    def record(self, due_ms, start_ms):
        if self.window_start <= due_ms < self.window_end:
            # One tuple per start, so late and due stay paired even when APScheduler's threads record at once.
            self.late.append((start_ms - due_ms, due_ms))  # list.append is atomic under the GIL

    def window_over(self):
        return now_ms() >= self.window_end

    def measure_end(self):
        """Call once when the window ends (CPU and RSS are read here)."""
        self.cpu = cpu_ms() - self.cpu_start
        self.rss = rss_mb()

    def report(self):
        values = sorted(late for late, _ in self.late)
        line = {
            "peer": self.peer,
            "jobs": self.opts["jobs"],
            "interval_s": self.opts["interval_text"],
            "duration_s": self.opts["duration"],
            "fired": len(values),
            "expected": self.expected(self.window_start, self.window_end),
            "late_ms": {"p50": _r(percentile(values, 50)), "p99": _r(percentile(values, 99)),
                        "max": _r(values[-1] if values else None)},
            "instants": late_instants(self.late),
            "cpu_ms": _r(self.cpu, 1),
            "setup_ms": _r(self.setup_ms, 1),
            "rss_mb": _r(self.rss, 1),
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        return line
