import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedModel, ScopedQuerySet
from cases.choices import (
    DisabilityGrade,
    DisabilityType,
    EducationStage,
    Health,
    HouseholdType,
    HousingType,
    HukouType,
    MaritalStatus,
    PoliticalStatus,
    Relation,
    Sex,
    WorkStatus,
)
from cases.identity import validate_id_number, validate_mobile

# No 0/O, 1/I/L: the code is read aloud and typed from a printed card (一户一码).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_household_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class HouseholdQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Household(ScopedModel):
    """A household (户) of workers in hardship, owned by a union."""

    code = models.CharField(_("household code"), max_length=16, unique=True, default=new_household_code, editable=False)
    address = models.CharField(_("home address"), max_length=200)
    region_code = models.CharField(_("hukou region code"), max_length=12, blank=True)
    hukou_type = models.CharField(_("hukou type"), max_length=20, choices=HukouType.choices)
    household_type = models.CharField(_("household type"), max_length=20, choices=HouseholdType.choices)
    housing_type = models.CharField(_("housing type"), max_length=20, choices=HousingType.choices, blank=True)
    housing_area = models.DecimalField(_("floor area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=50, blank=True)
    bank_branch = models.CharField(_("bank branch"), max_length=80, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=32, blank=True)
    can_help_itself = models.BooleanField(_("has some ability to help itself"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The latest file, kept by the file services so that lists filter households by their file in one join.
    current_file = models.ForeignKey(
        "cases.HardshipFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = HouseholdQuerySet.as_manager()
    # Free text about the family; cases.sensitive hides these from roles that do not see health data.
    health_fields = ("notes",)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(housing_area__gte=0),
                name="household_area_not_negative",
                violation_error_code="household_area_not_negative",
                violation_error_message=_("The housing area cannot be negative."),
            ),
        ]
        # The household list's order: its first page is read from the end of this index, not sorted from all rows.
        indexes = [models.Index(fields=["created_at", "id"], name="household_created")]

    def __str__(self):
        return self.address

    @property
    def display_name(self) -> str:
        """How people call a household: by its head's name (户主姓名), read from `heads` when a list prefetched it."""
        heads = getattr(self, "heads", None)
        if heads is None:
            self.heads = heads = list(self.members.filter(relation=Relation.HEAD, is_active=True)[:1])
        return heads[0].name if heads else self.address

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:household_detail", args=[self.pk])


class MemberQuerySet(ScopedQuerySet):
    scope_field = "household__org_path"

    def active(self):
        return self.filter(is_active=True)


class Member(models.Model):
    """A member of a household (家庭成员); exactly one is the head (户主)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, validators=[validate_id_number])
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    relation = models.CharField(_("relation to the head"), max_length=10, choices=Relation.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    phone = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    political_status = models.CharField(
        _("political status"), max_length=12, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True)
    work_status = models.CharField(_("work status"), max_length=16, choices=WorkStatus.choices)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    employer_union = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("employer's union"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_union_member = models.BooleanField(_("union member"), default=False)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    disability_type = models.CharField(_("disability type"), max_length=14, choices=DisabilityType.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), choices=DisabilityGrade.choices, null=True, blank=True
    )
    education_stage = models.CharField(_("education stage"), max_length=14, choices=EducationStage.choices, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    monthly_income = models.DecimalField(_("monthly income (yuan)"), max_digits=10, decimal_places=2, default=0)
    is_active = models.BooleanField(_("current member"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = MemberQuerySet.as_manager()
    health_fields = ("health", "disability_type", "disability_grade")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="head", is_active=True),
                name="member_one_head_per_household",
                violation_error_code="member_one_head_per_household",
                violation_error_message=_("A household has exactly one head."),
            ),
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(is_active=True),
                name="member_id_number_unique_while_active",
                violation_error_code="member_id_number_unique_while_active",
                violation_error_message=_("This ID number is already registered to a current member."),
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_income__gte=0),
                name="member_income_not_negative",
                violation_error_code="member_income_not_negative",
                violation_error_message=_("The monthly income cannot be negative."),
            ),
        ]
        # The household search looks members up by phone; by name it uses a trigram index on PostgreSQL
        # (migration 0006), which a model index cannot declare without django.contrib.postgres.
        indexes = [models.Index(fields=["phone"], name="member_phone")]

    def __str__(self):
        return self.name

    @property
    def is_head(self) -> bool:
        return self.relation == Relation.HEAD

    def age_on(self, day) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def counts_at_minimum_wage(self, *, standard, day) -> bool:
        """Able-bodied, of working age and without work: the income assessment counts the local minimum wage."""
        return (
            self.work_status in (WorkStatus.UNEMPLOYED, WorkStatus.LAID_OFF)
            and self.health in (Health.HEALTHY, Health.CHRONIC)
            and standard.working_age_from <= self.age_on(day) < standard.working_age_to
        )


def heads_prefetch(lookup: str = "members") -> models.Prefetch:
    """Prefetches the active head as `heads` on the households at `lookup` (e.g. "household__members"), for
    `Household.display_name` in lists: one query per list, whatever its length."""
    heads = Member.objects.filter(relation=Relation.HEAD, is_active=True)
    return models.Prefetch(lookup, queryset=heads, to_attr="heads")
