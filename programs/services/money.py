"""Where money moves: approval against the budget under a row lock, payment, and the holiday-visit batch.

Approve and disburse are idempotent: a double click or a retried request finds the work done and changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.errors import DomainError
from accounts.models import Organization, User
from accounts.roles import Role
from accounts.scoping import path_in_scope
from cases.choices import FILED_STATUSES
from cases.identity import mask_id_number
from cases.models import HardshipFile, Household
from programs.choices import WITHOUT_AID_STATUSES, ApplicationStatus, DisbursementMethod, ProgramKind
from programs.errors import BudgetExceeded, NotEligible, SeparationOfDuties, TransitionNotAllowed, WrongTier
from programs.models import (
    AidApplication,
    ApplicationBatch,
    ApplicationEvent,
    Budget,
    Disbursement,
    PaymentReversal,
    Program,
)
from programs.models.programs import granted_amount
from programs.rules import show, yuan
from programs.services.applications import (
    _event,
    _locked,
    _submitters,
    _transition,
    application_evaluate,
    approval_union_for,
    check_separation,
    deciding_union,
    ensure_may_decide,
    may_approve_amount,
    role_allows,
)

S = ApplicationStatus


@dataclass(frozen=True)
class Outcome:
    """What a money step did: `done` is False when the same step had already been taken (a retry)."""

    application: AidApplication
    done: bool


def household_lock(household_ids) -> None:
    """Yearly caps and once-a-year grants are read from the household's other applications: while one approval reads
    and writes them, another approval for the same household waits. Taken after the application, before the budget."""
    list(Household.objects.select_for_update().filter(pk__in=household_ids).order_by("pk").values_list("pk"))


def _line_or_refuse(application: AidApplication) -> Budget:
    household_union = application.household.organization
    line = Budget.objects.line_for(application.program, household_union)
    if line is None:
        raise BudgetExceeded(
            _("No budget for %(program)s covers %(union)s; ask an administrator.")
            % {"program": application.program.name, "union": household_union.name}
        )
    return line


def budget_lock(application: AidApplication) -> Budget:
    """The budget line the application draws on, locked until the transaction ends."""
    return Budget.objects.select_for_update().get(pk=_line_or_refuse(application).pk)


def budget_used(budget: Budget) -> Decimal:
    """Committed and paid together, read after the lock so every earlier approval is counted."""
    used = AidApplication.objects.filter(budget=budget).granted().aggregate(total=Sum(granted_amount()))["total"]
    return used or Decimal("0.00")


def _check_budget(budget: Budget, amount: Decimal) -> None:
    remaining = budget.amount - budget_used(budget)
    if amount > remaining:
        raise BudgetExceeded(
            _("The budget of %(union)s has %(remaining)s left; %(amount)s cannot be approved.")
            % {"union": budget.organization.name, "remaining": show(remaining), "amount": show(amount)}
        )


def _check_approvable(application: AidApplication, by: User, amount: Decimal) -> None:
    if amount < 0:
        raise DomainError(_("The amount cannot be negative."))
    ensure_may_decide(by, application)
    routed, needed = deciding_union(application), approval_union_for(application, amount)
    if needed.pk != routed.pk and needed.path.startswith(routed.path):
        raise WrongTier(
            _(
                "%(amount)s is below the tier of this application (%(union)s): to lower the amount, return the "
                "application for correction and let the caseworker resubmit it."
            )
            % {"amount": show(amount), "union": routed.name}
        )
    if not may_approve_amount(by, application, amount):
        raise WrongTier(
            _("%(amount)s is approved by %(union)s or a union above it on this branch.")
            % {"amount": show(amount), "union": needed.name}
        )
    verdict = application_evaluate(application)
    if not verdict.eligible:
        reasons = "；".join(verdict.failures)
        raise NotEligible(
            _("The rule no longer allows this application: %(reasons)s") % {"reasons": reasons}, verdict.failures
        )
    if amount > verdict.maximum:
        raise NotEligible(
            _("%(amount)s is more than the rule allows now (%(maximum)s).")
            % {"amount": show(amount), "maximum": show(verdict.maximum)},
            [],
        )


@transaction.atomic
def application_approve(
    *, application: AidApplication, by: User, amount: Decimal | None = None, comment: str = ""
) -> Outcome:
    application = _locked(application)
    if application.status in (S.APPROVED, S.DISBURSED):
        if not role_allows(by, application, {Role.APPROVER}):
            raise TransitionNotAllowed(_("Your role may not take this step on this application."))
        return Outcome(application, done=False)
    transition = _transition(application, "approve", by, comment)
    check_separation(application, by)
    household_lock([application.household_id])
    amount = yuan(amount if amount is not None else application.requested_amount)
    if not application.program.pays_money:
        amount = yuan(0)
    elif amount <= 0:
        raise DomainError(
            _("A program that pays money is approved for more than zero; reject the application instead.")
        )
    _check_approvable(application, by, amount)
    if application.program.pays_money:
        budget = budget_lock(application)
        _check_budget(budget, amount)
        application.budget = budget
    _grant(application, by, amount, transition.to, comment)
    return Outcome(application, done=True)


def _grant(application, by, amount, to_status, comment="", action="approve"):
    from_status = application.status
    application.approved_amount, application.status = amount, to_status
    application.decided_by, application.decided_at = by, timezone.now()
    application.save()
    _event(application, action, from_status, to_status, by, comment, amount)


def household_snapshot(application: AidApplication) -> dict:
    """What the ledger must show of the household as it was on the day of payment."""
    household, member = application.household, application.beneficiary
    file = application.file or household.current_file
    head = household.members.filter(relation="head", is_active=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        category = str(file.get_category_display()) if file else ""
    return {
        "household_code": household.code,
        "address": household.address,
        "head_name": head.name if head else "",
        "beneficiary_name": member.name,
        "beneficiary_id_masked": mask_id_number(member.id_number),
        "bank_name": household.bank_name,
        "bank_account": household.bank_account,
        "file_number": file.number if file else "",
        "category": category,
        "category_code": file.category if file else "",
        "union": household.organization.name,
    }


def may_record_payment(user: User, application: AidApplication) -> bool:
    """Payment is an approver's duty, separate from applying: never the person who made or submitted the
    application (for a holiday batch, the approver who generated it)."""
    return (
        user.has_role(Role.APPROVER)
        and path_in_scope(user, application.org_path)
        and user.pk not in _submitters(application)
    )


@transaction.atomic
def disbursement_record(
    *, application: AidApplication, by: User, paid_on: date, method: str, amount: Decimal | None = None,
    reference: str = "",
) -> Outcome:  # fmt: skip
    """Record the payment of an approved application; a second request finds it paid and changes nothing."""
    application = _locked(application)
    if not (by.has_role(Role.APPROVER) and path_in_scope(by, application.org_path)):
        raise TransitionNotAllowed(_("Your role may not record payments for this union."))
    if not may_record_payment(by, application):
        raise SeparationOfDuties(_("The person who made or submitted an application cannot record its payment."))
    if application.status == S.DISBURSED:
        return Outcome(application, done=False)
    if application.status != S.APPROVED or not application.program.pays_money:
        raise TransitionNotAllowed(_("Only an approved application of a program that pays money can be paid."))
    amount = yuan(amount if amount is not None else application.approved_amount)
    if not 0 < amount <= application.approved_amount:
        raise DomainError(
            _("The payment must be more than zero and at most the approved %(approved)s.")
            % {"approved": show(application.approved_amount)}
        )
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."), field="paid_on")
    approved_on = timezone.localdate(application.decided_at) if application.decided_at else None
    if approved_on and paid_on < approved_on:
        raise DomainError(
            _("The payment date cannot be before the approval on %(date)s.") % {"date": approved_on.isoformat()},
            field="paid_on",
        )
    if method not in DisbursementMethod.values:
        raise DomainError(_("Choose how it was paid."))
    disbursement = Disbursement(
        application=application, amount=amount, paid_on=paid_on, method=method, reference=reference,
        recorded_by=by, snapshot=household_snapshot(application),
    )  # fmt: skip
    disbursement.set_organization(application.organization)
    disbursement.save()
    application.status = S.DISBURSED
    application.save(update_fields=["status", "updated_at"])
    _event(application, "disburse", S.APPROVED, S.DISBURSED, by, reference, amount)
    return Outcome(application, done=True)


def may_reverse_payment(user: User, application: AidApplication) -> bool:
    """An approver in scope who did not record the payment (separation of duties), nor made or submitted it."""
    payment = getattr(application, "disbursement", None)
    return may_record_payment(user, application) and payment is not None and payment.recorded_by_id != user.pk


@transaction.atomic
def disbursement_reverse(*, application: AidApplication, by: User, reason: str, today: date | None = None) -> Outcome:
    """Reverse (冲正) a recorded payment: a reversal row and an event; the payment row is left as it was.

    The application ends as "payment reversed": its money no longer counts against the budget line, in the
    dashboard, the annual summary or the disbursement ledger. A correct payment needs a new application."""
    application = _locked(application)
    if application.status == S.REVERSED:
        return Outcome(application, done=False)
    if application.status != S.DISBURSED:
        raise TransitionNotAllowed(_("Only a recorded payment can be reversed."))
    if not may_record_payment(by, application):
        raise TransitionNotAllowed(_("Only an approver of this union, not the applicant, may reverse a payment."))
    payment = application.disbursement
    if payment.recorded_by_id == by.pk:
        raise SeparationOfDuties(_("The person who recorded a payment cannot reverse it."))
    if not reason.strip():
        raise DomainError(_("Give a reason for this step."), field="comment")
    PaymentReversal.objects.create(
        disbursement=payment, reason=reason, reversed_on=today or timezone.localdate(), reversed_by=by
    )
    application.status = S.REVERSED
    application.save(update_fields=["status", "updated_at"])
    _event(application, "reverse_payment", S.DISBURSED, S.REVERSED, by, reason, payment.amount)
    return Outcome(application, done=True)


def holiday_candidates(program: Program, organization: Organization):
    """Active files in the union's subtree with no holiday-visit application this year that still counts."""
    taken = (
        AidApplication.objects.filter(kind=ProgramKind.HOLIDAY, year=program.year)
        .exclude(status__in=WITHOUT_AID_STATUSES)
        .values("household_id")
    )
    return (
        HardshipFile.objects.filter(org_path__startswith=organization.path, status__in=FILED_STATUSES)
        .filter(org_path__startswith=program.org_path)
        .exclude(household_id__in=taken)
        .select_related("household__organization")
        .order_by("org_path", "number")
    )


