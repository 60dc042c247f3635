"""Time a year-end assessment of a whole union in-process, and watch the worker's memory (docs/PERFORMANCE.md).

    DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=hardship.settings \
        .venv/bin/python benchmarks/assessment_bench.py --year 2026 --org G33

Starts a run with `assessment_start` (by None, as the beat does) and carries it out with `assessment_execute`, as the
worker would; then does it a second time (the re-run replaces the rows of the first). For each run it prints the wall
clock of the whole run and of its two phases (the chunks; the summaries), the queries and database time per chunk, the
statements that took the most time, and the resident memory of the process sampled every few chunks.

The assessment code is not changed: the phases are timed by wrapping the service module's own functions, and the
queue is bypassed (without a broker Celery runs the task eagerly inside `assessment_start`).

`make bench` (benchmarks/run.py) calls `measure()`: one run in a fresh child process (`--runs 1 --json`), so the peak
RSS it reports is the worker's.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Probe, error_row, peak_rss_mb, row, rss_mb, run_child, setup_django

SECTION = "6. Year-end assessment"


class Timed:
    """Wraps the service's chunk and summary steps to time them, without touching the assessment code."""

    def __init__(self, probe: Probe, sample_every: int, profile_chunk: int = 0):
        self.probe, self.sample_every, self.profile_chunk = probe, sample_every, profile_chunk
        self.profile = None
        self.chunks = []  # (seconds, queries, database seconds)
        self.samples = []  # (chunks done, RSS MB, seconds of that chunk)
        self.summaries_seconds = 0.0
        self.summaries_queries = 0
        from assessment import services

        self.real_chunk, self.real_summaries = services._assess_next_chunk, services.summaries_compute

    def chunk(self, *args, **kwargs):
        queries, db_seconds, started = self.probe.queries, self.probe.db_seconds, time.perf_counter()
        if len(self.chunks) + 1 == self.profile_chunk:
            self.profile = cProfile.Profile()
            more = self.profile.runcall(self.real_chunk, *args, **kwargs)
        else:
            more = self.real_chunk(*args, **kwargs)
        if more:
            self.chunks.append(
                (time.perf_counter() - started, self.probe.queries - queries, self.probe.db_seconds - db_seconds)
            )
            if len(self.chunks) % self.sample_every == 0:
                self.samples.append((len(self.chunks), rss_mb(), self.chunks[-1][0]))
        return more

    def summaries(self, *args, **kwargs):
        queries, started = self.probe.queries, time.perf_counter()
        try:
            return self.real_summaries(*args, **kwargs)
        finally:
            self.summaries_seconds = time.perf_counter() - started
            self.summaries_queries = self.probe.queries - queries


def one_run(organization, year: int, chunk_size: int, sample_every: int, profile_chunk: int) -> dict:
    from django.db import connection

    from assessment import services
    from assessment.models import AssessmentRun
    from assessment.tasks import assessment_run_task

    probe = Probe()
    timed = Timed(probe, sample_every, profile_chunk)
    rss_before = rss_mb()
    with mock.patch.object(assessment_run_task, "apply_async"):  # keep the run queued: we execute it here
        run = services.assessment_start(organization=organization, year=year)
    timed.samples.append(("start", rss_before, None))
    with (
        mock.patch.object(services, "_assess_next_chunk", timed.chunk),
        mock.patch.object(services, "summaries_compute", timed.summaries),
        connection.execute_wrapper(probe),
    ):
        started = time.perf_counter()
        run = services.assessment_execute(run=AssessmentRun.objects.get(pk=run.pk), chunk_size=chunk_size)
        total_seconds = time.perf_counter() - started
    timed.samples.append(("end", rss_mb(), None))
    chunk_seconds = [seconds for seconds, _q, _d in timed.chunks]
    return {
        "run": run,
        "total": total_seconds,
        "chunks": len(timed.chunks),
        "chunks_seconds": sum(chunk_seconds),
        "chunk_mean": sum(chunk_seconds) / len(chunk_seconds) if chunk_seconds else 0.0,
        "chunk_first": chunk_seconds[0] if chunk_seconds else 0.0,
        "chunk_last": chunk_seconds[-1] if chunk_seconds else 0.0,
        "chunk_max": max(chunk_seconds, default=0.0),
        "queries": [queries for _s, queries, _d in timed.chunks],
        "chunk_db_seconds": sum(db for _s, _q, db in timed.chunks),
        "summaries": timed.summaries_seconds,
        "summaries_queries": timed.summaries_queries,
        "samples": timed.samples,
        "peak": peak_rss_mb(),
        "by_statement": probe.by_statement,
        "profile": timed.profile,
    }


def queries_text(counts: list[int]) -> str:
    if not counts:
        return "-"
    ordered = sorted(counts)
    return (f"median {ordered[len(ordered) // 2]}, min {ordered[0]}, max {ordered[-1]} "
            f"(first chunk {counts[0]}; {sum(counts):,} in all)")  # fmt: skip


