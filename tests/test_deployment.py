import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_five_services():
    assert set(compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_web_worker_and_beat_share_one_image_and_one_settings_module():
    services = compose()["services"]
    app_services = [services[name] for name in ("web", "worker", "beat")]
    assert len({service["image"] for service in app_services}) == 1
    assert {service["environment"]["DJANGO_SETTINGS_MODULE"] for service in app_services} == {"hardship.settings"}
    assert {service["environment"]["DATABASE_URL"] for service in app_services} == {
        app_services[0]["environment"]["DATABASE_URL"]
    }


def test_web_migrates_on_start_and_serves_with_gunicorn():
    command = compose()["services"]["web"]["command"]
    assert command.index("migrate") < command.index("gunicorn")
    assert "hardship.wsgi" in command


def test_worker_and_beat_run_celery_against_redis():
    services = compose()["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "hardship", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "hardship", "beat"]
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")


def production_env(**overrides):
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-0123456789abcdefghij",
        "ALLOWED_HOSTS": "bangfu.example.org",
    }
    env.update(overrides)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    return env


def run_deploy_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_deploy_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_development_key_fails_the_deploy_check():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
