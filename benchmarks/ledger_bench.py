"""Issue 7, item 5: the household ledger export, and the bare library loops it is compared with.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/ledger_bench.py --year 2026 --org G33 [--quick]

Ours: `ledger_export(kind="households", user=None, masked=False, via="bench")` of the province's first county, its
first city and the province (in quick mode the county and the province only), each in a fresh child process that
writes the file to a temporary folder and reports its wall clock, CPU time, statements, rows and peak RSS.

The bare loops, each in a fresh child too, write the same two sheets (as many file and member rows of as many
columns as the city's ledger) with no database and no styles but the library's default date format: openpyxl's
write-only workbook (`append`) and XlsxWriter's constant-memory workbook (`write_row`). Their cells are the county
ledger's own rows read back and repeated, so they have the same mix of text, numbers, dates and empty cells as ours.
That is each library's ceiling; ours over it is our overhead. The bare loops run at the city's size only (the rates
do not depend on the size) and not in quick mode.

Peak RSS is the child's VmHWM (its own high-water mark; `ru_maxrss` would carry the parent's peak over the exec),
so it includes the interpreter, Django and the libraries. One run of each: a province ledger takes minutes.
`measure(options)` follows the contract of benchmarks/run.py (benchmarks/common.py).
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_DATABASE_URL, peak_rss_mb, run_child, setup_django

SECTION = "5. Household ledger"
TEMPLATE_ROWS = 500  # rows of the county ledger that the bare loops repeat


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- the children -------------------------------------------------------------------------------------------------


def child_ledger(code: str, year: int, target: str) -> dict:
    """Our export of the union's household ledger to `target`."""
    setup_django()
    from django.db import connection

    from accounts.models import Organization
    from reports import xlsx
    from reports.exports import ledger_export

    sheet_rows = []
    close = xlsx.Book.close

    def recording_close(book):  # the rows of both sheets, read when the workbook closes
        sheet_rows.extend(sheet.rows for sheet in book.sheets)
        close(book)

    xlsx.Book.close = recording_close
    queries = [0]

    def counted(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    organization = Organization.objects.get(code=code)
    rss_at_start, cpu_at_start = peak_rss_mb(), cpu_seconds()
    with connection.execute_wrapper(counted):
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
        "cpu": cpu_seconds() - cpu_at_start,
        "queries": queries[0],
        "peak_rss": peak_rss_mb(),
        "rss_at_start": rss_at_start,
        "size": os.path.getsize(target),
    }


def template_rows(path: str) -> list[tuple[list, list[list]]]:
    """Each sheet's header and first data rows as our ledger wrote them: dates as dates, money as Decimal."""
    from datetime import datetime
    from decimal import Decimal

    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    sheets = []
    for sheet in workbook.worksheets:
        header, rows = None, []
        for cells in sheet.iter_rows(max_row=TEMPLATE_ROWS + 1):
            values = []
            for cell in cells:
                value = cell.value
                if isinstance(value, datetime):
                    value = value.date()
                elif isinstance(value, int | float) and cell.number_format == "#,##0.00":
                    value = Decimal(str(value))
                values.append(value)
            if header is None:
                header = values
            else:
                rows.append(values)
        sheets.append((header, rows))
    workbook.close()
    return sheets


def child_bare(library: str, template: str, file_rows: int, member_rows: int, target: str) -> dict:
    """The bare library loop: as many rows as the ledger, the template's rows repeated, no database."""
    sheets = template_rows(template)
    counts = (file_rows, member_rows)
    rss_at_start, cpu_at_start = peak_rss_mb(), cpu_seconds()
    started = time.perf_counter()
    if library == "openpyxl":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        for (header, rows), count in zip(sheets, counts, strict=True):
            sheet = workbook.create_sheet()
            sheet.append(header)
            for number in range(count):
                sheet.append(rows[number % len(rows)])
        workbook.save(target)
    else:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
        for (header, rows), count in zip(sheets, counts, strict=True):
            sheet = workbook.add_worksheet()
            sheet.write_row(0, 0, header)
            for number in range(count):
                sheet.write_row(number + 1, 0, rows[number % len(rows)])
        workbook.close()
    return {
        "rows": file_rows,
        "member_rows": member_rows,
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds() - cpu_at_start,
        "queries": None,
        "peak_rss": peak_rss_mb(),
        "rss_at_start": rss_at_start,
        "size": os.path.getsize(target),
    }


