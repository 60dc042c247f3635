"""A real Celery worker process, fed through Redis, writes to the real PostgreSQL test database."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from accounts.tasks import sessions_clear_expired

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, name: str | None = None) -> subprocess.Popen:
    """`celery worker` on the queue, writing to this test's database."""
    env = {**os.environ, "DATABASE_URL": database_url_of_test_db(), "DJANGO_SETTINGS_MODULE": "hardship.settings"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hardship", "worker", "--pool", "solo", "--queues", queue,
         "--hostname", f"{name or queue}@%h", "--without-gossip", "--without-mingle", "--loglevel", "info"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def worker():
    """Start `celery worker` on a queue of its own, so no other worker can take our task."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue)
    yield queue, process
    stop_worker(process)


def expired_session() -> str:
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(hours=1))
    return store.session_key


def test_a_real_worker_runs_a_task_that_writes_to_the_database(worker):
    queue, process = worker
    key = expired_session()

    result = sessions_clear_expired.apply_async(queue=queue)

    deadline = time.monotonic() + 90
    while Session.objects.filter(session_key=key).exists():
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"the worker did not run the task in 90 s:\n{process.communicate(timeout=20)[0]}")
        time.sleep(0.2)
    assert result.id
    assert process.poll() is None, "the worker is still alive after the task"
