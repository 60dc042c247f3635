"""Section 8, load: gunicorn with production settings on loopback, driven by wrk from a second process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangfu_bench \
        .venv/bin/python benchmarks/load.py --org G33 --year 2026 [--quick]

Needs data from `generate_data` (its caseworkers `gen_cw_<county>` and their households). In ONE gunicorn, three
bounded runs (fixed threads, connections and duration, after a short warm-up that is not counted):

- `/healthz/` logged out: one `SELECT 1` through the whole middleware stack, the framework's floor;
- the caseworker mix: for each of several generated caseworkers (one session each), the household list, the list
  filtered to active files with an overdue visit, household pages in the caseworker's scope and a visit POST (a real
  form with its CSRF token; only the redirect to the household page counts as success);
- the leader mix: the province's dashboard `/dashboard/?year=…` for a leader of the province (created if missing).

Each row: throughput, p50/p95/p99 latency (wrk's, per request, including the wait for a free worker), errors (wrk's
connect/read/write/timeout errors, and every response that is not the expected one: not 2xx, a redirect other than the
visit POST's, a visit form re-rendered with errors) and the throughput as a share of the floor. Any error sets
`failed: True` on the row and says ERRORS in its note.

The server is plain HTTP on 127.0.0.1 (HTTPS unset: no secure cookies, no redirect to https, no HSTS); otherwise
production settings: DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the manifest static storage (hence the
`collectstatic` into STATIC_ROOT first, as the Docker image does), gunicorn with 3 sync workers and an access log as
in docker-compose.yml. The sessions are written straight into the session table (no login form, so django-axes is not
involved) and deleted at the end. The visit POSTs write real visits into the database (a few hundred per run,
spread over the caseworkers' files); they stay.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LUA_MIX = Path(__file__).resolve().parent / "lua" / "mix.lua"
SECTION = "8. Load"

GUNICORN_WORKERS = 3  # as docker-compose.yml; sync workers: one request at a time each, for 2 cores
WRK_THREADS = 2
WRK_CONNECTIONS = 8
DURATION_S, QUICK_DURATION_S = 20, 5
WARMUP_S, QUICK_WARMUP_S = 3, 1
CASEWORKERS = 8  # one session each, so that concurrent requests rarely share a session row
FILES_PER_CASEWORKER = 12
ROUNDS = 12  # the caseworker request list: ROUNDS cycles of CYCLE per caseworker
CYCLE = ("list", "detail", "filtered", "detail", "detail", "visit", "detail")
HOUSEHOLD_REDIRECT = "^/households/%d+/$"  # Lua pattern: where a recorded visit redirects
VISIT_FORM_MARKER = 'name="findings"'  # only in the visit form, which a failed POST renders again
GOAL_SHARE, GOAL_P95_MS = 50, 300


# ---------------------------------------------------------------- in a child process, with Django and the database


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hardship.settings")
    import django

    django.setup()


def _session_for(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def child_prepare(org: str) -> dict:
    """Sessions for generated caseworkers (with visitable files) and a province leader; where the visits start."""
    _django()
    from django.db.models import F, Max
    from django.utils import timezone

    from accounts.models import Organization, User
    from accounts.roles import Role
    from accounts.services import user_set_role
    from cases.models import HardshipFile, Visit
    from cases.services.visits import VISITABLE

    province = Organization.objects.filter(code=org).first()
    if province is None:
        raise SystemExit(f"no union with code {org!r}: run `manage.py generate_data` first")
    caseworkers = []
    candidates = User.objects.filter(
        username__startswith="gen_cw_", organization__path__startswith=province.path, is_active=True
    ).order_by("username")
    for user in candidates:
        files = list(
            HardshipFile.objects.visible_to(user)
            .filter(status__in=VISITABLE, household__is_active=True, household__current_file=F("pk"))
            .order_by("pk")
            .values_list("pk", "household_id")[:FILES_PER_CASEWORKER]
        )
        if len(files) >= 3:
            caseworkers.append({"user": user.username, "session": _session_for(user), "files": files})
        if len(caseworkers) == CASEWORKERS:
            break
    if not caseworkers:
        raise SystemExit(f"no generated caseworker (gen_cw_…) with visitable files under {org}: run generate_data")
    leader = User.objects.filter(username=f"load_leader_{org}").first()
    if leader is None:
        leader = User(username=f"load_leader_{org}", name=f"load_leader_{org}", organization=province)
        leader.set_unusable_password()
        leader.save()
    user_set_role(user=leader, role=Role.LEADER)
    leaders = [_session_for(leader) for _ in range(WRK_CONNECTIONS)]
    return {
        "caseworkers": caseworkers,
        "leader_sessions": leaders,
        "today": timezone.localdate().isoformat(),
        "last_visit_id": Visit.objects.aggregate(last=Max("pk"))["last"] or 0,
    }


def child_finish(prepared: dict) -> dict:
    """How many visits the run wrote; the run's sessions are deleted."""
    _django()
    from django.contrib.sessions.models import Session

    from cases.models import Visit

    users = [caseworker["user"] for caseworker in prepared["caseworkers"]]
    visits = Visit.objects.filter(pk__gt=prepared["last_visit_id"], recorded_by__username__in=users).count()
    keys = [caseworker["session"] for caseworker in prepared["caseworkers"]] + prepared["leader_sessions"]
    Session.objects.filter(session_key__in=keys).delete()
    return {"visits": visits}


