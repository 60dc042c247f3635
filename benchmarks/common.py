"""What the benchmark modules share: timing with query counts, memory, child processes and the result table.

The contract of `make bench` (benchmarks/run.py): every module has `measure(options) -> list[dict]`.

`options` is an argparse.Namespace with at least
    households (int), year (int, the current year), org (the province's code, "G33"),
    quick (bool: the small CI run, fewer repetitions and smaller sizes), database_url (str).
Each dict returned is a `Row`: section (e.g. "1. Household list"), case (e.g. "caseworker, status=active"),
median_ms (float or None), queries (int or None), note (free text, may be ""). A row may also carry
`failed: True`; run.py then counts it as a failure, like an error row (`error_row`, note "ERROR: …").

Modules may run their work in child processes (`run_child`) to measure a worker's peak RSS.
This module does not set Django up when imported; `setup_django()` does.
"""

import contextlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bangfu_bench"
PAGE = os.sysconf("SC_PAGE_SIZE")
HEADERS = ("section", "case", "median ms", "queries", "note")


class Row(TypedDict):
    """One line of the result table."""

    section: str
    case: str
    median_ms: float | None
    queries: int | None
    note: str


ROW_KEYS = tuple(Row.__annotations__)


def row(section: str, case: str, median_ms: float | None = None, queries: int | None = None, note: str = "") -> Row:
    return Row(section=section, case=case, median_ms=median_ms, queries=queries, note=note)


ERROR = "ERROR"


def error_row(section: str, case: str, message: str) -> Row:
    """A row that says a measurement failed; run.py exits non-zero when it prints one."""
    return row(section, case, None, None, f"{ERROR}: {message}")


def is_error(item: dict) -> bool:
    """A failed measurement: an error row, or a row that carries `failed: True` (the optional sixth key)."""
    return bool(item.get("failed")) or str(item.get("note", "")).startswith(ERROR)


def check_row(value: Any) -> Row:
    """The row itself, or a TypeError that says what a module returned wrong."""
    if not isinstance(value, dict) or not set(ROW_KEYS) <= set(value):
        raise TypeError(f"a result row must be a dict with the keys {', '.join(ROW_KEYS)}; got {value!r}")
    if value["median_ms"] is not None and not isinstance(value["median_ms"], int | float):
        raise TypeError(f"median_ms must be a number or None; got {value['median_ms']!r}")
    if value["queries"] is not None and not isinstance(value["queries"], int):
        raise TypeError(f"queries must be an int or None; got {value['queries']!r}")
    return value


# ---- Django -------------------------------------------------------------------------------------------------------


def setup_django() -> None:
    """Make the project importable and set Django up (idempotent)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hardship.settings")
    import django

    django.setup()


_in_process = False


def in_process_settings() -> None:
    """For rendering pages through the test client here: DEBUG off, the test client's host allowed, and plain
    static URLs instead of the manifest's hashed names (no collectstatic), as the tests do."""
    global _in_process
    from django.conf import settings
    from django.test.utils import override_settings

    settings.DEBUG = False
    if _in_process:
        return
    _in_process = True
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()


@contextlib.contextmanager
def rolled_back(using: str = "default"):
    """A transaction that is always rolled back: measured writes leave the bench database as it was."""
    from django.db import transaction

    with transaction.atomic(using=using):
        yield
        transaction.set_rollback(True, using=using)


# ---- memory -------------------------------------------------------------------------------------------------------


def rss_mb() -> float:
    """Resident memory of this process now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def peak_rss_mb() -> float:
    """The highest resident memory of this process so far: VmHWM, the high-water mark of its own memory.

    Not `ru_maxrss`: Linux carries that over an exec from the process that started it (subprocess spawns with
    vfork), so a child started by a big parent would report the parent's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---- statements ---------------------------------------------------------------------------------------------------


