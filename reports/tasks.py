"""Background jobs of the reports: they take ids, load, and call a service. Safe to run twice."""

import logging

from celery import shared_task

from accounts.jobs import JobFailureNotRecorded

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def ledger_export_task(job_id: int) -> None:
    from reports.exports import export_job_execute
    from reports.models import ExportJob

    try:
        export_job_execute(job=ExportJob.objects.get(pk=job_id))
    except JobFailureNotRecorded:
        raise  # the row still says "running": fail loudly; the sweep marks it failed once the database answers
    except Exception:
        # The job row now says "failed" with the error; the page shows it and offers to try again.
        logger.exception("ledger export job %s failed", job_id)


@shared_task
def export_files_purge_task() -> int:
    """Delete the files of export jobs whose download time is over (for the beat schedule)."""
    from reports.exports import export_files_purge

    purged = export_files_purge()
    logger.info("export files purged: %d", purged)
    return purged


@shared_task
def dashboard_warm_task() -> int:
    """Compute this year's dashboard figures of every provincial and city union before their cache entries expire
    (for the beat schedule, with a shared cache), so their leaders never wait the second or so that computing a
    province's figures takes (docs/PERFORMANCE.md). Counties compute in a tenth of a second on a visit."""
    from django.conf import settings
    from django.utils import timezone, translation

    from accounts.models import Organization, OrganizationKind
    from reports.dashboard import dashboard_figures_refresh

    if not settings.DASHBOARD_CACHE_SECONDS:
        return 0
    now = timezone.now()
    unions = Organization.objects.filter(kind__in=[OrganizationKind.PROVINCIAL, OrganizationKind.CITY])
    with translation.override(settings.LANGUAGE_CODE):
        for union in unions:
            dashboard_figures_refresh(union=union, year=timezone.localdate(now).year, now=now)
    return len(unions)
