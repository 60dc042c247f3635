import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation

from accounts import jobs, services

logger = logging.getLogger(__name__)


@shared_task
def sessions_clear_expired() -> int:
    return services.sessions_clear_expired()


@shared_task
def jobs_fail_stale_task() -> int:
    """The beat's sweep: every job that lost its worker is marked failed, its page offers to try again."""
    with translation.override(settings.LANGUAGE_CODE):  # the reason is stored as text, in the site's language
        failed = jobs.jobs_fail_stale_everywhere()
    if failed:
        logger.warning("%d background jobs gave no sign of life and were marked failed", failed)
    return failed
