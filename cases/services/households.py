import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import Organization, User
from accounts.permissions import may_act_as
from accounts.roles import Role
from accounts.scoping import path_in_scope
from cases.choices import Relation
from cases.errors import DuplicateIdNumber, NoLocalStandard
from cases.identity import birth_date_of, is_male, mask_id_number, normalize_id_number, normalize_phone
from cases.models import Household, IncomeAssessment, LocalStandard, Member
from cases.models.income import COST_FIELDS, INCOME_FIELDS

HOUSEHOLD_FIELDS = [
    "address",
    "region_code",
    "hukou_type",
    "household_type",
    "housing_type",
    "housing_area",
    "bank_name",
    "bank_branch",
    "bank_account",
    "can_help_itself",
    "notes",
]
FINANCE_FIELDS = INCOME_FIELDS + COST_FIELDS

logger = logging.getLogger(__name__)


def ensure_caseworker_for(user: User, obj) -> None:
    if not may_act_as(user, Role.CASEWORKER, obj):
        raise DomainError(_("Only a caseworker of this union or a union above it may do this."))


def member_fill_from_id(member: Member) -> None:
    member.id_number = normalize_id_number(member.id_number)
    member.phone = normalize_phone(member.phone)
    member.birth_date = birth_date_of(member.id_number)
    member.sex = "male" if is_male(member.id_number) else "female"


def check_id_numbers_free(*, id_numbers: list[str], user: User, household: Household | None = None) -> None:
    """An ID number may belong to one current member anywhere; say where only when the user may see it."""
    seen = set()
    for number in id_numbers:
        if number in seen:
            raise DuplicateIdNumber(_("ID number %(number)s is entered twice.") % {"number": number})
        seen.add(number)
    taken = Member.objects.active().filter(id_number__in=id_numbers).select_related("household")
    if household is not None:
        taken = taken.exclude(household=household)
    for member in taken:
        raise DuplicateIdNumber(id_number_clash(holder=member, user=user))


def id_number_unusable(number: str) -> str:
    return _("The ID number %(number)s cannot be used. If in doubt, ask your county (district) union.") % {
        "number": number
    }


def id_number_clash(*, holder: Member, user: User | None) -> str:
    """What `user` is told when a current member already holds the ID number they entered; the attempt is logged.

    In the user's scope (or from the command line, `user` None) it names the household. Outside it, it says neither
    where nor whether the person is registered: only that the number cannot be used, as for any refused number.
    """
    in_scope = user is None or path_in_scope(user, holder.household.org_path)
    logger.warning(
        "ID number already registered: entered by %s of union %s, ID %s, held in household %s (%s the user's scope)",
        getattr(user, "username", "(command line)"), getattr(getattr(user, "organization", None), "code", "-"),
        mask_id_number(holder.id_number), holder.household_id, "inside" if in_scope else "outside",
    )  # fmt: skip
    if in_scope:
        return _("ID number %(number)s is already registered in household %(code)s (%(address)s).") % {
            "number": holder.id_number, "code": holder.household.code, "address": holder.household.address,
        }  # fmt: skip
    return id_number_unusable(holder.id_number)


def check_one_head(relations: list[str]) -> None:
    heads = sum(1 for relation in relations if relation == Relation.HEAD)
    if heads != 1:
        raise DomainError(_("A household has exactly one head; this one has %(count)d.") % {"count": heads})


def check_amounts(*, fields: dict, members: list[dict]) -> None:
    """What the database would refuse with its constraint name, refused first with a message at the field."""
    if (fields.get("housing_area") or 0) < 0:
        raise DomainError(_("The housing area cannot be negative."), field="housing_area")
    if any((member.get("monthly_income") or 0) < 0 for member in members):
        raise DomainError(_("The monthly income cannot be negative."), field="monthly_income")


