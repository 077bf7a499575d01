"""python -m benchmarks.api_patches: what each patch of the libraries' internals gains, on the endpoints using it.

Builds the data of `benchmarks.api_load` (an account list with imports of a 200-row
file, their samples and contacts), then hands requests straight to Django's WSGI
handler, in this process, as gunicorn does. Each patch is measured against the
library's own way (put back for the duration by monkeypatching): blocks of
`--requests` requests, ours and the stock way alternating, `--blocks` times; the
figure is the median CPU time of a request over the blocks. A patch is worth keeping
when the stock way is at least 15 % slower on some endpoint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from benchmarks.api_reads import InProcessClient, api_data
from benchmarks.imports import say

KEEP_AT = 0.15


@contextmanager
def patched(*replacements):
    """(object, attribute name, value) replaced for the duration."""
    saved = [(target, name, target.__dict__[name]) for target, name, _ in replacements]
    try:
        for target, name, value in replacements:
            setattr(target, name, value)
        yield
    finally:
        for target, name, value in saved:
            setattr(target, name, value)


def stock_variants() -> dict:
    """Patch name -> a context manager putting the library's (or Django's) own way back.

    The patches this measured and found below 15 % (the renderer's field roles, the account-list check
    in SQL, the signed-link cache) were removed; benchmarks/README.md has their figures.
    """
    import accounts.authentication
    from accounts.models import ApiToken, User
    from config import serializers

    def orm_token(key_hash, now):
        token = ApiToken.objects.filter(key_hash=key_hash).first()
        return token if token is not None and token.is_usable(now) else None

    def orm_user(user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()

    def library_get_fields(self):
        return super(serializers.FieldsBuiltOncePerClass, self).get_fields()

    return {
        "serializer field prototypes": lambda: patched(
            (serializers.FieldsBuiltOncePerClass, "get_fields", library_get_fields),
        ),
        "token by key, raw SQL": lambda: patched(
            (accounts.authentication, "_usable_token", orm_token),
            (accounts.authentication, "_active_user", orm_user),
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api_patches", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per block (default 40)")
    parser.add_argument("--blocks", type=int, default=8, help="blocks of each way (default 8)")
    parser.add_argument("--patch", action="append", help="measure only this patch (by its name; repeatable)")
    parser.add_argument(
        "--workdir", default=os.environ.get("BENCHMARK_WORKDIR", str(Path(tempfile.gettempdir()) / "imports-benchmark"))
    )
    args = parser.parse_args(argv)
    setup, fixture = api_data(Path(args.workdir), imports=10)

    import django

    django.setup()
    client = InProcessClient(fixture["token"])
    al = fixture["account_list_id"]
    endpoints = {
        "GET user": "/api/v2/user",
        "GET account list": f"/api/v2/account_lists/{al}",
        "GET contacts (25)": f"/api/v2/account_lists/{al}/contacts",
        "GET import ?include=sample_contacts": f"/api/v2/account_lists/{al}/imports/{fixture['import_id']}"
        "?include=sample_contacts",
        "GET imports (10)": f"/api/v2/account_lists/{al}/imports",
    }
    uses = {
        "serializer field prototypes": ["GET user", "GET account list", "GET contacts (25)"],
        "token by key, raw SQL": ["GET user", "GET import ?include=sample_contacts"],
    }

    say(f"database: {setup['vendor']}; {args.blocks} alternating blocks of {args.requests} requests, median CPU ms")
    say(f"{'patch':<30} {'endpoint':<38} {'ours':>7} {'stock':>7} {'gain':>6}  verdict")
    for name, stock in stock_variants().items():
        if args.patch and name not in args.patch:
            continue
        for endpoint in uses[name]:
            url = endpoints[endpoint]
            for _ in range(3):  # warm both ways
                client.expect(url, "200")
                with stock():
                    client.expect(url, "200")
            ours, theirs = [], []
            for _ in range(args.blocks):
                ours.append(client.cpu_ms(url, args.requests))
                with stock():
                    theirs.append(client.cpu_ms(url, args.requests))
            mine, library = statistics.median(ours), statistics.median(theirs)
            gain = library / mine - 1
            verdict = "keep" if gain >= KEEP_AT else "below 15 %"
            say(f"{name:<30} {endpoint:<38} {mine:>7.2f} {library:>7.2f} {gain:>6.0%}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
