"""The X-CPU-Ms header the examination-day bench adds up per endpoint."""

import time

from bench_cpu import HEADER


def burn_cpu(milliseconds):
    started = time.thread_time()
    while time.thread_time() - started < milliseconds / 1000:
        pass


def test_each_response_says_the_cpu_time_its_request_cost_when_the_bench_asks(make_app):
    app = make_app(BENCH_CPU_HEADER=True)
    app.add_url_rule("/busy", "busy", lambda: burn_cpu(30) or "done")

    busy = app.test_client().get("/busy")
    health = app.test_client().get("/healthz")

    assert 30 <= float(busy.headers[HEADER]) < 1000
    assert 0 < float(health.headers[HEADER]) < 30


def test_no_response_says_it_otherwise(make_app):
    app = make_app()

    assert HEADER not in app.test_client().get("/healthz").headers
    assert HEADER not in app.test_client().get("/sign-in").headers
