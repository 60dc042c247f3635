from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet
from cases.choices import MeasureStatus, MeasureType


class PlanQuerySet(ScopedQuerySet):
    scope_field = "file__org_path"


class AssistancePlan(models.Model):
    """The year's plan of a file: 一户一策."""

    file = models.ForeignKey("cases.HardshipFile", on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    goals = models.TextField(_("goals"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()
    health_fields = ("goals",)

    class Meta:
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "year"],
                name="plan_one_per_file_year",
                violation_error_code="plan_one_per_file_year",
                violation_error_message=_("This file already has an assistance plan for this year."),
            )
        ]

    def __str__(self):
        return f"{self.file} {self.year}"


class MeasureQuerySet(ScopedQuerySet):
    scope_field = "plan__file__org_path"

    def open(self):
        return self.filter(status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS])


class PlanMeasure(models.Model):
    plan = models.ForeignKey(AssistancePlan, on_delete=models.PROTECT, related_name="measures")
    measure_type = models.CharField(_("type"), max_length=12, choices=MeasureType.choices)
    description = models.CharField(_("measure"), max_length=300)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()
    # The description names the measure (shown on lists); the outcome is the caseworker's note on how it went.
    health_fields = ("outcome",)

    class Meta:
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description