def report(label: str, result: dict) -> None:
    run = result["run"]
    files = run.done
    print(f"\n{label}: run {run.pk} {run.status}, {files:,} of {run.total:,} files")
    rows = [
        ("total (assessment_execute)", f"{result['total']:.1f} s"),
        ("files per second", f"{files / result['total']:,.0f}" if result["total"] else "-"),
        ("chunks", f"{result['chunks']} × {result['chunk_size']} files: {result['chunks_seconds']:.1f} s"),
        ("seconds per chunk", f"mean {result['chunk_mean']:.3f}, first {result['chunk_first']:.3f}, "
                              f"last {result['chunk_last']:.3f}, max {result['chunk_max']:.3f}"),
        ("queries per chunk", queries_text(result["queries"])),
        ("database time in chunks", f"{result['chunk_db_seconds']:.1f} s "
                                    f"({result['chunk_db_seconds'] * 100 / (result['chunks_seconds'] or 1):.0f} %)"),
        ("summaries", f"{result['summaries']:.2f} s, {result['summaries_queries']} queries"),
        ("other (start of the run)", f"{result['total'] - result['chunks_seconds'] - result['summaries']:.2f} s"),
        ("peak RSS (VmHWM)", f"{result['peak']:.0f} MB"),
    ]  # fmt: skip
    width = max(len(name) for name, _value in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    samples = ", ".join(f"{chunks}:{mb:.0f}" for chunks, mb, _s in result["samples"])
    print(f"  RSS MB after n chunks: {samples}")
    seconds = ", ".join(f"{chunks}:{chunk:.2f}" for chunks, _mb, chunk in result["samples"] if chunk is not None)
    print(f"  seconds of chunk n: {seconds}")
    print("  statements by total time (count, seconds):")
    ranked = sorted(result["by_statement"].items(), key=lambda item: -item[1][1])
    for name, (count, seconds) in ranked[:8]:
        print(f"    {name:<45} {count:>6} {seconds:>8.2f}")
    if result["profile"] is not None:
        out = io.StringIO()
        pstats.Stats(result["profile"], stream=out).sort_stats("cumulative").print_stats(30)
        print(f"  cProfile of one chunk (cumulative; the profiler slows it down):\n{out.getvalue()}")


def summary(result: dict, rss_at_start: float) -> dict:
    """What `make bench` reports of one run, as JSON (the child's last line of output)."""
    run, counts = result["run"], sorted(result["queries"])
    return {
        "status": run.status,
        "files": run.done,
        "total_seconds": result["total"],
        "queries": sum(counts) + result["summaries_queries"],
        "chunks": result["chunks"],
        "chunk_size": result["chunk_size"],
        "queries_per_chunk": counts[len(counts) // 2] if counts else 0,
        "queries_per_chunk_max": counts[-1] if counts else 0,
        "chunk_db_seconds": result["chunk_db_seconds"],
        "chunks_seconds": result["chunks_seconds"],
        "summaries_seconds": result["summaries"],
        "summaries_queries": result["summaries_queries"],
        "rss_at_start": rss_at_start,
        "peak_rss": result["peak"],
    }


def measure(options) -> list[dict]:
    """Issue 7, item 6: one assessment of the province in a fresh child process, so the peak RSS is the worker's."""
    data = run_child(__file__, "--year", options.year, "--org", options.org, "--runs", 1, "--json")
    if data["status"] != "succeeded":
        return [error_row(SECTION, f"province {options.org}", f"the run ended {data['status']}")]
    total = data["total_seconds"]
    rate = data["files"] / total if total else 0
    db_share = data["chunk_db_seconds"] * 100 / (data["chunks_seconds"] or 1)
    note = (
        f"{rate:,.0f} files/s; {data['queries_per_chunk']} queries per chunk (max {data['queries_per_chunk_max']}, "
        f"{data['chunks']} chunks of {data['chunk_size']}, {db_share:.0f} % in the database); "
        f"peak RSS {data['peak_rss']:.0f} MB (worker, {data['rss_at_start']:.0f} MB after start-up); 1 run"
    )
    return [
        row(SECTION, f"province {options.org}, {data['files']:,} files, total", total * 1000, data["queries"], note),
        row(SECTION, "of which: the summaries", data["summaries_seconds"] * 1000, data["summaries_queries"], ""),
    ]


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from accounts.models import Organization
    from assessment import services
    from assessment.models import HouseholdAssessment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--org", required=True, help="Code of the union to assess (its whole subtree).")
    parser.add_argument("--chunk-size", type=int, default=settings.ASSESSMENT_CHUNK_SIZE)
    parser.add_argument("--sample-every", type=int, default=20, help="Sample RSS after every N chunks.")
    parser.add_argument("--runs", type=int, default=2, help="Runs one after the other; the later ones replace rows.")
    parser.add_argument("--profile-chunk", type=int, default=0, help="cProfile chunk N of the first run (1-based).")
    parser.add_argument("--json", action="store_true", help="Print one JSON line per run instead (for make bench).")
    args = parser.parse_args()
    settings.DEBUG = False

    organization = Organization.objects.get(code=args.org)
    rss_at_start = rss_mb()
    if args.json:
        for _number in range(args.runs):
            result = one_run(organization, args.year, args.chunk_size, args.sample_every, 0)
            result["chunk_size"] = args.chunk_size
            print(json.dumps(summary(result, rss_at_start)))
        return
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    print(f"database: {vendor} {version.split(' on ')[0]}; DEBUG={settings.DEBUG}; chunk size {args.chunk_size}")
    print(f"union: {organization.code} {organization.name}; year {args.year}; "
          f"files to assess: {services.files_to_assess(organization, args.year).count():,}; "
          f"rows already for the year: {HouseholdAssessment.objects.filter(year=args.year).count():,}")  # fmt: skip
    print(
        f"RSS after django.setup(): {rss_at_start:.0f} MB; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    for number in range(1, args.runs + 1):
        profile_chunk = args.profile_chunk if number == 1 else 0
        result = one_run(organization, args.year, args.chunk_size, args.sample_every, profile_chunk)
        result["chunk_size"] = args.chunk_size
        report(f"run {number}", result)
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)")


if __name__ == "__main__":
    main()
