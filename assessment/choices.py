from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATUSES = [RunStatus.QUEUED, RunStatus.RUNNING]


class Recommendation(models.TextChoices):
    EXIT = "exit", _("Exit hardship (脱困)")
    RELIEVE = "relieve", _("Relieve hardship (解困)")
    REMAIN = "remain", _("Remain filed")
    CANCEL = "cancel", _("Cancel the file")
    WATCH = "watch", _("Watch closely")


class AlertKind(models.TextChoices):
    VISIT_OVERDUE = "visit_overdue", _("Visit overdue")
    FOLLOW_UP_DUE = "follow_up_due", _("Post-exit follow-up visit due")
    INCOME_BELOW_LINE = "income_below_line", _("Income fell below the line after exit")
    SERIOUS_ILLNESS = "serious_illness", _("New serious illness")
    MEASURE_OVERDUE = "measure_overdue", _("Plan measure overdue")
