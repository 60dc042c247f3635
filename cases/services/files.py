"""The file lifecycle of DOMAIN.md as a transition table: (status, action) -> (new status, roles)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import AlreadyDone, DomainError
from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role
from accounts.scoping import path_in_scope
from cases.choices import CancelReason, Category, Cause, ExitKind, FileStatus, FilingLevel, ImpliedCategory, Origin
from cases.errors import SeparationOfDuties, TransitionNotAllowed
from cases.models import FileEvent, HardshipFile, Household
from cases.services.households import Finances, ensure_caseworker_for, income_assess, standard_for
from cases.workdays import add_months, nth_working_day

S = FileStatus
CASEWORKER, APPROVER = Role.CASEWORKER, Role.APPROVER


@dataclass(frozen=True)
class Transition:
    to: FileStatus | None  # None: decided by the file (exit or relief)
    roles: frozenset[Role]
    label: str
    needs_comment: bool = False
    danger: bool = False


def _t(to, roles, label, **options):
    return Transition(to, frozenset(roles), label, **options)


REVIEW_STEPS = [S.APPLIED, S.FIRST_REVIEWED, S.HOME_CHECKED, S.NOTICE]
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.APPLIED, "first_review"): _t(S.FIRST_REVIEWED, {CASEWORKER, APPROVER}, gettext_lazy("Pass first review")),
    (S.FIRST_REVIEWED, "home_check"): _t(S.HOME_CHECKED, {CASEWORKER, APPROVER}, gettext_lazy("Record home check")),
    (S.HOME_CHECKED, "start_notice"): _t(S.NOTICE, {CASEWORKER, APPROVER}, gettext_lazy("Start public notice")),
    (S.NOTICE, "approve"): _t(S.ACTIVE, {APPROVER}, gettext_lazy("Approve filing")),
    **{
        (step, "reject"): _t(
            S.REJECTED, {CASEWORKER, APPROVER}, gettext_lazy("Reject"), needs_comment=True, danger=True
        )
        for step in REVIEW_STEPS
    },
    **{
        (step, "return"): _t(
            S.APPLIED, {CASEWORKER, APPROVER}, gettext_lazy("Return for correction"), needs_comment=True
        )
        for step in REVIEW_STEPS[1:]
    },
    (S.ACTIVE, "propose_exit"): _t(S.EXIT_PROPOSED, {CASEWORKER}, gettext_lazy("Propose exit"), needs_comment=True),
    (S.ACTIVE, "propose_relief"): _t(S.EXIT_PROPOSED, {CASEWORKER}, gettext_lazy("Propose relief"), needs_comment=True),
    (S.EXIT_PROPOSED, "start_exit_notice"): _t(
        S.EXIT_NOTICE, {CASEWORKER, APPROVER}, gettext_lazy("Start exit public notice")
    ),
    (S.EXIT_NOTICE, "approve_exit"): _t(None, {APPROVER}, gettext_lazy("Approve exit")),
    (S.EXIT_PROPOSED, "withdraw_exit"): _t(S.ACTIVE, {CASEWORKER, APPROVER}, gettext_lazy("Withdraw exit proposal")),
    (S.EXIT_NOTICE, "withdraw_exit"): _t(S.ACTIVE, {CASEWORKER, APPROVER}, gettext_lazy("Withdraw exit proposal")),
    (S.ACTIVE, "cancel"): _t(S.CANCELLED, {APPROVER}, gettext_lazy("Cancel file"), needs_comment=True, danger=True),
}
APPROVALS = {"approve", "approve_exit"}


def union_may_approve(organization: Organization) -> bool:
    """Approvals belong to a county union or above."""
    return OrganizationKind(organization.kind).rank <= OrganizationKind.COUNTY.rank


def approver_tier_ok(user: User, file: HardshipFile) -> bool:
    """A county union or above, on the household's own branch."""
    return union_may_approve(user.organization) and path_in_scope(user, file.org_path)


def role_allows(user: User, file: HardshipFile, transition: Transition) -> bool:
    return any(user.has_role(role) for role in transition.roles) and path_in_scope(user, file.org_path)


def available_actions(file: HardshipFile, user: User) -> list[tuple[str, Transition]]:
    """The actions this user may take on this file now (dates are checked when the action is taken)."""
    actions = []
    for (status, action), transition in TRANSITIONS.items():
        if status != file.status or not role_allows(user, file, transition):
            continue
        if action in APPROVALS and (not approver_tier_ok(user, file) or user.pk in _applicants(file, action)):
            continue
        actions.append((action, transition))
    return actions