def _in_child(env: dict, step: str, payload: dict | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step],
        input=json.dumps(payload or {}),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load.py --child {step} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the server


def production_env(database_url: str) -> dict:
    env = dict(os.environ)
    for name in ("HTTPS", "CELERY_BROKER_URL", "MANIFEST_STATIC", "CSRF_TRUSTED_ORIGINS", "LOG_LEVEL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="hardship.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    # As in production (docker-compose.yml), the workers share their cache in Redis when it is there; without it each
    # worker keeps its own (and computes the dashboard's figures once per worker).
    if _redis_answers():
        env["CACHE_URL"] = BENCH_CACHE_URL
    else:
        env.pop("CACHE_URL", None)
    return env


BENCH_CACHE_URL = "redis://127.0.0.1:6379/3"


def _redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(port: int, path: str, cookie: str = "", timeout: float = 10) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Server:
    """gunicorn in its own process group, always stopped by `stop()`."""

    def __init__(self, env: dict, workdir: Path):
        self.port = free_port()
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "gunicorn.log"
        self.access_log.touch()
        command = [
            sys.executable, "-m", "gunicorn", "hardship.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(GUNICORN_WORKERS), "--worker-class", "sync",
            "--access-logfile", str(self.access_log), "--error-logfile", "-",
        ]  # fmt: skip
        self.log = open(self.error_log, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _headers, body = http_get(self.port, "/healthz/", timeout=2)
                if status == 200 and body == "ok":
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz/ within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this script started
                self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- the load


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        install = subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, text=True)
        if install.returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise RuntimeError("the load test needs wrk: apt-get install wrk (Debian package)")


def run_wrk(port: int, requests_file: Path, duration: int, redirect: str = "", marker: str = "") -> dict:
    command = [
        wrk_path(), "-t", str(WRK_THREADS), "-c", str(WRK_CONNECTIONS), "-d", f"{duration}s", "--timeout", "10s",
        "-s", str(LUA_MIX), f"http://127.0.0.1:{port}", "--", str(requests_file), redirect, marker,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise RuntimeError(f"wrk printed no summary (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def write_requests(path: Path, lines: list[tuple[str, str, str, str]]) -> Path:
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines))
    return path


def caseworker_requests(prepared: dict, csrf_cookie: str, csrf_token: str) -> list[tuple[str, str, str, str]]:
    """ROUNDS cycles of list, detail, filtered list, detail, detail, visit POST, detail for every caseworker, in an
    order where neighbouring requests belong to different caseworkers and are of different kinds."""
    caseworkers = prepared["caseworkers"]
    lines = []
    visit_form = {
        "csrfmiddlewaretoken": csrf_token,
        "visited_on": prepared["today"],
        "kind": "routine",
        "visitors": "load test",
        "findings": "Load test visit (benchmarks/load.py).",
    }
    for round_ in range(ROUNDS):
        for step in range(len(CYCLE)):
            for index, caseworker in enumerate(caseworkers):
                cookie = f"sessionid={caseworker['session']}; csrftoken={csrf_cookie}"
                files = caseworker["files"]
                position = round_ * len(CYCLE) + step
                file_pk, household_pk = files[(position + index) % len(files)]
                kind = CYCLE[(step + index) % len(CYCLE)]
                if kind == "list":
                    lines.append(("GET", "/households/", cookie, ""))
                elif kind == "filtered":
                    lines.append(("GET", "/households/?status=active&overdue=on", cookie, ""))
                elif kind == "detail":
                    lines.append(("GET", f"/households/{household_pk}/", cookie, ""))
                else:
                    lines.append(("POST", f"/files/{file_pk}/visits/new/", cookie, urlencode(visit_form)))
    return lines


def csrf_pair(port: int, prepared: dict) -> tuple[str, str]:
    """The csrftoken cookie and a form token for it, from a real GET of a visit form (as a browser gets them)."""
    caseworker = prepared["caseworkers"][0]
    file_pk = caseworker["files"][0][0]
    status, headers, body = http_get(port, f"/files/{file_pk}/visits/new/", f"sessionid={caseworker['session']}")
    cookies = " ".join(headers.get_all("Set-Cookie") or [])
    cookie = re.search(r"csrftoken=([^;]+)", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not cookie or not token:
        raise RuntimeError(f"no CSRF token from the visit form (HTTP {status}; is the caseworker's session valid?)")
    return cookie.group(1), token.group(1)


ACCESS_LINE = re.compile(r'^\S+ \S+ \S+ \[[^\]]*\] "[^"]*" (\d{3}) ')


def access_statuses(server: Server, start: int) -> tuple[dict, int]:
    """Status counts in the access log since byte `start`, and the new end."""
    with open(server.access_log, "rb") as log:
        log.seek(start)
        text = log.read().decode("utf-8", "replace")
        end = log.tell()
    counts = {}
    for line in text.splitlines():
        match = ACCESS_LINE.match(line)
        status = match.group(1) if match else "unparsed"
        counts[status] = counts.get(status, 0) + 1
    return counts, end


def measured(server: Server, requests_file: Path, duration: int, warmup: int, **expect) -> tuple[dict, dict, int]:
    """A warm-up (not counted) and the measured run; also the access log's statuses of the measured run."""
    warm = run_wrk(server.port, requests_file, warmup, **expect)
    start = server.access_log.stat().st_size
    result = run_wrk(server.port, requests_file, duration, **expect)
    time.sleep(0.5)  # the last responses' log lines
    statuses, _end = access_statuses(server, start)
    return result, statuses, warm["redirected"]


def summarize(result: dict) -> dict:
    errors = result["errors"]
    wrk_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    seconds = result["duration_us"] / 1e6
    return {
        "rps": result["requests"] / seconds if seconds else 0.0,
        "p50": result["latency_us"]["p50"] / 1000,
        "p95": result["latency_us"]["p95"] / 1000,
        "p99": result["latency_us"]["p99"] / 1000,
        "errors": wrk_errors + result["bad"],
        "requests": result["requests"],
    }


def row(case: str, result: dict, floor_rps: float | None, extra: str = "", problems: list[str] = ()) -> dict:
    figures = summarize(result)
    problems = list(problems)
    if figures["errors"]:
        details = {key: value for key, value in result["errors"].items() if value}
        if result["bad_statuses"]:
            details["unexpected responses by status"] = result["bad_statuses"]
        if result["failed_forms"]:
            details["visit forms re-rendered"] = result["failed_forms"]
        problems.insert(0, f"{figures['errors']} errors {details}")
    note = (
        f"{figures['rps']:.0f} req/s, p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, "
        f"p99 {figures['p99']:.0f} ms, {figures['errors']} errors, {figures['requests']} requests"
    )
    if floor_rps:
        note += f", {100 * figures['rps'] / floor_rps:.0f} % of /healthz/"
    if extra:
        note += f"; {extra}"
    if problems:
        note = "ERRORS: " + "; ".join(problems) + " | " + note
    out = {"section": SECTION, "case": case, "median_ms": round(figures["p50"], 1), "queries": None, "note": note}
    if problems:
        out["failed"] = True
    return out


def unexpected(statuses: dict, allowed: set[str]) -> list[str]:
    """Statuses in the server's access log that the mix never expects (a cross-check of the Lua accounting)."""
    odd = {status: count for status, count in statuses.items() if status not in allowed}
    return [f"access log has unexpected statuses {odd}"] if odd else []


def measure(options) -> list[dict]:
    database_url = getattr(options, "database_url", None) or os.environ.get("DATABASE_URL")
    if not database_url:
        raise RuntimeError("the load test needs DATABASE_URL (a PostgreSQL database with generate_data's data)")
    quick = bool(getattr(options, "quick", False))
    duration, warmup = (QUICK_DURATION_S, QUICK_WARMUP_S) if quick else (DURATION_S, WARMUP_S)
    org, year = options.org, int(options.year)
    wrk_path()
    env = production_env(database_url)
    with tempfile.TemporaryDirectory(prefix="bangfu-load-") as tmp:
        workdir = Path(tmp)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        prepared = _in_child(env, "prepare", {"org": org})
        server = None
        try:
            server = Server(env, workdir)
            server.wait_ready()
            csrf_cookie, csrf_token = csrf_pair(server.port, prepared)

            floor_file = write_requests(workdir / "healthz.tsv", [("GET", "/healthz/", "", "")])
            floor, floor_statuses, _ = measured(server, floor_file, duration, warmup)

            caseworker_file = write_requests(
                workdir / "caseworker.tsv", caseworker_requests(prepared, csrf_cookie, csrf_token)
            )
            expect = {"redirect": HOUSEHOLD_REDIRECT, "marker": VISIT_FORM_MARKER}
            caseworker, caseworker_statuses, warm_visits = measured(server, caseworker_file, duration, warmup, **expect)

            leader_lines = [("GET", f"/dashboard/?year={year}", f"sessionid={key}", "")
                            for key in prepared["leader_sessions"]]  # fmt: skip
            leader_file = write_requests(workdir / "leader.tsv", leader_lines)
            leader, leader_statuses, _ = measured(server, leader_file, duration, warmup)
        except BaseException:
            if server is not None:
                print(server.log_tail(60), file=sys.stderr)
            raise
        finally:
            if server is not None:
                server.stop()
            finished = _in_child(env, "finish", prepared)  # counts the visits, deletes the sessions
        server_log = server.error_log.read_text(errors="replace")

    server_problems = []
    if "Traceback" in server_log or re.search(r"\b(ERROR|CRITICAL)\b", server_log):
        server_problems.append("the server logged errors: " + server_log[-600:].replace("\n", " / "))
    floor_rps = summarize(floor)["rps"]
    posted = warm_visits + caseworker["redirected"]
    visit_problems = []
    # A visit whose response wrk did not wait for (the run ended) is written but not counted: up to one a connection.
    if not posted <= finished["visits"] <= posted + 2 * WRK_CONNECTIONS:
        visit_problems.append(f"{posted} visit redirects but {finished['visits']} visits in the database")
    cw = summarize(caseworker)
    goal = "met" if 100 * cw["rps"] / floor_rps >= GOAL_SHARE and cw["p95"] < GOAL_P95_MS else "NOT met"
    setup = (
        f"gunicorn {GUNICORN_WORKERS} sync workers, DEBUG=0, plain HTTP on 127.0.0.1; wrk {WRK_THREADS} threads, "
        f"{WRK_CONNECTIONS} connections, {duration} s after {warmup} s warm-up; "
        f"cache: {'Redis, shared' if 'CACHE_URL' in env else 'per worker (no Redis)'}"
    )
    return [
        row("/healthz/ (floor, one query)", floor, None, setup,
            [*unexpected(floor_statuses, {"200"}), *server_problems]),
        row("caseworker mix", caseworker, floor_rps,
            f"{caseworker['redirected']} visits recorded; {len(prepared['caseworkers'])} caseworkers; "
            f"goal ≥ {GOAL_SHARE} % of /healthz/ and p95 < {GOAL_P95_MS} ms: {goal}",
            [*unexpected(caseworker_statuses, {"200", "302"}), *visit_problems]),
        row(f"leader mix (dashboard {org} {year})", leader, floor_rps, "",
            unexpected(leader_statuses, {"200"})),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", default="G33")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--households", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DURATION_S} s runs instead of {DURATION_S} s")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--child", choices=["prepare", "finish"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "prepare":
        print(json.dumps(child_prepare(json.loads(sys.stdin.read())["org"])))
        return
    if options.child == "finish":
        print(json.dumps(child_finish(json.loads(sys.stdin.read()))))
        return
    rows = measure(options)
    for result in rows:
        print(f"{result['section']} | {result['case']} | p50 {result['median_ms']} ms | {result['note']}")
    if any(result.get("failed") for result in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
