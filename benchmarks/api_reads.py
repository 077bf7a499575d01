"""python -m benchmarks.api_reads --imports 200: CPU milliseconds per request of the import reads, in this process.

Builds an account list with `--imports` finished imports of a 200-row file
(`benchmarks.phases.api_fixture`, the data of `benchmarks.api_load`), then
hands requests straight to Django's WSGI handler, in this process, as
gunicorn does, so no server, no network and no other process is measured:

- GET account_lists/{al}/imports (the list's first page)
- GET account_lists/{al}/imports/{id}?include=sample_contacts (what a client polls)

and each again with `If-None-Match` set to the ETag it answered (304 Not
Modified). The figure is the median, over `--blocks` blocks of `--requests`
requests, of the CPU time of a request: a busy machine that deschedules the
process does not count. `benchmarks.api_load` gives requests/s under load.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.data import csv_path, write_csv
from benchmarks.imports import run_phase, say
from benchmarks.phases import configure_environment


def api_data(workdir: Path, *, imports: int, rows: int = 200) -> tuple[dict, dict]:
    """The API benchmarks' data: this process and its phases set up on `workdir`'s database, an account
    list with `imports` finished imports of a `rows`-row file in it. (setup, fixture) as the phases answer."""
    workdir.mkdir(parents=True, exist_ok=True)
    configure_environment(workdir)
    path = write_csv(csv_path(workdir, rows), rows)
    setup = run_phase("setup", workdir, fresh=False)
    return setup, run_phase("api_fixture", workdir, path=str(path), imports=imports)


class InProcessClient:
    """GET requests handed to Django's WSGI handler in this process, with the fixture's token."""

    def __init__(self, token: str) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.token = token

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
        """The answer's status line and headers; the body is read (as a server would send it) and dropped."""
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "HTTP_AUTHORIZATION": f"Bearer {self.token}",
            **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in (headers or {}).items()},
        }  # fmt: skip
        answers: list[tuple[str, dict[str, str]]] = []
        body = self.handler(environ, lambda status, response_headers: answers.append((status, dict(response_headers))))
        b"".join(body)
        return answers[0]

    def expect(self, url: str, status: str, headers: dict[str, str] | None = None) -> dict[str, str]:
        answered, response_headers = self.get(url, headers)
        if not answered.startswith(status):
            raise SystemExit(f"{url}: {answered}, not {status}")
        return response_headers

    def cpu_ms(self, url: str, requests: int, headers: dict[str, str] | None = None) -> float:
        """CPU milliseconds per request over `requests` requests."""
        started = time.process_time()
        for _ in range(requests):
            self.get(url, headers)
        return (time.process_time() - started) / requests * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api_reads", description=__doc__.split("\n")[0])
    parser.add_argument("--imports", type=int, default=200, help="imports in the account list (default 200)")
    parser.add_argument("--requests", type=int, default=20, help="requests per block (default 20)")
    parser.add_argument("--blocks", type=int, default=9, help="blocks per endpoint (default 9)")
    parser.add_argument(
        "--workdir", default=os.environ.get("BENCHMARK_WORKDIR", str(Path(tempfile.gettempdir()) / "imports-benchmark"))
    )
    args = parser.parse_args(argv)
    setup, fixture = api_data(Path(args.workdir), imports=args.imports)

    import django

    django.setup()
    client = InProcessClient(fixture["token"])
    base = f"/api/v2/account_lists/{fixture['account_list_id']}/imports"
    endpoints = {
        f"import list ({args.imports} imports, first page)": base,
        "import detail ?include=sample_contacts": f"{base}/{fixture['import_id']}?include=sample_contacts",
    }
    runs = []
    for label, url in endpoints.items():
        runs.append((label, url, None))
        etag = client.expect(url, "200").get("ETag")
        if etag is not None:  # a tree from before conditional reads answers none
            client.expect(url, "304", {"If-None-Match": etag})
            runs.append((f"{label}, 304", url, {"If-None-Match": etag}))
    say(f"database: {setup['vendor']}; {args.blocks} blocks of {args.requests} requests in this process, CPU ms")
    for label, url, headers in runs:
        for _ in range(3):  # warm: the first requests build caches every worker builds once
            client.get(url, headers)
        blocks = sorted(client.cpu_ms(url, args.requests, headers) for _ in range(args.blocks))
        say(f"{label:<50} median {statistics.median(blocks):>7.2f} ms  (min {blocks[0]:.2f}, max {blocks[-1]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