def _applicants(file: HardshipFile, action: str) -> set[int]:
    return {file.applied_by_id} if action == "approve" else {file.exit_proposed_by_id}


def step_of(action: str) -> Transition | None:
    """The step an action names, whatever the file's status (its label and options are the same)."""
    return next((transition for (_s, a), transition in TRANSITIONS.items() if a == action), None)


def step_already_taken(file: HardshipFile, action: str) -> bool:
    """The file's last step is this one: a repeated request (a double click, a retry) finds it done."""
    return file.events.order_by("-id").values_list("action", flat=True).first() == action


def notice_dates(file: HardshipFile, start: date | None, end: date | None, *, action: str, today: date) -> tuple:
    """The notice's first and last day: it starts on or after the home check and no earlier than the day it is
    recorded less the local grace days; it lasts the local number of working days, which gives its end when none
    is given."""
    if not start:
        raise DomainError(_("Give the first day of the public notice."), field="notice_start")
    standard = standard_for(file.household, start)
    if action == "start_notice" and file.home_checked_on and start < file.home_checked_on:
        raise DomainError(
            _("A public notice starts on or after the home check (%(date)s).")
            % {"date": file.home_checked_on.isoformat()},
            field="notice_start",
        )
    earliest_start = today - timedelta(days=standard.notice_grace_days)
    if start < earliest_start:
        raise DomainError(
            _("A public notice recorded today cannot start before %(date)s (%(days)d days back at most).")
            % {"date": earliest_start.isoformat(), "days": standard.notice_grace_days},
            field="notice_start",
        )
    days = standard.notice_working_days
    earliest_end = nth_working_day(start, days)
    end = end or earliest_end
    if end < earliest_end:
        raise DomainError(
            _("A public notice lasts at least %(days)d working days: from %(start)s it cannot end before %(end)s.")
            % {"days": days, "start": start.isoformat(), "end": earliest_end.isoformat()},
            field="notice_end",
        )
    return start, end


def _check_notice_over(file: HardshipFile, today: date) -> None:
    if file.notice_end is None or today <= file.notice_end:
        end = file.notice_end.isoformat() if file.notice_end else "?"
        raise DomainError(_("The public notice runs until %(end)s; approve after it ends.") % {"end": end})


@transaction.atomic
def file_transition(
    *,
    file: HardshipFile,
    action: str,
    by: User,
    comment: str = "",
    notice_start: date | None = None,
    notice_end: date | None = None,
    authorization_signed: bool = False,
    cancel_reason: str = "",
    today: date | None = None,
) -> HardshipFile:
    today = today or timezone.localdate()
    file = HardshipFile.objects.select_for_update().select_related("household__organization").get(pk=file.pk)
    transition, step = TRANSITIONS.get((file.status, action)), step_of(action)
    if transition is None and step is not None and step_already_taken(file, action):
        if not role_allows(by, file, step):
            raise TransitionNotAllowed(_("Your role may not take this step on this file."))
        raise AlreadyDone()
    if transition is None:
        label = step.label if step else action
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the file is “%(status)s”.")
            % {"action": label, "status": file.get_status_display()}
        )
    if not role_allows(by, file, transition):
        raise TransitionNotAllowed(_("Your role may not take this step on this file."))
    if transition.needs_comment and not comment.strip():
        raise DomainError(_("Give a reason for this step."))

    from_status = file.status
    to_status = transition.to
    if action == "home_check":
        if not authorization_signed:
            raise DomainError(_("The applicant must sign the authorization to check family finances first."))
        file.authorization_signed = True
        file.home_checked_on = today
    elif action in {"start_notice", "start_exit_notice"}:
        file.notice_start, file.notice_end = notice_dates(file, notice_start, notice_end, action=action, today=today)
    elif action in APPROVALS:
        if not approver_tier_ok(by, file):
            raise TransitionNotAllowed(_("Only an approver of a county union or above on this branch may approve."))
        if by.pk in _applicants(file, action):
            raise SeparationOfDuties(_("The person who applied or proposed cannot approve it."))
        _check_notice_over(file, today)
        if action == "approve":
            file.activated_on = today
            interval = standard_for(file.household, today).visit_interval_months
            file.next_visit_due = file.next_visit_due or add_months(today, interval)
        else:
            to_status = S.EXITED if file.exit_kind == ExitKind.EXITED else S.RELIEVED
            file.closed_on = today
            file.follow_up_until = add_months(today, standard_for(file.household, today).follow_up_months)
    elif action in {"propose_exit", "propose_relief"}:
        file.exit_kind = ExitKind.EXITED if action == "propose_exit" else ExitKind.RELIEVED
        file.exit_proposed_by = by
    elif action == "withdraw_exit":
        file.exit_kind, file.exit_proposed_by, file.notice_start, file.notice_end = "", None, None, None
    elif action == "cancel":
        if cancel_reason not in CancelReason.values:
            raise DomainError(_("Choose why the file is cancelled."))
        file.cancel_reason = cancel_reason
        file.closed_on = today
    elif action == "reject":
        file.closed_on = today
    elif action == "return":
        file.notice_start = file.notice_end = None

    FileEvent.objects.create(
        file=file, action=action, from_status=from_status, to_status=to_status, by=by, comment=comment
    )
    file.status = to_status
    file.save()
    return file


