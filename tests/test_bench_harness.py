"""The `make bench` harness (benchmarks/common.py, benchmarks/run.py) on fixed inputs: no database, no timing."""

import argparse
import contextlib
import itertools

import pytest

from benchmarks import common
from benchmarks.run import MODULES, parse_sections


class FakeProbe:
    """Stands in for common.Probe: every call "runs" 3 statements taking 2 ms, the slowest 1.5 ms."""

    def __init__(self):
        self.queries, self.db_seconds, self.slowest = 3, 0.002, (0.0015, "SELECT 1")

    def installed(self):
        return contextlib.nullcontext(self)


def ticking(*durations):
    """A clock whose successive calls are 1 s apart plus the given durations, one per measured call."""
    times = itertools.accumulate(itertools.chain.from_iterable((1.0, d) for d in durations))
    return lambda: next(times)


def test_median_of_skips_the_warm_up_and_takes_the_median():
    calls = []
    timing = common.median_of(lambda: calls.append("x") or len(calls), 3, warmup=1,
                              clock=ticking(9.0, 0.010, 0.030, 0.020), probe_factory=FakeProbe)  # fmt: skip
    assert len(calls) == 4
    assert timing.seconds == pytest.approx([0.010, 0.030, 0.020])
    assert timing.median_ms == pytest.approx(20.0)
    assert timing.median_queries == 3 and not timing.queries_vary
    assert timing.median_db_ms == pytest.approx(2.0)
    assert timing.results == [2, 3, 4]
    assert timing.note("rolled back") == "db 2 ms, 3 runs, rolled back"
    assert timing.as_row("1. Household list", "leader") == {
        "section": "1. Household list", "case": "leader", "median_ms": pytest.approx(20.0), "queries": 3,
        "note": "db 2 ms, 3 runs",
    }  # fmt: skip


def test_median_of_runs_setup_outside_the_measurement_and_checks_each_result():
    events = []

    def setup(stack):
        stack.callback(events.append, "closed")
        events.append("setup")
        return 41

    def check(result):
        events.append(f"check {result}")

    timing = common.median_of(lambda value: value + 1, 2, warmup=0, setup=setup, check=check,
                              clock=ticking(0.004, 0.002), probe_factory=FakeProbe)  # fmt: skip
    assert events == ["setup", "check 42", "closed"] * 2
    assert timing.median_ms == pytest.approx(3.0)


def test_median_of_raises_what_the_check_raises():
    def refuse(result):
        raise RuntimeError("answered 500")

    with pytest.raises(RuntimeError, match="answered 500"):
        common.median_of(lambda: None, 1, warmup=0, check=refuse, clock=ticking(0.1), probe_factory=FakeProbe)
    with pytest.raises(ValueError):
        common.median_of(lambda: None, 0)


def test_the_table_is_markdown_with_one_line_per_row():
    rows = [
        common.row("1. Household list", "caseworker, status=active", 31.6, 13, "db 5 ms, 5 runs"),
        common.row("4. Dashboard", "province", 1234.4, 1016, ""),
        common.row("6. Year-end assessment", "fast | odd", 4.25, None, "a\nb"),
        common.error_row("5. Ledger export", "benchmarks/ledger_bench.py", "cannot import it"),
    ]
    table = common.format_table(rows, ["# make bench", "Machine: nproc 2"])
    assert table == (
        "# make bench\n"
        "Machine: nproc 2\n"
        "\n"
        "| section | case | median ms | queries | note |\n"
        "|---|---|---:|---:|---|\n"
        "| 1. Household list | caseworker, status=active | 32 | 13 | db 5 ms, 5 runs |\n"
        "| 4. Dashboard | province | 1,234 | 1,016 |  |\n"
        "| 6. Year-end assessment | fast \\| odd | 4.2 | – | a b |\n"
        "| 5. Ledger export | benchmarks/ledger_bench.py | – | – | ERROR: cannot import it |\n"
    )
    assert [common.is_error(item) for item in rows] == [False, False, False, True]


def test_rows_are_checked_against_the_contract():
    good = common.row("7. Excel import", "validate", 10.0, 5, "")
    assert common.check_row(good) is good
    assert set(good) == {"section", "case", "median_ms", "queries", "note"}
    assert common.is_error({**good, "failed": True}) and not common.is_error({**good, "failed": False})
    missing_note = {key: value for key, value in good.items() if key != "note"}
    for bad in ({"section": "x"}, ("a", "b"), {**missing_note, "failed": False}, {**good, "queries": 2.5},
                {**good, "median_ms": "fast"}):  # fmt: skip
        with pytest.raises(TypeError):
            common.check_row(bad)


def test_only_picks_sections_by_number_or_name():
    assert parse_sections(None) == set(range(1, 9))
    assert parse_sections("1,4") == {1, 4}
    assert parse_sections("pages, import") == {1, 2, 3, 4, 7}
    assert parse_sections("dashboard,8") == {4, 8}
    with pytest.raises(argparse.ArgumentTypeError):
        parse_sections("9")
    assert [name for name, _sections, _heading in MODULES] == [
        "pages", "ledger_bench", "assessment_bench", "import_bench", "load"
    ]  # fmt: skip


def test_statement_names_a_query_by_its_verb_and_table():
    assert common.statement('SELECT "a"."id" FROM "cases_household" WHERE 1') == "SELECT cases_household"
    assert common.statement('SELECT COUNT(*) AS "__count" FROM "cases_member"') == "COUNT cases_member"
    assert common.statement('INSERT INTO "assessment_householdassessment" ("x") VALUES (1)') == (
        "INSERT assessment_householdassessment"
    )


def test_the_probe_counts_statements_but_not_savepoints():
    probe = common.Probe()
    sent = []

    def execute(sql, params, many, context):
        sent.append(sql)
        return len(sent)

    for sql in ('SELECT 1 FROM "cases_household"', 'SAVEPOINT "s1_x1"', 'UPDATE "django_session" SET x = 1',
                'RELEASE SAVEPOINT "s1_x1"', 'ROLLBACK TO SAVEPOINT "s1_x2"'):  # fmt: skip
        probe(execute, sql, None, False, {})
    assert len(sent) == 5
    assert probe.queries == 2
    assert dict(probe.by_statement).keys() == {"SELECT cases_household", "UPDATE django_session"}
