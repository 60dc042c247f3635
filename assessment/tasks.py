"""Background jobs: they take ids, load, and call a service. Safe to run twice."""

import logging

from celery import shared_task
from django.utils import timezone

from accounts.errors import DomainError
from accounts.jobs import JobFailureNotRecorded
from accounts.models import Organization, OrganizationKind

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def assessment_run_task(run_id: int) -> None:
    from assessment.models import AssessmentRun
    from assessment.services import assessment_execute

    try:
        assessment_execute(run=AssessmentRun.objects.get(pk=run_id))
    except JobFailureNotRecorded:
        raise  # the row still says "running": fail loudly; the sweep marks it failed once the database answers
    except Exception:
        # The run row now says "failed" with the error, and the page offers to resume it; nothing is left to retry.
        logger.exception("assessment run %s failed", run_id)


@shared_task
def assessment_yearly(year: int | None = None) -> int:
    """The beat's December run: one for every provincial union; a union with a run under way is skipped."""
    from assessment.services import assessment_start

    year = year or timezone.localdate().year
    started = 0
    for province in Organization.objects.filter(kind=OrganizationKind.PROVINCIAL, is_active=True):
        try:
            assessment_start(organization=province, year=year)
        except DomainError as error:
            logger.info("year-end assessment of %s skipped: %s", province.code, error.message)
        else:
            started += 1
    return started


@shared_task
def monitoring_daily() -> dict[str, int]:
    """Raise the monitoring alerts that should be open today and resolve those whose condition cleared."""
    from assessment.monitoring import alerts_refresh

    counts = alerts_refresh()
    logger.info("monitoring: %(created)d alerts raised, %(resolved)d resolved, %(updated)d updated", counts)
    return counts
