from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, DecimalField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import OrganizationKind
from accounts.scoping import ScopedModel, ScopedQuerySet
from programs.choices import ApplicationStatus, DiseaseCategory, FundingKind, ProgramKind

ZERO = Decimal("0.00")


def money_field(label, **options):
    return models.DecimalField(label, max_digits=12, decimal_places=2, validators=[MinValueValidator(0)], **options)


class FundingSource(models.Model):
    """Where the money comes from: union funds by level, the central special fund, government, donors."""

    kind = models.CharField(_("kind of funding"), max_length=20, choices=FundingKind.choices)
    union_level = models.CharField(
        _("union level"), max_length=16, choices=OrganizationKind.choices, blank=True,
        help_text=_("For union funds: which level of union the money belongs to."),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=100)
    donor = models.CharField(_("donor"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class BranchQuerySet(ScopedQuerySet):
    """Programs and budget lines are seen on their whole branch: below their union, and by the unions under it that
    use them (read-only there; only the owner's subtree manages them in the admin)."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        organization = user.organization
        return self.filter(Q(org_path__startswith=organization.path) | Q(org_path__in=organization.ancestor_paths()))


class ProgramQuerySet(BranchQuerySet):
    def usable_for(self, organization):
        """Programs a household of `organization` may apply to: owned by that union or one above it."""
        return self.filter(org_path__in=organization.ancestor_paths())

    def active(self):
        return self.filter(is_active=True)


class Program(ScopedModel):
    """An aid program (帮扶项目) of a union, usable by that union's subtree; its rule's numbers are data."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("program kind"), max_length=20, choices=ProgramKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    is_active = models.BooleanField(_("active"), default=True)
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="programs"
    )
    pays_money = models.BooleanField(_("pays money"), default=True)
    open_to_unfiled = models.BooleanField(
        _("open to unfiled workers"), default=False,
        help_text=_("Households without an active hardship file may apply (temporary relief always may)."),
    )  # fmt: skip
    parameters = models.JSONField(_("rule parameters"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("aid program")
        verbose_name_plural = _("aid programs")
        ordering = ["-year", "kind", "name"]

    def __str__(self):
        return f"{self.name}（{self.year}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programs:program_detail", args=[self.pk])

    @property
    def rule(self):
        from programs.rules import rule_for

        return rule_for(self)

    @property
    def needs_file(self) -> bool:
        return not (self.kind == ProgramKind.TEMPORARY or self.open_to_unfiled)

    def is_usable_by(self, organization) -> bool:
        return organization.path.startswith(self.org_path)


class Disease(models.Model):
    """A disease on a critical-illness program's list (病种)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="diseases")
    name = models.CharField(_("disease"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=DiseaseCategory.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disease")
        verbose_name_plural = _("diseases on the list")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"],
                name="disease_unique_per_program",
                violation_error_code="disease_unique_per_program",
                violation_error_message=_("This disease is already on the program's list."),
            )
        ]

    def __str__(self):
        return self.name


def _granted_sum(status: str, amount_path: str):
    from programs.models.applications import AidApplication

    sums = (
        AidApplication.objects.filter(budget=OuterRef("pk"), status=status)
        .order_by()
        .values("budget")
        .annotate(total=Sum(amount_path))
        .values("total")
    )
    return Coalesce(Subquery(sums, output_field=DecimalField(max_digits=14, decimal_places=2)), Value(ZERO))


class BudgetQuerySet(BranchQuerySet):
    def with_usage(self):
        """Committed (approved, not yet paid) and paid, derived from the applications, never typed in."""
        return self.annotate(
            committed=_granted_sum(ApplicationStatus.APPROVED, "approved_amount"),
            paid=_granted_sum(ApplicationStatus.DISBURSED, "disbursement__amount"),
        )

    def line_for(self, program: Program, organization):
        """The budget line an application of `organization` draws on: the nearest one up the tree."""
        return (
            self.filter(program=program, year=program.year, org_path__in=organization.ancestor_paths())
            .filter(org_path__startswith=program.org_path)
            .order_by(Length("org_path").desc())
            .first()
        )


class Budget(ScopedModel):
    """Money for a program, a union and a year. Sub-unions may get lines of their own."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = money_field(_("amount (yuan)"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["program", "org_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organization", "year"],
                name="budget_one_line_per_union_year",
                violation_error_code="budget_one_line_per_union_year",
                violation_error_message=_("This program already has a budget line for this union and year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_code="budget_amount_not_negative",
                violation_error_message=_("The budget amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.program.name} · {self.organization.name} · {self.year}"

    @property
    def remaining(self) -> Decimal:
        """Needs `with_usage()`."""
        return self.amount - self.committed - self.paid

    @property
    def used_share(self) -> int:
        if not self.amount:
            return 0
        return min(100, int((self.committed + self.paid) * 100 / self.amount))


class ApprovalTierQuerySet(models.QuerySet):
    def for_amount(self, kind: str, amount: Decimal):
        """The tier of a program kind's own tiers if it has any, else of the tiers for all kinds."""
        own = self.filter(program_kind=kind)
        tiers = own if own.exists() else self.filter(program_kind="")
        return (
            tiers.filter(amount_from__lt=amount)
            .filter(Q(amount_to__isnull=True) | Q(amount_to__gte=amount))
            .order_by("amount_from")
            .first()
            if amount > 0
            else tiers.order_by("amount_from").first()
        )


class ApprovalTier(models.Model):
    """Who approves how much: an amount above `amount_from` and up to `amount_to` needs a union of `union_kind`."""

    program_kind = models.CharField(
        _("program kind"), max_length=20, choices=ProgramKind.choices, blank=True,
        help_text=_("Empty: every kind without tiers of its own."),
    )  # fmt: skip
    amount_from = money_field(_("amount above (yuan)"), default=ZERO)
    amount_to = money_field(_("amount up to (yuan)"), null=True, blank=True, help_text=_("Empty: no upper limit."))
    union_kind = models.CharField(
        _("approved by"),
        max_length=16,
        choices=[(kind.value, kind.label) for kind in (OrganizationKind.COUNTY, OrganizationKind.CITY,
                                                      OrganizationKind.PROVINCIAL, OrganizationKind.NATIONAL)],
    )  # fmt: skip

    history = HistoricalRecords()
    objects = ApprovalTierQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval tier")
        verbose_name_plural = _("approval tiers")
        ordering = ["program_kind", "amount_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_to__isnull=True) | Q(amount_to__gt=models.F("amount_from")),
                name="tier_upper_above_lower",
                violation_error_code="tier_upper_above_lower",
                violation_error_message=_("The upper limit must be above the lower limit."),
            ),
        ]

    def __str__(self):
        upper = self.amount_to if self.amount_to is not None else "∞"
        return (
            f"{self.get_program_kind_display() or '*'} ({self.amount_from}, {upper}] → {self.get_union_kind_display()}"
        )


def granted_amount():
    """What a granted application weighs: the payment once paid, the approved amount until then."""
    return Case(
        When(status=ApplicationStatus.DISBURSED, then="disbursement__amount"),
        default="approved_amount",
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