def holiday_batch_lock(program: Program) -> None:
    """Two runs at once would both find the same households free, even for two programs (a county's and a city's):
    every run locks all programs of the kind and year, in one order, so that the runs take turns."""
    same_kind_and_year = Program.objects.select_for_update().filter(kind=program.kind, year=program.year)
    list(same_kind_and_year.order_by("pk").values_list("pk"))


@transaction.atomic
def holiday_batch_generate(*, program: Program, by: User) -> ApplicationBatch:
    """One submitted application per active file in the approver's scope, for the rule's fixed amount."""
    if program.kind != ProgramKind.HOLIDAY:
        raise DomainError(_("Batches are for holiday-visit programs."))
    if not by.has_role(Role.APPROVER) or not program.is_active:
        raise TransitionNotAllowed(_("Only an approver may generate a holiday-visit batch of an open program."))
    organization = by.organization
    if not (organization.path.startswith(program.org_path) or program.org_path.startswith(organization.path)):
        raise TransitionNotAllowed(_("This program belongs to another union's area."))
    holiday_batch_lock(program)
    program = Program.objects.get(pk=program.pk)
    files = list(holiday_candidates(program, organization))
    if not files:
        raise DomainError(_("Every active file in your area already has a holiday visit this year."))
    amount = yuan(program.parameters.get("amount", 0))
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Holiday visit (送温暖) %(year)d") % {"year": program.year}
    batch = ApplicationBatch(program=program, created_by=by)
    batch.set_organization(organization)
    batch.save()
    now = timezone.now()
    heads = {member.household_id: member for member in _heads([file.household_id for file in files])}
    applications = []
    for file in (file for file in files if file.household_id in heads):
        application = AidApplication(
            program=program, kind=program.kind, household=file.household, beneficiary=heads[file.household_id],
            file=file, batch=batch, year=program.year, reason=reason,
            requested_amount=amount, suggested_amount=amount, maximum_amount=amount, eligible=True,
            status=S.SUBMITTED, created_by=by, submitted_by=by, submitted_at=now,
        )  # fmt: skip
        application.set_organization(file.household.organization)
        applications.append(application)
    for application in applications:
        application.approval_organization = approval_union_for(application, amount)
    try:
        with transaction.atomic():
            bulk_create_with_history(applications, AidApplication, default_user=by)
    except IntegrityError as error:  # one holiday visit a household a year, held by the database as well
        message = _("Some of these households already have a holiday visit this year; generate again.")
        raise DomainError(message) from error
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=application, action="batch", to_status=S.SUBMITTED, by=by, amount=amount)
        for application in applications
    )
    return batch


