"""Ask Python `schedule` 1.1 (the original's engine) for first runs.

Regenerate the fixture (Debian: apt install python3-schedule):
    /usr/bin/python3 test/schedule/oracle/schedule11.py > test/schedule/oracle/schedule11.json

Each case fixes "now" (frozen.py), registers one job and records `next_run`.
Naive wall times; tickd reproduces them in UTC.
"""
import datetime as real_datetime
import json
import random

from frozen import WEEKDAYS, iso, register

rng = random.Random(20261128)


def random_case():
    kind = rng.choice(["second", "minute", "hour", "day", "week", "weekday"])
    interval = 1 if kind == "weekday" or rng.random() < 0.5 else rng.randint(2, 5)
    at = None
    if kind == "minute" and rng.random() < 0.7:
        at = ":%02d" % rng.randint(0, 59)
    elif kind == "hour" and rng.random() < 0.7:
        at = rng.choice([":%02d" % rng.randint(0, 59), "%02d:%02d" % (rng.randint(0, 59), rng.randint(0, 59))])
    elif kind in ("day", "weekday") and rng.random() < 0.8:
        at = rng.choice(["%02d:%02d" % (rng.randint(0, 23), rng.randint(0, 59)),
                         "%02d:%02d:%02d" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))])
    unit = rng.choice(WEEKDAYS) if kind == "weekday" else kind
    # Registration instants on whole milliseconds, sometimes right on the `at`.
    now = real_datetime.datetime(2026, 1, 1) + real_datetime.timedelta(
        days=rng.randint(0, 364), seconds=rng.randint(0, 86399), milliseconds=rng.choice([0, 0, rng.randint(0, 999)]))
    if at is not None and rng.random() < 0.2:
        parts = [int(p) if p else 0 for p in at.split(":")]
        if kind in ("day", "weekday"):
            now = now.replace(hour=parts[0], minute=parts[1], second=parts[2] if len(parts) > 2 else 0, microsecond=0)
        elif kind == "hour":
            now = now.replace(minute=parts[0] if at[0] != ":" else parts[1], second=parts[1] if at[0] != ":" else 0, microsecond=0)
        else:
            now = now.replace(second=parts[1], microsecond=0)
    return unit, interval, at, now


def first_run(unit, interval, at, now):
    return register(unit, interval, at, now).next_run


cases = []
for _ in range(400):
    unit, interval, at, now = random_case()
    every = unit if interval == 1 else "%d %ss" % (interval, unit)
    cases.append({"every": every, "at": at, "registered": iso(now), "first": iso(first_run(unit, interval, at, now))})
print(json.dumps(cases, indent=0))
