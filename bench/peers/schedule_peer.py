"""Python `schedule` 1.1, driven by its usual loop: run_pending(); sleep(1).

"Every N seconds" in schedule's idiom: schedule.every(N).seconds.do(fn).
Due times: schedule keeps the due instant in job.next_run until the run ends
(it then computes the next one from the end of the run, so it drifts; the
drift shows as fired < expected). Expected counts follow the ideal grid:
registration + k * N seconds.
"""
import sys
import time

import schedule

from harness import Recorder, count_grid, now_ms, parse_args

opts = parse_args(sys.argv[1:])
rec = Recorder("schedule", opts)
firsts = []


def make_job(holder):
    def job():
        start = now_ms()
        rec.record(holder[0].next_run.timestamp() * 1000.0, start)
    return job


rec.setup_start()
for i in range(opts["jobs"]):
    n = opts["interval_for"](i)
    holder = []
    firsts.append(now_ms() + n * 1000.0)
    holder.append(schedule.every(n).seconds.do(make_job(holder)))
rec.setup_end()


def expected(w0, w1):
    return sum(count_grid(firsts[i], opts["interval_for"](i) * 1000.0, w0, w1) for i in range(opts["jobs"]))


rec.expected = expected
measured = False
stop_at = rec.window_end + 2000
while now_ms() < stop_at:
    schedule.run_pending()
    if not measured and rec.window_over():
        rec.measure_end()
        measured = True
    time.sleep(1)
if not measured:
    rec.measure_end()
rec.report()