def _heads(household_ids):
    from cases.models import Member

    return Member.objects.filter(household_id__in=household_ids, relation="head", is_active=True)


@transaction.atomic
def holiday_batch_approve(*, batch: ApplicationBatch, by: User) -> int:
    """Approve every waiting application of the batch, or none: the total must fit each budget line it draws on."""
    batch = ApplicationBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.approved_at is not None:
        return 0
    waiting = list(
        AidApplication.objects.select_for_update(of=("self",))
        .filter(batch=batch, status=S.SUBMITTED)
        .select_related("program", "household__organization", "beneficiary", "file")
        .order_by("pk")
    )
    if not waiting:
        raise DomainError(_("Nothing in this batch is waiting for approval."))
    household_lock({application.household_id for application in waiting})
    line_of_union: dict[int, Budget] = {}
    totals: dict[int, Decimal] = {}
    for application in waiting:
        _transition(application, "approve", by, "")
        _check_approvable(application, by, application.requested_amount)
        union = application.household.organization
        if union.pk not in line_of_union:
            line_of_union[union.pk] = _line_or_refuse(application)
        application.budget = line_of_union[union.pk]
        totals[application.budget_id] = (
            totals.get(application.budget_id, Decimal("0.00")) + application.requested_amount
        )
    # Lines are locked in one order (by key) so that two batches sharing lines cannot deadlock.
    lines = Budget.objects.select_for_update(of=("self",)).filter(pk__in=totals).order_by("pk")
    for budget in lines.select_related("organization"):
        _check_budget(budget, totals[budget.pk])
    for application in waiting:
        _grant(application, by, application.requested_amount, S.APPROVED, action="approve_batch")
    batch.approved_by, batch.approved_at = by, timezone.now()
    batch.save(update_fields=["approved_by", "approved_at"])
    return len(waiting)
