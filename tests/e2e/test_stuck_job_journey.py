"""A leader watches a big export whose worker dies: the bar stops, the page says why and offers to export again, and the
retried export downloads. The assessment's year filter still applies on change, from a script file (strict CSP)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Organization, User
from reports.models import ExportJob, JobStatus, LedgerKind
from tests.cases.factories import make_active_file, make_household
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.e2e
YEAR = 2026


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_a_dead_export_says_why_and_exports_again(browser, live_server, demo_data, settings):
    settings.JOB_STALE_MINUTES = 15
    leader_user = User.objects.get(username="demo_leader")
    county = Organization.objects.get(code="330281")
    caseworker, approver = User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")
    make_active_file(make_household(Organization.objects.get(code="330281001"), caseworker), caseworker, approver)
    job = ExportJob(kind=LedgerKind.HOUSEHOLDS, year=YEAR, requested_by=leader_user, status=JobStatus.RUNNING,
                    done=0, total=1, heartbeat_at=timezone.now())  # fmt: skip
    job.set_organization(county)
    job.save()

    leader = new_page(browser, live_server)
    log_in(leader, "demo_leader")
    leader.goto("/ledgers/")
    assert leader.get_by_test_id("export-retry").count() == 0

    # The worker dies: nothing moves for twenty minutes, and the polling bar turns into the failure.
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=20))
    leader.get_by_test_id("export-retry").wait_for()
    assert "超过15分钟没有进展" in leader.get_by_test_id("export-error").inner_text()

    leader.get_by_test_id("export-retry").click()
    leader.wait_for_url(re.compile(r"/ledgers/$"))
    with leader.expect_download() as download:
        leader.get_by_test_id("export-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert ExportJob.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_the_assessment_year_applies_when_chosen(browser, live_server, demo_data):
    leader = new_page(browser, live_server)
    log_in(leader, "demo_leader")
    leader.goto(f"/assessment/?year={YEAR}")

    leader.select_option("#id_year", str(YEAR - 1))

    leader.wait_for_url(re.compile(rf"year={YEAR - 1}"))
