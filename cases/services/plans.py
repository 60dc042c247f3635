from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import User
from accounts.scoping import path_in_scope
from cases.choices import MeasureStatus
from cases.models import AssistancePlan, HardshipFile, PlanMeasure
from cases.services.households import ensure_caseworker_for


def _ensure_plannable(file: HardshipFile, by: User) -> None:
    ensure_caseworker_for(by, file)
    if not file.is_filed:
        raise DomainError(_("Plans belong to active files."))


@transaction.atomic
def plan_save(*, file: HardshipFile, year: int, goals: str, by: User) -> AssistancePlan:
    _ensure_plannable(file, by)
    plan, _created = AssistancePlan.objects.update_or_create(file=file, year=year, defaults={"goals": goals})
    return plan


@transaction.atomic
def measure_add(
    *, plan: AssistancePlan, by: User, measure_type: str, description: str, responsible: User, due_date: date
) -> PlanMeasure:
    _ensure_plannable(plan.file, by)
    if not path_in_scope(responsible, plan.file.org_path):
        raise DomainError(_("The responsible person must work for this union or a union above it."))
    return PlanMeasure.objects.create(
        plan=plan, measure_type=measure_type, description=description, responsible=responsible, due_date=due_date
    )


@transaction.atomic
def measure_update(*, measure: PlanMeasure, by: User, status: str, outcome: str = "") -> PlanMeasure:
    ensure_caseworker_for(by, measure.plan.file)
    if status not in MeasureStatus.values:
        raise DomainError(_("Choose a status from the list."))
    if status in (MeasureStatus.DONE, MeasureStatus.DROPPED) and not outcome.strip():
        raise DomainError(_("Say what came of the measure."))
    measure.status, measure.outcome = status, outcome
    measure.save(update_fields=["status", "outcome", "updated_at"])
    return measure
