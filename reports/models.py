import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.jobs import BackgroundJob
from accounts.scoping import ScopedModel, ScopedQuerySet
from cases.models.visits import private_storage


class LedgerKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Household ledger")
    DISBURSEMENTS = "disbursements", _("Disbursement ledger")
    ASSESSMENT = "assessment", _("Assessment report")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ExportLog(ScopedModel):
    """Every export of personal data: who, when, what, for which union and year, how many rows (PIPL)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")  # fmt: skip
    kind = models.CharField(_("ledger"), max_length=16, choices=LedgerKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    via = models.CharField(_("via"), max_length=16)  # web, job, command
    masked = models.BooleanField(_("sensitive data masked"), default=True)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} {self.rows}"


def export_path(instance, filename):
    return f"exports/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ExportJob(ScopedModel, BackgroundJob):
    """A big ledger export written in the background; its file may be downloaded by the requester until it expires."""

    job_active_statuses = (JobStatus.QUEUED, JobStatus.RUNNING)

    kind = models.CharField(_("ledger"), max_length=16, choices=LedgerKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(storage=private_storage, upload_to=export_path, max_length=200, blank=True)
    # How the file was written, for the log of each download.
    masked = models.BooleanField(_("sensitive data masked"), default=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


def import_path(instance, filename):
    return f"imports/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to import")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(ScopedModel, BackgroundJob):
    """An uploaded household roster: checked row by row, then written all at once or not at all."""

    # "Queued" is a check or a commit waiting for its worker; a commit runs "queued" under the row's lock.
    job_active_statuses = (ImportStatus.QUEUED, ImportStatus.VALIDATING)
    job_finished_field = None

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(storage=private_storage, upload_to=import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name
