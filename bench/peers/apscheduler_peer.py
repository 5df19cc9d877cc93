"""APScheduler 3.x BackgroundScheduler with its default thread pool executor.

"Every N seconds" in APScheduler's idiom: add_job(fn, "interval", seconds=N).
Due times: APScheduler does not hand the scheduled time to the function, but
announces each submission (EVENT_JOB_SUBMITTED with scheduled_run_times)
from its scheduler thread. The callback reads the clock first, then takes its
due time from that announcement (waiting for it if the pool thread won the
race), so the lateness is exact. Expected counts follow the trigger's grid:
trigger.start_date + k * N seconds.
"""
import sys
import threading
import time
from collections import deque

from apscheduler.events import EVENT_JOB_SUBMITTED
from apscheduler.schedulers.background import BackgroundScheduler

from harness import Recorder, count_grid, now_ms, parse_args

opts = parse_args(sys.argv[1:])
rec = Recorder("apscheduler", opts)
dues = {}
cond = threading.Condition()


def on_submitted(event):
    with cond:
        dues[event.job_id].append(event.scheduled_run_times[-1].timestamp() * 1000.0)
        cond.notify_all()


def job(job_id):
    start = now_ms()
    with cond:
        while not dues[job_id]:
            cond.wait()
        due = dues[job_id].popleft()
    rec.record(due, start)


scheduler = BackgroundScheduler()
scheduler.add_listener(on_submitted, EVENT_JOB_SUBMITTED)
firsts = []
rec.setup_start()
for i in range(opts["jobs"]):
    job_id = str(i)
    dues[job_id] = deque()
    added = scheduler.add_job(job, "interval", seconds=opts["interval_for"](i), args=[job_id], id=job_id)
    firsts.append(added.trigger.start_date.timestamp() * 1000.0)
scheduler.start()  # jobs added before start are scheduled at start, as most apps do it
rec.setup_end()


def expected(w0, w1):
    return sum(count_grid(firsts[i], opts["interval_for"](i) * 1000.0, w0, w1) for i in range(opts["jobs"]))


rec.expected = expected
time.sleep(max(0.0, (rec.window_end - now_ms()) / 1000))
rec.measure_end()
time.sleep(2.0)
rec.report()
scheduler.shutdown(wait=False)
