"""Python `schedule` 1.1's first runs of many jobs, for test/schedule/boundaries.test.ts.

Reads {"count": N, "cases": [{"unit", "interval", "at", "registered"}, ...]}
on stdin (unit as in the job file, singular: "minute", "monday"; at null or
the job file's text; registered an ISO instant in UTC with milliseconds) and
prints one JSON list per case: the first N run instants, or {"error": why}
when schedule refuses the job.

Each job is registered at its frozen "now" (frozen.py), then run as
`run_pending()` would run it: at its `next_run`, ending 1 microsecond later
(`Job.run` reads now again when done and schedules from there). A run that
takes no time at all is impossible with a real clock, and would make 1.1
schedule a weekday job with `at` again at the same instant. The microsecond
is below tickd's millisecond instants, so `iso` drops it.
"""
import datetime
import json
import sys

from frozen import freeze, iso, register

MICROSECOND = datetime.timedelta(microseconds=1)


def runs(unit, interval, at, registered, count):
    now = datetime.datetime.strptime(registered, "%Y-%m-%dT%H:%M:%S.%fZ")
    try:
        job = register(unit, interval, at, now)
    except Exception as error:  # schedule's ScheduleValueError and friends
        return {"error": "%s: %s" % (type(error).__name__, error)}
    instants = [job.next_run]
    while len(instants) < count:
        freeze(job.next_run + MICROSECOND)
        job.run()
        instants.append(job.next_run)
    return [iso(t) for t in instants]


request = json.load(sys.stdin)
print(json.dumps([runs(c["unit"], c["interval"], c["at"], c["registered"], request["count"]) for c in request["cases"]]))
