"""python -m benchmarks.api_load --seconds 20: the read API under load, served by gunicorn.

Sets up an account list with imports and contacts (on DATABASE_URL, or the
benchmark's SQLite file), starts gunicorn on 127.0.0.1, and drives two
endpoints with `wrk` from a second process for a bounded time:

- GET account_lists/{al}/imports/{id}?include=sample_contacts (what a client polls)
- GET account_lists/{al}/imports (the list)

and each again with `If-None-Match` set to the ETag it answered (a poll that
finds nothing changed: 304 Not Modified), when it gives one. It prints
requests per second and the p50/p99 latency of each, then stops gunicorn.
Only loopback is ever addressed. Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.api_reads import api_data
from benchmarks.imports import ROOT, say

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    # The defaults, one sync worker per core, suit these requests: they are all CPU (SQLite runs in
    # the worker), so a third worker only queues for the same two cores (the list: 164 against 188
    # requests/s), and threads take turns on the GIL (2 x 2 gthread: 95). gthread with one thread
    # keeps wrk's connections alive but ties each to the worker that accepted it, so one worker can
    # serve most of them while the other idles: the list ran at 0.6 to 1.2 times the sync rate,
    # p99 up to 330 ms.
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread" if threads > 1 else "--worker-class=sync",
        "--log-level=warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it served")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start listening in time")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def etag_of(url: str, token: str) -> str | None:
    """The ETag the URL answers with, checked to answer 304 when sent back; None when it gives none."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
        etag = response.headers.get("ETag")
    if etag is None:
        return None
    request.add_header("If-None-Match", etag)
    try:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310
    except urllib.error.HTTPError as answer:
        if answer.code == 304:
            return etag
    raise SystemExit(f"{url} did not answer 304 to its own ETag")


def run_wrk(url: str, token: str, *, seconds: int, connections: int, headers: tuple[str, ...] = ()) -> dict:
    """wrk's requests/s and latency percentiles; any answer but 2xx and 3xx fails the run."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {token}"]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"wrk got error responses from {url}:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise SystemExit(f"Cannot read wrk's latency distribution:\n{output}")
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
    }


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api_load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="how long each endpoint is driven (default 20)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections of wrk (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2: one per core)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync workers)")
    parser.add_argument("--imports", type=int, default=10, help="imports in the account list (default 10)")
    parser.add_argument("--rows", type=int, default=200, help="rows of each imported file (default 200)")
    parser.add_argument(
        "--workdir", default=os.environ.get("BENCHMARK_WORKDIR", str(Path(tempfile.gettempdir()) / "imports-benchmark"))
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    # The environment it sets up is gunicorn's too: the same database and settings.
    setup, fixture = api_data(Path(args.workdir), imports=args.imports, rows=args.rows)
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads)
    results: dict = {"database": setup["vendor"], "workers": args.workers, "threads": args.threads,
                     "connections": args.connections, "seconds": args.seconds}  # fmt: skip
    try:
        wait_until_serving(port, server)
        base = f"http://{HOST}:{port}/api/v2/account_lists/{fixture['account_list_id']}/imports"
        endpoints = {
            "import detail ?include=sample_contacts": f"{base}/{fixture['import_id']}?include=sample_contacts",
            "import list": base,
        }
        say(f"database: {setup['vendor']}; gunicorn {args.workers} workers x {args.threads} threads on {HOST}:{port}; "
            f"wrk {args.connections} connections, {args.seconds} s per endpoint")  # fmt: skip
        run_wrk(endpoints["import list"], fixture["token"], seconds=2, connections=args.connections)  # warm up
        runs = []
        for label, url in endpoints.items():
            runs.append((label, url, ()))
            etag = etag_of(url, fixture["token"])
            if etag is not None:
                runs.append((f"{label}, 304", url, (f"If-None-Match: {etag}",)))
        for label, url, headers in runs:
            figures = run_wrk(
                url, fixture["token"], seconds=args.seconds, connections=args.connections, headers=headers
            )
            results[label] = figures
            say(f"{label:<45} {figures['requests_per_second']:>8,.0f} requests/s  p50 {figures['p50_ms']:>6.1f} ms"
                f"  p99 {figures['p99_ms']:>6.1f} ms  ({figures['requests']:,} requests)")  # fmt: skip
    finally:
        stop(server)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
