from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# DOMAIN.md: floors a union may tighten but never loosen.
MIN_NOTICE_WORKING_DAYS = 5
MIN_FOLLOW_UP_MONTHS = 6
MIN_EXIT_MONTHS = 6
MAX_VISIT_INTERVAL_MONTHS = 6


class LocalStandardQuerySet(models.QuerySet):
    def for_union(self, organization, year: int):
        """The standard of the nearest union up the tree that has one for `year`, or None."""
        return (
            self.filter(organization__path__in=organization.ancestor_paths(), year=year)
            .order_by(Length("organization__path").desc())
            .first()
        )


class LocalStandard(models.Model):
    """地方标准: the local minimum living guarantee line (低保) and minimum wage of a region for a year."""

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    dibao_line = models.DecimalField(
        _("minimum living guarantee line (yuan per person per month)"), max_digits=8, decimal_places=2
    )
    minimum_wage = models.DecimalField(_("local minimum wage (yuan per month)"), max_digits=8, decimal_places=2)
    relative_multiple = models.DecimalField(
        _("relative hardship multiple of the line"),
        max_digits=4,
        decimal_places=2,
        default=2,
        help_text=_("Below this many times the line is relative hardship."),
    )
    working_age_from = models.PositiveSmallIntegerField(_("working age from"), default=16)
    working_age_to = models.PositiveSmallIntegerField(_("working age to"), default=60)
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up after exit (months)"), default=12, help_text=_("脱困不脱政策: visits continue this long.")
    )
    visit_interval_months = models.PositiveSmallIntegerField(_("months between visits"), default=6)
    notice_working_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    notice_grace_days = models.PositiveSmallIntegerField(
        _("days a public notice may start before it is recorded"), default=3,
        help_text=_("A notice posted on paper is entered within this many days; an earlier start is refused."),
    )  # fmt: skip
    exit_months = models.PositiveSmallIntegerField(
        _("months above the line to exit"), default=6,
        help_text=_("脱困: per-capita income above the line for this many consecutive months."),
    )  # fmt: skip

    history = HistoricalRecords()
    objects = LocalStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("local standard")
        verbose_name_plural = _("local standards")
        ordering = ["organization__path", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="local_standard_one_per_union_year",
                violation_error_code="local_standard_one_per_union_year",
                violation_error_message=_("This union already has a local standard for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(dibao_line__gt=0, minimum_wage__gt=0),
                name="local_standard_amounts_positive",
                violation_error_code="local_standard_amounts_positive",
                violation_error_message=_("The minimum living guarantee line and the minimum wage must be above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"

    def clean(self):
        errors = {}
        for name in ("dibao_line", "minimum_wage"):
            if getattr(self, name) is not None and getattr(self, name) <= 0:
                errors[name] = _("Enter an amount above zero.")
        if self.relative_multiple is not None and self.relative_multiple <= 1:
            errors["relative_multiple"] = _("The multiple must be above 1: relative hardship lies above the line.")
        if self.notice_working_days is not None and self.notice_working_days < MIN_NOTICE_WORKING_DAYS:
            errors["notice_working_days"] = _("A public notice lasts at least %(days)d working days.") % {
                "days": MIN_NOTICE_WORKING_DAYS
            }
        if self.follow_up_months is not None and self.follow_up_months < MIN_FOLLOW_UP_MONTHS:
            errors["follow_up_months"] = _("Follow-up after an exit lasts at least %(months)d months.") % {
                "months": MIN_FOLLOW_UP_MONTHS
            }
        if self.exit_months is not None and self.exit_months < MIN_EXIT_MONTHS:
            errors["exit_months"] = _("An exit needs at least %(months)d months above the line.") % {
                "months": MIN_EXIT_MONTHS
            }
        if self.visit_interval_months is not None and not 1 <= self.visit_interval_months <= MAX_VISIT_INTERVAL_MONTHS:
            errors["visit_interval_months"] = _("Households are visited every 1 to %(months)d months.") % {
                "months": MAX_VISIT_INTERVAL_MONTHS
            }
        if None not in (self.working_age_from, self.working_age_to) and self.working_age_from >= self.working_age_to:
            errors["working_age_to"] = _("The working age ends after it begins.")
        if (
            self.organization_id
            and self.year
            and self._meta.model.objects.filter(organization_id=self.organization_id, year=self.year)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["year"] = _("%(union)s already has a standard for %(year)d: change that one.") % {
                "union": self.organization.name,
                "year": self.year,
            }
        if errors:
            raise ValidationError(errors)
