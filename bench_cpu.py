"""The CPU time each request costs the process serving it, in an `X-CPU-Ms`
header, for the examination-day bench (bench/exam_load.py) to add up per
endpoint. On only when the config says BENCH_CPU_HEADER (the environment's
BENCH_CPU_HEADER=1): the figure tells a client how hard the server worked on
its request, which a production server keeps to itself.

Thread time, not wall time: a worker waiting for PostgreSQL or for its turn
on a busy machine spends none, so the figure holds on a machine shared with
the load generator or anything else. It covers the app from its first
before-request hook to its last after-request hook (the view, its queries'
Python side, the template); gunicorn's parsing and writing, and the session's
teardown, fall outside it, and inside the workers' total the bench reads from
/proc."""

import time

from flask import g

HEADER = "X-CPU-Ms"


def _start_the_clock():
    g.cpu_started = time.thread_time()


def _stamp(response):
    response.headers[HEADER] = f"{(time.thread_time() - g.cpu_started) * 1000:.3f}"
    return response


def init_bench_cpu(app):
    """Registered before every other hook, so that its clock starts first and stops last."""
    if app.config["BENCH_CPU_HEADER"]:
        app.before_request(_start_the_clock)
        app.after_request(_stamp)
