"""Time the leader dashboard and the household ledger export on the bench database (docs/PERFORMANCE.md).

    DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=hardship.settings \
        .venv/bin/python benchmarks/reports_bench.py --year 2026 --org G33

Dashboard: a leader of the province, of its first city and of that city's first county (created if missing, with
`user_set_role`) opens `/dashboard/?year=…` through the test client; one warm-up, then the median of 5 renders, with
the queries and the time spent in `cursor.execute`.

Ledger: the household ledger (`ledger_export`, `user=None`, unmasked, `via="bench"`) of the county, the city and the
province, each written to /tmp in a fresh child process that reports its rows, seconds and peak RSS (`ru_maxrss`).
Then a bare openpyxl write-only loop, also in a fresh child, writes the same sheets (as many rows of as many short
strings and numbers) without the database: the library's ceiling.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hardship.settings")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_ledger(code: str, year: int) -> dict:
    import django

    django.setup()
    from accounts.models import Organization
    from reports import ledgers
    from reports.exports import ledger_export

    sheet_rows = []
    close = ledgers.Sheet.close

    def recording_close(sheet):
        sheet_rows.append(sheet.rows)
        close(sheet)

    ledgers.Sheet.close = recording_close  # counts the rows of both sheets without touching the loop
    organization = Organization.objects.get(code=code)
    target = f"/tmp/reports_bench_{code}.xlsx"
    started = time.perf_counter()
    rows = ledger_export(
        kind="households", organization=organization, year=year, user=None, target=target, via="bench",
        masked=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "member_rows": sheet_rows[1],
        "seconds": seconds,
        "rss": peak_rss_mb(),
        "size": os.path.getsize(target),
    }


def child_bare(rows: int, member_rows: int, columns: int, member_columns: int) -> dict:
    from openpyxl import Workbook

    target = "/tmp/reports_bench_bare.xlsx"
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    for count, width in ((rows, columns), (member_rows, member_columns)):
        sheet = workbook.create_sheet()
        sheet.append([f"column {i}" for i in range(width)])
        for n in range(count):
            sheet.append([f"value {n} {i}" if i % 2 else n * 10 + i for i in range(width)])
    workbook.save(target)
    seconds = time.perf_counter() - started
    return {"rows": rows, "member_rows": member_rows, "seconds": seconds, "rss": peak_rss_mb()}


def in_child(*arguments) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, arguments)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def dashboards(code: str, year: int) -> list[tuple]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from accounts.models import Organization, User
    from accounts.roles import Role
    from accounts.services import user_set_role

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    # No collectstatic here: plain static URLs instead of the manifest's hashed names (as the tests do).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    province = Organization.objects.get(code=code)
    city = Organization.objects.filter(parent=province).order_by("path").first()
    county = Organization.objects.filter(parent=city).order_by("path").first()
    results = []
    for label, union in (("province", province), ("city", city), ("county", county)):
        user, _created = User.objects.get_or_create(username=f"bench-leader-{union.code}", organization=union)
        user_set_role(user=user, role=Role.LEADER)
        client = Client()
        client.force_login(user)
        url = f"/dashboard/?year={year}"
        assert client.get(url).status_code == 200  # warm-up
        timings, db_times, slowest = [], [], []
        for _run in range(5):
            db = [0.0]

            def timed(execute, sql, params, many, context, db=db, slowest=slowest):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    elapsed = time.perf_counter() - started
                    db[0] += elapsed
                    slowest.append((elapsed, sql))

            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
            db_times.append(db[0])
        top_seconds, top_sql = max(slowest)
        results.append(
            (label, union.code, statistics.median(timings), len(queries), statistics.median(db_times), top_seconds,
             top_sql)
        )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--org", default="G33")
    parser.add_argument("--child", nargs="+")
    options = parser.parse_args()
    if options.child:
        kind, *rest = options.child
        if kind == "ledger":
            result = child_ledger(rest[0], int(rest[1]))
        else:
            result = child_bare(*map(int, rest))
        print(json.dumps(result))
        return

    print("Dashboard (/dashboard/, leader, median of 5 after a warm-up)")
    print(f"{'union':<10} {'code':<12} {'ms':>8} {'queries':>8} {'db ms':>8}")
    unions = {}
    slowest = []
    for label, code, seconds, queries, db, top_seconds, top_sql in dashboards(options.org, options.year):
        unions[label] = code
        print(f"{label:<10} {code:<12} {seconds * 1000:>8.0f} {queries:>8} {db * 1000:>8.0f}")
        slowest.append(f"  {label}: slowest statement {top_seconds * 1000:.0f} ms: {top_sql[:400]}")
    print("\n".join(slowest))

    from reports.ledgers import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    print("\nHousehold ledger (fresh child process each; unmasked; written to /tmp)")
    print(
        f"{'what':<22} {'file rows':>10} {'member rows':>12} {'seconds':>8} {'rows/s':>8} {'cells/s':>9} {'RSS MB':>7}"
    )
    for label in ("county", "city", "province"):
        code = unions[label]
        ledger = in_child("ledger", code, options.year)
        bare = in_child("bare", ledger["rows"], ledger["member_rows"], len(HOUSEHOLD_COLUMNS), len(MEMBER_COLUMNS))
        for what, result in ((f"ledger {label} {code}", ledger), (f"bare openpyxl ({label})", bare)):
            cells = result["rows"] * len(HOUSEHOLD_COLUMNS) + result["member_rows"] * len(MEMBER_COLUMNS)
            print(
                f"{what:<22} {result['rows']:>10,} {result['member_rows']:>12,} {result['seconds']:>8.1f} "
                f"{result['rows'] / result['seconds']:>8,.0f} {cells / result['seconds']:>9,.0f} "
                f"{result['rss']:>7.0f}"
            )


if __name__ == "__main__":
    main()