@transaction.atomic
def household_create(*, organization: Organization, by: User, fields: dict, members: list[dict]) -> Household:
    ensure_caseworker_for(by, organization)
    check_amounts(fields=fields, members=members)
    for member in members:
        member["id_number"] = normalize_id_number(member["id_number"])
    check_one_head([member["relation"] for member in members])
    check_id_numbers_free(id_numbers=[member["id_number"] for member in members], user=by)
    household = Household(**{name: value for name, value in fields.items() if name in HOUSEHOLD_FIELDS})
    household.set_organization(organization)
    household.save()
    for values in members:
        member_create(household=household, values=values)
    return household


def member_create(*, household: Household, values: dict) -> Member:
    member = Member(household=household, **values)
    member_fill_from_id(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        # A concurrent registration took the ID number between our check and the insert, maybe in another union.
        logger.warning("ID number taken concurrently: ID %s", mask_id_number(member.id_number))
        raise DuplicateIdNumber(id_number_unusable(member.id_number)) from error
    return member


@transaction.atomic
def household_update(*, household: Household, by: User, fields: dict) -> Household:
    ensure_caseworker_for(by, household)
    check_amounts(fields=fields, members=[])
    for name, value in fields.items():
        if name in HOUSEHOLD_FIELDS:
            setattr(household, name, value)
    household.save()
    return household


@transaction.atomic
def household_members_save(*, household: Household, by: User, members: list[dict], removed: list[Member]) -> None:
    """Save the member list of a household as edited on one page: changed, new and removed members."""
    ensure_caseworker_for(by, household)
    kept = [values for values in members if values.get("instance") not in removed]
    check_amounts(fields={}, members=kept)
    for values in kept:
        values["id_number"] = normalize_id_number(values["id_number"])
    check_one_head([values["relation"] for values in kept])
    check_id_numbers_free(id_numbers=[values["id_number"] for values in kept], user=by, household=household)
    for member in removed:
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
    # Demote a changed head first so the one-head constraint holds at every statement.
    ordered = sorted(kept, key=lambda values: values["relation"] == Relation.HEAD)
    for values in ordered:
        instance = values.pop("instance", None)
        if instance is None:
            member_create(household=household, values=values)
            continue
        for name, value in values.items():
            setattr(instance, name, value)
        member_fill_from_id(instance)
        instance.save()


@dataclass(frozen=True)
class Finances:
    """Annual figures for the 12 months before the assessment, in yuan (DOMAIN.md)."""

    wages: Decimal = Decimal(0)
    business_income: Decimal = Decimal(0)
    property_income: Decimal = Decimal(0)
    transfer_income: Decimal = Decimal(0)
    other_income: Decimal = Decimal(0)
    medical_costs: Decimal = Decimal(0)
    disability_costs: Decimal = Decimal(0)
    schooling_costs: Decimal = Decimal(0)
    housing_costs: Decimal = Decimal(0)
    other_rigid_costs: Decimal = Decimal(0)


def standard_for(household: Household, day: date) -> LocalStandard:
    standard = LocalStandard.objects.for_union(household.organization, day.year)
    if standard is None:
        raise NoLocalStandard(
            _("No local standard (minimum living line) is set for %(union)s in %(year)d; ask an administrator.")
            % {"union": household.organization.name, "year": day.year}
        )
    return standard


def imputed_wages(*, members: list[Member], standard: LocalStandard, day: date) -> Decimal:
    """Able-bodied members of working age without work count at the local minimum wage, 12 months a year."""
    able_without_work = [member for member in members if member.counts_at_minimum_wage(standard=standard, day=day)]
    return standard.minimum_wage * 12 * len(able_without_work)


@transaction.atomic
def income_assess(*, household: Household, by: User, finances: Finances, assessed_on: date | None = None):
    assessed_on = assessed_on or timezone.localdate()
    standard = standard_for(household, assessed_on)
    members = list(household.members.active())
    assessment = IncomeAssessment(
        household=household,
        assessed_on=assessed_on,
        household_size=max(len(members), 1),
        imputed_wages=imputed_wages(members=members, standard=standard, day=assessed_on),
        recorded_by=by,
        **{name: getattr(finances, name) for name in FINANCE_FIELDS},
    )
    assessment.compute(dibao_line=standard.dibao_line, relative_multiple=standard.relative_multiple)
    assessment.save()
    return assessment
