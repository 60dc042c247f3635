from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.jobs import BackgroundJob
from accounts.scoping import ScopedModel, ScopedQuerySet
from assessment.choices import ACTIVE_RUN_STATUSES, AlertKind, Recommendation, RunStatus


def money_field(label, **options):
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0, **options)


class AssessmentRun(ScopedModel, BackgroundJob):
    """One year-end assessment (年底帮扶成效评估) of a union and its subtree, run as a background job."""

    job_active_statuses = tuple(ACTIVE_RUN_STATUSES)

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    done = models.PositiveIntegerField(_("files assessed"), default=0)
    total = models.PositiveIntegerField(_("files to assess"), default=0)
    # The last file id written: a restarted run carries on after it (files are taken in id order).
    cursor = models.BigIntegerField(default=0, editable=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(status__in=ACTIVE_RUN_STATUSES),
                name="assessment_one_active_run_per_union_year",
                violation_error_code="assessment_one_active_run_per_union_year",
                violation_error_message=_("An assessment of this union and year is already queued or running."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == RunStatus.SUCCEEDED else 0)


class HouseholdAssessment(ScopedModel):
    """What the year-end assessment found for one file, the inputs it used, and its recommendation with reasons."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.PROTECT, related_name="assessments")
    file = models.ForeignKey("cases.HardshipFile", on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    per_capita_income = models.DecimalField(
        _("latest per-capita monthly income"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    months_above_line = models.PositiveSmallIntegerField(_("months above the line in a row"), default=0)
    dibao_line = models.DecimalField(_("minimum living line"), max_digits=8, decimal_places=2, null=True, blank=True)
    visits_done = models.PositiveSmallIntegerField(_("visits done"), default=0)
    visits_due = models.PositiveSmallIntegerField(_("visits due"), default=0)
    measures_done = models.PositiveSmallIntegerField(_("plan measures done"), default=0)
    measures_total = models.PositiveSmallIntegerField(_("plan measures"), default=0)
    aid_by_program = models.JSONField(_("aid this year by program"), default=dict, blank=True)
    aid_total = money_field(_("aid this year"))
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household assessment")
        verbose_name_plural = _("household assessments")
        ordering = ["org_path", "file_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "year"],
                name="assessment_one_per_file_year",
                violation_error_code="assessment_one_per_file_year",
                violation_error_message=_("This file already has an assessment for this year."),
            )
        ]
        indexes = [models.Index(fields=["year", "org_path", "recommendation"], name="assessment_scope_rec")]

    def __str__(self):
        return f"{self.file} {self.year}"


class AnnualSummary(ScopedModel):
    """A union's year, stored so that dashboards read one row. Counts cover the union's whole subtree."""

    year = models.PositiveSmallIntegerField(_("year"))
    run = models.ForeignKey(AssessmentRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    files_at_start = models.PositiveIntegerField(_("files at start of year"), default=0)
    new = models.PositiveIntegerField(_("new files"), default=0)
    exited = models.PositiveIntegerField(_("exited"), default=0)
    relieved = models.PositiveIntegerField(_("relieved"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    returned = models.PositiveIntegerField(_("returned to hardship"), default=0)
    remaining = models.PositiveIntegerField(_("remaining at end of year"), default=0)
    found_and_out = models.PositiveIntegerField(_("found this year, out this year"), default=0)
    money_by_program = models.JSONField(_("money by program"), default=dict, blank=True)
    money_total = money_field(_("money paid"))
    households_paid = models.PositiveIntegerField(_("households paid"), default=0)
    visits_done = models.PositiveIntegerField(_("visits done"), default=0)
    visits_due = models.PositiveIntegerField(_("visits due"), default=0)
    measures_done = models.PositiveIntegerField(_("plan measures done"), default=0)
    measures_total = models.PositiveIntegerField(_("plan measures"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        ordering = ["org_path", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="summary_one_per_union_year",
                violation_error_code="summary_one_per_union_year",
                violation_error_message=_("This union already has a summary for this year."),
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"

    @property
    def found_and_out_rate(self):
        """当年发现当年解困脱困: of the files new this year, the share that also left hardship this year (%)."""
        return round(self.found_and_out * 100 / self.new, 1) if self.new else None

    @property
    def exit_rate(self):
        started = self.files_at_start + self.new
        return round((self.exited + self.relieved) * 100 / started, 1) if started else None

    @property
    def average_aid(self):
        return (self.money_total / self.households_paid).quantize(self.money_total) if self.households_paid else None


class AlertQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Alert(ScopedModel):
    """A monitoring flag on a file (visit overdue, income fell after exit, …): one open alert per kind per file."""

    kind = models.CharField(pgettext_lazy("alert", "kind"), max_length=20, choices=AlertKind.choices)
    file = models.ForeignKey("cases.HardshipFile", on_delete=models.PROTECT, related_name="alerts")
    details = models.CharField(_("details"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="alert_one_open_per_file_kind",
                violation_error_code="alert_one_open_per_file_kind",
                violation_error_message=_("This file already has an open alert of this kind."),
            ),
        ]
        indexes = [models.Index(fields=["org_path", "resolved_at"], name="alert_scope_open")]

    def __str__(self):
        return f"{self.file} {self.get_kind_display()}"