def statement(sql: str) -> str:
    """A short name for a statement: its verb and first table."""
    verb = "COUNT" if sql.startswith("SELECT COUNT(*)") else sql.split(None, 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
    return f"{verb} {table.group(1) if table else '?'}"


SAVEPOINT_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


class Probe:
    """Counts and times every statement but savepoints: a `connection.execute_wrapper`, in total and by statement.

    probe = Probe()
    with probe.installed():
        ...
    probe.queries, probe.db_seconds, probe.slowest
    """

    def __init__(self):
        self.queries, self.db_seconds = 0, 0.0
        self.by_statement = defaultdict(lambda: [0, 0.0])
        self.slowest: tuple[float, str] = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith(SAVEPOINT_STATEMENTS):
            # Not counted, like BEGIN and COMMIT (which never pass here): a rolled-back bench transaction around a
            # request turns its transaction into a savepoint, and the count must not depend on that.
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.queries += 1
            self.db_seconds += elapsed
            entry = self.by_statement[statement(sql)]
            entry[0] += 1
            entry[1] += elapsed
            if elapsed > self.slowest[0]:
                self.slowest = (elapsed, sql)

    @contextlib.contextmanager
    def installed(self, using: str = "default"):
        from django.db import connections

        with connections[using].execute_wrapper(self):
            yield self


# ---- timing -------------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """The runs of one measured case: wall clock, statements and time in the database of each run."""

    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    db_seconds: list[float] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    results: list[Any] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def median_db_ms(self) -> float:
        return statistics.median(self.db_seconds) * 1000

    @property
    def median_queries(self) -> int:
        """The queries of the median run (the count is normally the same in every run)."""
        return int(statistics.median_low(self.queries))

    @property
    def queries_vary(self) -> bool:
        return len(set(self.queries)) > 1

    def note(self, *extra: str) -> str:
        """ "db 40 ms, 5 runs" and anything else worth saying, for the table's note."""
        parts = [f"db {self.median_db_ms:,.0f} ms", f"{len(self.seconds)} runs"]
        if self.queries_vary:
            parts.append(f"queries {min(self.queries)}–{max(self.queries)}")
        return ", ".join([*parts, *(text for text in extra if text)])

    def as_row(self, section: str, case: str, *extra: str) -> Row:
        return row(section, case, self.median_ms, self.median_queries, self.note(*extra))


def median_of(
    fn: Callable[..., Any],
    runs: int,
    *,
    warmup: int = 1,
    setup: Callable[[contextlib.ExitStack], Any] | None = None,
    check: Callable[[Any], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
    probe_factory: Callable[[], Any] = Probe,
) -> Timing:
    """Call `fn` `warmup` times unmeasured, then `runs` times measured, each with its own Probe.

    Without `setup`, `fn()` is called. With it, each call (warm-up included) first does `arg = setup(stack)` outside
    the measurement, in an ExitStack that stays open until the call is measured, then measures `fn(arg)`: setup can
    enter `rolled_back()` on the stack and create what the call needs, which is then undone after each call.
    `check(result)`, if given, runs after each call, outside the measurement but before the stack closes: it raises
    when the call did not do what it should (a page that failed, a step that did not happen).
    `clock` and `probe_factory` are for tests.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    timing = Timing()
    for number in range(warmup + runs):
        with contextlib.ExitStack() as stack:
            arg = setup(stack) if setup is not None else None
            probe = probe_factory()
            with probe.installed():
                started = clock()
                result = fn(arg) if setup is not None else fn()
                elapsed = clock() - started
            if check is not None:
                check(result)
        if number < warmup:
            continue
        timing.seconds.append(elapsed)
        timing.queries.append(probe.queries)
        timing.db_seconds.append(probe.db_seconds)
        timing.results.append(result)
        if probe.slowest[0] > timing.slowest[0]:
            timing.slowest = probe.slowest
    return timing


# ---- child processes ----------------------------------------------------------------------------------------------


def run_child(script: str | Path, *arguments: Any, timeout: float | None = None) -> dict:
    """Run `python script arguments…` in a fresh process (its own peak RSS) and return the JSON object printed on
    the last line of its standard output. Raises RuntimeError with the end of its stderr when it fails."""
    command = [sys.executable, str(script), *map(str, arguments)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{Path(script).name} {' '.join(map(str, arguments))} exited {done.returncode}:\n{tail}")
    return json.loads(lines[-1])


# ---- the table ----------------------------------------------------------------------------------------------------


def format_ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 10:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def format_table(rows: Iterable[dict], header: Iterable[str] = ()) -> str:
    """The markdown table of results (section | case | median ms | queries | note), under the header lines."""
    lines = [*header]
    if lines:
        lines.append("")
    lines.append("| " + " | ".join(HEADERS) + " |")
    lines.append("|---|---|---:|---:|---|")
    for item in rows:
        queries = "–" if item.get("queries") is None else f"{item['queries']:,}"
        cells = [item.get("section", ""), item.get("case", ""), format_ms(item.get("median_ms")), queries,
                 item.get("note", "")]  # fmt: skip
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def memory_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return 0.0