def suggested_category(implied: str) -> str | None:
    return {ImpliedCategory.DEEP: Category.DEEP, ImpliedCategory.RELATIVE: Category.RELATIVE}.get(implied)


def _next_number(organization: Organization, year: int) -> str:
    # Serialize numbering per union: the union row is the lock.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    prefix = f"{organization.code}-{year}-"
    # Files are never deleted, so the count is the last sequence number (a string maximum breaks past 9999).
    return f"{prefix}{HardshipFile.objects.filter(number__startswith=prefix).count() + 1:04d}"


@transaction.atomic
def file_apply(
    *,
    household: Household,
    by: User,
    finances: Finances,
    level: str,
    primary_cause: int,
    secondary_causes: list[int],
    contact_person: User,
    category: str = "",
    category_reason: str = "",
    origin: str = Origin.NEW,
    previous_file: HardshipFile | None = None,
    today: date | None = None,
) -> HardshipFile:
    """Apply for a file (申请建档): records the finances, suggests the category, writes the first event."""
    today = today or timezone.localdate()
    ensure_caseworker_for(by, household)
    if HardshipFile.objects.open().filter(household=household).exists():
        raise DomainError(_("This household already has a file in progress or active."))
    if level not in FilingLevel.values:
        raise DomainError(_("Choose a filing level."))
    causes = [int(cause) for cause in secondary_causes]
    if int(primary_cause) not in Cause.values or any(cause not in Cause.values for cause in causes):
        raise DomainError(_("Choose causes from the list."))
    if len(causes) > 3 or len(set(causes)) != len(causes) or int(primary_cause) in causes:
        raise DomainError(_("Up to three secondary causes, different from the primary cause and from each other."))
    if not path_in_scope(contact_person, household.org_path):
        raise DomainError(_("The contact person must work for this union or a union above it."))

    assessment = income_assess(household=household, by=by, finances=finances, assessed_on=today)
    if category == Category.ACCIDENT:
        if not category_reason.strip():
            raise DomainError(_("Say what happened: accident hardship needs a reason."))
    else:
        category = suggested_category(assessment.implied_category)
        if category is None:
            raise DomainError(
                _(
                    "Per-capita income %(income)s is above the relative hardship line; "
                    "such a household can only be filed as accident hardship, with a reason."
                )
                % {"income": assessment.per_capita_monthly}
            )
    file = HardshipFile(
        household=household,
        number=_next_number(household.organization, today.year),
        level=level,
        category=category,
        category_reason=category_reason,
        primary_cause=int(primary_cause),
        secondary_causes=causes,
        origin=origin,
        opened_year=today.year,
        contact_person=contact_person,
        applied_by=by,
        previous_file=previous_file,
    )
    file.set_organization(household.organization)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as error:
        raise DomainError(_("This household already has a file in progress or active.")) from error
    FileEvent.objects.create(file=file, action="apply", from_status="", to_status=S.APPLIED, by=by)
    Household.objects.filter(pk=household.pk).update(current_file=file)
    household.current_file = file
    return file


@transaction.atomic
def file_refile_returned(*, previous_file: HardshipFile, by: User, **details) -> HardshipFile:
    """Re-file a household that fell back into hardship after exit (返困)."""
    if previous_file.status not in (S.EXITED, S.RELIEVED):
        raise DomainError(_("Only a household that exited or was relieved can be re-filed as returned."))
    return file_apply(
        household=previous_file.household, by=by, origin=Origin.RETURNED, previous_file=previous_file, **details
    )
