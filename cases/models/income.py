from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet
from cases.choices import ImpliedCategory

CENT = Decimal("0.01")
INCOME_FIELDS = ["wages", "business_income", "property_income", "transfer_income", "other_income"]
COST_FIELDS = ["medical_costs", "disability_costs", "schooling_costs", "housing_costs", "other_rigid_costs"]


def money_field(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=0)


class IncomeAssessmentQuerySet(ScopedQuerySet):
    scope_field = "household__org_path"


class IncomeAssessment(models.Model):
    """Per-capita monthly net income over the 12 months before `assessed_on` (DOMAIN.md), in yuan."""

    household = models.ForeignKey("cases.Household", on_delete=models.PROTECT, related_name="income_assessments")
    assessed_on = models.DateField(_("assessed on"))
    wages = money_field(_("wages"))
    imputed_wages = money_field(_("minimum wage counted for members able to work but without work"))
    business_income = money_field(_("business income"))
    property_income = money_field(_("property income"))
    transfer_income = money_field(_("transfer income (including union aid)"))
    other_income = money_field(_("other income"))
    medical_costs = money_field(_("medical costs"))
    disability_costs = money_field(_("disability costs"))
    schooling_costs = money_field(_("schooling costs (non-compulsory only)"))
    housing_costs = money_field(_("housing costs"))
    other_rigid_costs = money_field(_("other rigid costs"))
    household_size = models.PositiveSmallIntegerField(_("household size"))
    per_capita_monthly = models.DecimalField(
        _("per-capita monthly net income"), max_digits=12, decimal_places=2, editable=False
    )
    dibao_line = models.DecimalField(_("minimum living line used"), max_digits=8, decimal_places=2, editable=False)
    implied_category = models.CharField(
        _("implied category"), max_length=10, choices=ImpliedCategory.choices, editable=False
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = IncomeAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("income assessment")
        verbose_name_plural = _("income assessments")
        ordering = ["-assessed_on", "-id"]
        get_latest_by = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household_size__gte=1),
                name="income_household_size_positive",
                violation_error_code="income_household_size_positive",
                violation_error_message=_("A household has at least one person."),
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.assessed_on}"

    @property
    def annual_income(self) -> Decimal:
        return sum((getattr(self, name) for name in INCOME_FIELDS), self.imputed_wages)

    @property
    def annual_rigid_costs(self) -> Decimal:
        return sum(getattr(self, name) for name in COST_FIELDS)

    def compute(self, *, dibao_line: Decimal, relative_multiple: Decimal) -> None:
        """Fill the derived fields from the components; rounding half up to the cent, as on paper."""
        net = Decimal(self.annual_income) - Decimal(self.annual_rigid_costs)
        self.per_capita_monthly = (net / self.household_size / 12).quantize(CENT, rounding=ROUND_HALF_UP)
        self.dibao_line = dibao_line
        if self.per_capita_monthly < dibao_line:
            self.implied_category = ImpliedCategory.DEEP
        elif self.per_capita_monthly < dibao_line * relative_multiple:
            self.implied_category = ImpliedCategory.RELATIVE
        else:
            self.implied_category = ImpliedCategory.ABOVE
