"""`make bench`: build the bench data once, run every benchmark module, print one table (issue 7).

    make bench BENCH_ARGS="--households 2000 --quick --output var/bench/ci.md"
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/run.py [--households N] [--seed S] [--quick]
        [--only SECTION,…] [--output PATH]

The database is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bangfu_bench), created when missing, then
migrated. The data (a province of 10 cities × 10 counties, N households, `generate_data --seed S`) is built when it is
not there (the province, at least N of its households, and aid applications), then VACUUM ANALYZE and one year-end
assessment of the province (so the dashboard reads the same summaries on the first run as on later ones); otherwise
it is reused.

Each module in MODULES has `measure(options) -> list[dict]` (see benchmarks/common.py for the contract). A module
that is missing or fails gives an error row and the run exits 1 at the end, after printing and writing the table.
"""

import argparse
import datetime
import importlib
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    DEFAULT_DATABASE_URL,
    ROOT,
    check_row,
    error_row,
    format_table,
    in_process_settings,
    is_error,
    memory_gib,
    setup_django,
)

# (module, the sections it measures, its heading in error rows), in the order they run.
MODULES = [
    ("pages", {1, 2, 3, 4}, "1–4. Pages"),
    ("ledger_bench", {5}, "5. Ledger export"),
    ("assessment_bench", {6}, "6. Year-end assessment"),
    ("import_bench", {7}, "7. Excel import"),
    ("load", {8}, "8. Load test"),
]
NAMES = {"pages": {1, 2, 3, 4}, "list": {1}, "detail": {2}, "approval": {3}, "inbox": {3}, "dashboard": {4},
         "ledger": {5}, "ledger_bench": {5}, "assessment": {6}, "assessment_bench": {6}, "import": {7},
         "import_bench": {7}, "load": {8}}  # fmt: skip


def parse_sections(text: str | None) -> set[int]:
    """--only "1,4,import" → {1, 4, 7}; every section when empty."""
    if not text:
        return set(range(1, 9))
    sections = set()
    for token in (part.strip().lower() for part in text.split(",")):
        if not token:
            continue
        if token.isdigit() and 1 <= int(token) <= 8:
            sections.add(int(token))
        elif token in NAMES:
            sections |= NAMES[token]
        else:
            raise argparse.ArgumentTypeError(f"unknown section {token!r}: use 1–8 or {', '.join(sorted(NAMES))}")
    return sections


def parse_options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000, help="households in the bench data (100000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of generate_data (1)")
    parser.add_argument("--quick", action="store_true", help="the small CI run: fewer repetitions, smaller sizes")
    parser.add_argument("--only", type=parse_sections, default=None, metavar="SECTION,…",
                        help="run some sections: numbers 1–8 or names (" + ", ".join(sorted(NAMES)) + ")")  # fmt: skip
    parser.add_argument("--output", default="var/bench/results.md", help="where to write the table")
    parser.add_argument("--org", default="G33", help="code of the generated province (G33)")
    parser.add_argument("--year", type=int, default=datetime.date.today().year, help="the year measured (this one)")
    options = parser.parse_args(argv)
    options.sections = options.only or parse_sections(None)
    options.database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    return options


# ---- the database and the data -----------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the database of a postgres:// URL when it does not exist yet (connecting to `postgres`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"make bench needs PostgreSQL; DATABASE_URL is {url}")
    import psycopg2
    from psycopg2 import sql

    name = unquote(parts.path.lstrip("/"))
    connection = psycopg2.connect(
        dbname="postgres", user=unquote(parts.username or ""), password=unquote(parts.password or ""),
        host=parts.hostname or "", port=parts.port or 5432,
    )  # fmt: skip
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                print(f"creating database {name}", flush=True)
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def data_present(code: str, households: int) -> tuple[bool, int]:
    """Whether the bench data is there: the province, at least `households` of its households, aid applications."""
    from accounts.models import Organization
    from cases.models import Household
    from programs.models import AidApplication

    province = Organization.objects.filter(code=code).first()
    if province is None:
        return False, 0
    count = Household.objects.filter(org_path__startswith=province.path).count()
    applications = AidApplication.objects.filter(org_path__startswith=province.path).exists()
    return count >= households and applications, count