def in_child(*arguments) -> dict:
    return run_child(__file__, "--child", *arguments)


# ---- the measurement ----------------------------------------------------------------------------------------------


def unions(code: str) -> tuple[str, str]:
    """The province's first city and that city's first county, by path."""
    setup_django()
    from accounts.models import Organization

    province = Organization.objects.get(code=code)
    city = Organization.objects.filter(parent=province).order_by("path").first()
    county = Organization.objects.filter(parent=city).order_by("path").first()
    return city.code, county.code


def cells_of(result: dict) -> int:
    from reports.ledgers import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    return result["rows"] * len(HOUSEHOLD_COLUMNS) + result["member_rows"] * len(MEMBER_COLUMNS)


def rate(result: dict) -> float:
    return result["rows"] / result["seconds"]


def note(result: dict, *extra: str) -> str:
    parts = [
        f"{result['rows']:,} file rows + {result['member_rows']:,} member rows",
        f"{rate(result):,.0f} file rows/s",
        f"{cells_of(result) / result['seconds']:,.0f} cells/s",
        f"CPU {result['cpu']:,.1f} s",
        f"peak RSS {result['peak_rss']:.0f} MB ({result['rss_at_start']:.0f} MB before the export)",
        f"file {result['size'] / 2**20:,.1f} MB",
    ]
    return "; ".join([*parts, *(text for text in extra if text)])


def measure(options) -> list[dict]:
    os.environ["DATABASE_URL"] = getattr(options, "database_url", None) or os.environ.get(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )
    os.environ["DEBUG"] = "0"  # the children: no query log
    city, county = unions(options.org)
    year = options.year
    results = {}
    with tempfile.TemporaryDirectory(prefix="bangfu-ledger-bench-") as folder:

        def ours(label: str, code: str) -> None:
            results[label] = in_child("ledger", code, year, Path(folder) / f"{code}.xlsx")

        ours(f"county {county}", county)
        if not options.quick:
            ours(f"city {city}", city)
            shape = results[f"city {city}"]
            template = Path(folder) / f"{county}.xlsx"
            for library in ("xlsxwriter", "openpyxl"):
                results[f"bare {library}"] = in_child(
                    "bare", library, template, shape["rows"], shape["member_rows"], Path(folder) / f"{library}.xlsx"
                )
        ours(f"province {options.org}", options.org)
    return rows_of(results, city, county, options)


def rows_of(results: dict, city: str, county: str, options) -> list[dict]:
    one_run = "1 run"
    rows = []
    bare = results.get("bare xlsxwriter")
    for label, result in results.items():
        if label.startswith("bare"):
            library = "openpyxl write-only, append" if label.endswith("openpyxl") else "XlsxWriter constant_memory"
            case = f"bare {library}, the city's shape"
            extra = "no database, no styles; cells of the county ledger repeated"
            if label.endswith("openpyxl") and bare:
                extra += f"; XlsxWriter {rate(bare) / rate(result):.2f} × its rate"
        else:
            case = f"{label}, ours (XlsxWriter)"
            # Not for the county: its second or so is mostly fixed costs (the count, the log, the zip).
            extra = (
                f"{rate(result) / rate(bare):.2f} × the bare XlsxWriter loop's rate"
                if bare and result["rows"] >= 5000
                else ""
            )
        rows.append(
            {"section": SECTION, "case": case, "median_ms": result["seconds"] * 1000, "queries": result["queries"],
             "note": note(result, extra, one_run)}
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--year", type=int, default=time.localtime().tm_year)
    parser.add_argument("--org", default="G33", help="the province's code")
    parser.add_argument("--quick", action="store_true", help="the county and the province only, no bare loops")
    parser.add_argument("--households", type=int, default=100_000, help="(for the harness's options; not used)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    options = parser.parse_args()
    if options.child:
        kind, *rest = options.child
        if kind == "ledger":
            result = child_ledger(rest[0], int(rest[1]), rest[2])
        else:
            library, template, file_rows, member_rows, target = rest
            result = child_bare(library, template, int(file_rows), int(member_rows), target)
        print(json.dumps(result))
        return
    for item in measure(options):
        queries = "–" if item["queries"] is None else item["queries"]
        print(f"{item['case']:<52} {item['median_ms']:>10,.0f} ms {queries:>4}  {item['note']}")


if __name__ == "__main__":
    main()
