"""A frozen clock for Python `schedule` 1.1, shared by the oracle scripts here.

schedule reads `datetime.datetime.now()` and nothing else; replacing the
`datetime` module it imported with one whose `now()` returns `FrozenDateTime.frozen`
fixes "now" without touching the real clock. 1.1 works in naive wall time
(`at()` takes no zone), which tickd reproduces in UTC.
"""
import datetime as real_datetime
import types

import schedule

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class FrozenDateTime(real_datetime.datetime):
    frozen = None

    @classmethod
    def now(cls, tz=None):
        return cls.frozen


shim = types.ModuleType("datetime")
shim.datetime = FrozenDateTime
shim.timedelta = real_datetime.timedelta
shim.time = real_datetime.time
shim.date = real_datetime.date
schedule.datetime = shim


def freeze(dt):
    """Make `dt` (a naive datetime) the library's now."""
    FrozenDateTime.frozen = FrozenDateTime(
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond)


def register(unit, interval, at, now):
    """`every(interval).<unit>[.at(at)].do(...)` registered at `now`; returns the Job."""
    freeze(now)
    job = schedule.Scheduler().every(interval)
    job = getattr(job, unit if unit in WEEKDAYS else unit + ("s" if interval > 1 else ""))
    if at is not None:
        job = job.at(at)
    return job.do(lambda: None)


def iso(dt):
    """Whole milliseconds, as tickd's instants: 2026-01-01T10:00:00.000Z."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)