def manage(*arguments) -> None:
    """A management command in a child process, its output shown as it goes."""
    print(f"$ manage.py {' '.join(map(str, arguments))}", flush=True)
    subprocess.run([sys.executable, "manage.py", *map(str, arguments)], cwd=ROOT, check=True)


def ensure_data(options) -> str:
    """Build the bench data when it is not there; returns what was done, for the header."""
    from django.db import connection

    from accounts.models import Organization
    from assessment.choices import RunStatus
    from assessment.models import AssessmentRun

    present, count = data_present(options.org, options.households)
    if present:
        print(f"reusing bench data ({count:,} households)", flush=True)
        built = f"reused ({count:,} households)"
    else:
        if count:
            print(f"the province {options.org} has {count:,} households but the data is incomplete "
                  f"(fewer than {options.households:,} or no aid applications): generating", flush=True)  # fmt: skip
        started = time.monotonic()
        manage("generate_data", "--households", options.households, "--seed", options.seed)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        built = f"built in {time.monotonic() - started:,.0f} s"
        print(f"bench data {built}", flush=True)
        if not data_present(options.org, options.households)[0]:
            built += " (no aid applications: the next run builds again)"
            print("WARNING: generate_data made no aid applications, so the next run will not reuse this data; "
                  "approvals are measured on a program and budget made by the bench", flush=True)  # fmt: skip
    province = Organization.objects.get(code=options.org)
    done = AssessmentRun.objects.filter(organization=province, year=options.year, status=RunStatus.SUCCEEDED).exists()
    if not done:
        started = time.monotonic()
        manage("run_assessment", "--year", options.year, "--org", options.org, "--sync")
        built += f", assessment of {options.year} in {time.monotonic() - started:,.0f} s"
    return built


def machine(options, built: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    return [
        f"# make bench, {datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: nproc {len(os.sched_getaffinity(0))}, {memory_gib():.0f} GiB, "
        f"load average {load:.2f} at the start; PostgreSQL {version}, database {connection.settings_dict['NAME']} "
        f"({size}). Data: {options.households:,} households (seed {options.seed}), {built}. "
        f"Year {options.year}, province {options.org}{', quick' if options.quick else ''}. "
        "Times are medians in ms; queries are statements sent (BEGIN, COMMIT and savepoints not counted).",
    ]


# ---- the run ------------------------------------------------------------------------------------------------------


def run_module(name: str, heading: str, options) -> list[dict]:
    """The module's rows, or an error row when it is missing, fails or returns something else."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ImportError as error:
        traceback.print_exc()
        return [error_row(heading, f"benchmarks/{name}.py", f"cannot import it: {error}")]
    measure = getattr(module, "measure", None)
    if measure is None:
        return [error_row(heading, f"benchmarks/{name}.py", "it has no measure(options)")]
    try:
        rows = [check_row(item) for item in measure(options)]
    except Exception as error:
        traceback.print_exc()
        return [error_row(heading, f"benchmarks/{name}.py", f"{type(error).__name__}: {error}")]
    return rows or [error_row(heading, f"benchmarks/{name}.py", "measure() returned no rows")]


def main(argv=None) -> int:
    started = time.monotonic()
    options = parse_options(argv)
    os.environ["DATABASE_URL"] = options.database_url  # the children (generate_data, workers) use the same
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hardship.settings")
    ensure_database(options.database_url)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    built = ensure_data(options)
    in_process_settings()
    header = machine(options, built)
    rows = []
    for name, sections, heading in MODULES:
        if not sections & options.sections:
            continue
        print(f"--- {heading} ({name})", flush=True)
        module_started = time.monotonic()
        rows += run_module(name, heading, options)
        print(f"    {time.monotonic() - module_started:,.1f} s", flush=True)
    failed = [item for item in rows if is_error(item)]
    header.append("")
    header.append(f"Whole run {time.monotonic() - started:,.0f} s{f'; {len(failed)} FAILED' if failed else ''}.")
    table = format_table(rows, header)
    output = Path(options.output)
    if not output.is_absolute():
        output = ROOT / output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(table, encoding="utf-8")
    print("\n" + table)
    print(f"written to {output}")
    if failed:
        print(f"make bench: {len(failed)} measurement(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
