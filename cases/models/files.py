from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedModel, ScopedQuerySet
from cases.choices import (
    FILED_STATUSES,
    NEXT_STEPS,
    OPEN_STATUSES,
    CancelReason,
    Category,
    Cause,
    ExitKind,
    FileStatus,
    FilingLevel,
    MonitoringFlag,
    Origin,
)


class HardshipFileQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def filed(self):
        return self.filter(status__in=FILED_STATUSES)


class HardshipFile(ScopedModel):
    """A hardship file (困难职工档案) of a household: 先建档、后帮扶."""

    household = models.ForeignKey("cases.Household", on_delete=models.PROTECT, related_name="files")
    number = models.CharField(_("file number"), max_length=40, unique=True)
    level = models.CharField(_("filing level"), max_length=12, choices=FilingLevel.choices)
    category = models.CharField(_("hardship category"), max_length=10, choices=Category.choices)
    category_reason = models.CharField(
        _("reason for the category"), max_length=200, blank=True, help_text=_("Required for accident hardship.")
    )
    primary_cause = models.PositiveSmallIntegerField(_("primary cause"), choices=Cause.choices)
    secondary_causes = models.JSONField(_("secondary causes"), default=list, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.NEW)
    opened_year = models.PositiveSmallIntegerField(_("year opened"))
    status = models.CharField(_("status"), max_length=16, choices=FileStatus.choices, default=FileStatus.APPLIED)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        related_name="contact_files",
    )
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    monitoring_flag = models.CharField(
        _("monitoring flag"), max_length=12, choices=MonitoringFlag.choices, blank=True, default=""
    )
    authorization_signed = models.BooleanField(_("finance check authorization signed"), default=False)
    home_checked_on = models.DateField(_("home check on"), null=True, blank=True)
    notice_start = models.DateField(_("public notice from"), null=True, blank=True)
    notice_end = models.DateField(_("public notice until"), null=True, blank=True)
    exit_kind = models.CharField(_("exit kind"), max_length=10, choices=ExitKind.choices, blank=True)
    exit_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_on = models.DateField(_("filed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    follow_up_until = models.DateField(_("follow-up visits until"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=20, choices=CancelReason.choices, blank=True)
    previous_file = models.ForeignKey(
        "self", verbose_name=_("previous file"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = HardshipFileQuerySet.as_manager()
    # Accident hardship is explained in words: an accident or a serious illness.
    health_fields = ("category_reason",)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="file_one_open_file_per_household",
                violation_error_code="file_one_open_file_per_household",
                violation_error_message=_("This household already has a file in progress or active."),
            ),
        ]
        indexes = [models.Index(fields=["org_path", "status"], name="file_scope_status")]

    def __str__(self):
        return self.number

    @property
    def is_filed(self) -> bool:
        return self.status in FILED_STATUSES

    @property
    def next_step(self):
        """The step the file waits for, or None (an active file waits for its next visit, a closed one for nothing)."""
        return NEXT_STEPS.get(self.status)

    def secondary_cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels[code]) for code in self.secondary_causes if code in labels]


class FileEventQuerySet(ScopedQuerySet):
    scope_field = "file__org_path"


class FileEvent(models.Model):
    """One step of a file's life: who did what, when, from which status to which, and why."""

    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=16, choices=FileStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=FileStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = FileEventQuerySet.as_manager()
    health_fields = ("comment",)

    class Meta:
        verbose_name = _("file event")
        verbose_name_plural = _("file events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.file} {self.action}"
