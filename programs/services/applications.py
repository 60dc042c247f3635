"""The aid application workflow as a transition table: (status, action) -> (new status, roles)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import AlreadyDone, DomainError
from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role
from accounts.scoping import path_in_scope
from cases.choices import FILED_STATUSES
from cases.models import Household, Member, PlanMeasure
from cases.services.visits import check_attachment
from programs.choices import ApplicationStatus
from programs.errors import NotEligible, SeparationOfDuties, TransitionNotAllowed, WrongTier
from programs.models import AidApplication, ApplicationAttachment, ApplicationEvent, ApprovalTier, Program
from programs.rules import Verdict, show

S = ApplicationStatus
CASEWORKER, APPROVER = Role.CASEWORKER, Role.APPROVER
FIGURE_FIELDS = [
    "disease",
    "diagnosis",
    "out_of_pocket_cost",
    "covered_cost",
    "hardship_costs",
    "education_stage",
    "school",
]


@dataclass(frozen=True)
class Transition:
    to: str
    roles: frozenset[Role]
    label: str
    needs_comment: bool = False
    danger: bool = False


def _t(to, roles, label, **options):
    return Transition(to, frozenset(roles), label, **options)


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, "submit"): _t(S.SUBMITTED, {CASEWORKER}, gettext_lazy("Submit for approval")),
    (S.RETURNED, "resubmit"): _t(S.SUBMITTED, {CASEWORKER}, gettext_lazy("Resubmit")),
    (S.SUBMITTED, "return"): _t(S.RETURNED, {APPROVER}, gettext_lazy("Return for correction"), needs_comment=True),
    (S.SUBMITTED, "approve"): _t(S.APPROVED, {APPROVER}, gettext_lazy("Approve")),
    (S.SUBMITTED, "reject"): _t(
        S.REJECTED, {APPROVER}, gettext_lazy("Reject the application"), needs_comment=True, danger=True
    ),
    (S.APPROVED, "cancel"): _t(
        S.CANCELLED, {APPROVER}, gettext_lazy("Cancel the approval"), needs_comment=True, danger=True
    ),
    # Taken by programs.services.money.disbursement_reverse: not the approver who recorded the payment.
    (S.DISBURSED, "reverse_payment"): _t(
        S.REVERSED, {APPROVER}, gettext_lazy("Reverse the payment"), needs_comment=True, danger=True
    ),
}


def role_allows(user: User, application: AidApplication, roles) -> bool:
    return any(user.has_role(role) for role in roles) and path_in_scope(user, application.org_path)


def ensure_caseworker_for(user: User, obj) -> None:
    if not (user.has_role(CASEWORKER) and path_in_scope(user, obj.org_path)):
        raise TransitionNotAllowed(_("Only a caseworker of this union or a union above it may do this."))


def approval_union_for(application: AidApplication, amount: Decimal) -> Organization:
    """The union that approves `amount`: the nearest one on the household's branch at the tier the amount needs."""
    tier = ApprovalTier.objects.for_amount(application.program.kind, amount)
    if tier is None:
        raise WrongTier(
            _("No approval tier covers %(amount)s; ask an administrator to set the tiers.") % {"amount": show(amount)}
        )
    needed = OrganizationKind(tier.union_kind).rank
    branch = [
        union for union in application.household.organization.ancestors() if OrganizationKind(union.kind).rank <= needed
    ]
    if not branch:
        raise WrongTier(_("No union on this household's branch may approve %(amount)s.") % {"amount": show(amount)})
    return branch[-1]


def may_approve_amount(user: User, application: AidApplication, amount: Decimal) -> bool:
    """The approver's union is the tier's union on the household's branch, or a union above it."""
    union = approval_union_for(application, amount)
    return user.has_role(APPROVER) and union.path.startswith(user.organization.path)


def deciding_union(application: AidApplication) -> Organization:
    """The union the application was routed to at submission, for the amount asked."""
    if application.approval_organization is not None:
        return application.approval_organization
    return approval_union_for(application, application.amount_for_tier)


def may_decide(user: User, application: AidApplication) -> bool:
    """The approver's union is the application's approval union or a union above it on its branch, whatever amount
    the approver grants: a lower amount does not bring the decision down a tier."""
    try:
        union = deciding_union(application)
    except WrongTier:
        return False
    return user.has_role(APPROVER) and union.path.startswith(user.organization.path)


def ensure_may_decide(user: User, application: AidApplication) -> None:
    if not may_decide(user, application):
        raise WrongTier(
            _(
                "This application is decided by %(union)s or a union above it on this branch, whatever amount is "
                "granted."
            )
            % {"union": deciding_union(application).name}
        )


def available_actions(application: AidApplication, user: User) -> list[tuple[str, Transition]]:
    actions = []
    for (status, action), transition in TRANSITIONS.items():
        if status != application.status or not role_allows(user, application, transition.roles):
            continue
        if action == "approve" and user.pk in _submitters(application):
            continue
        if action == "reverse_payment" and not _may_reverse(user, application):
            continue
        if APPROVER in transition.roles and not may_decide(user, application):
            continue
        actions.append((action, transition))
    return actions


def _may_reverse(user: User, application: AidApplication) -> bool:
    from programs.services.money import may_reverse_payment  # money builds on this module

    return may_reverse_payment(user, application)


def _submitters(application: AidApplication) -> set[int]:
    """Whoever made or ever sent the application. A holiday batch (fixed amounts) is approved as a whole by
    holiday_batch_approve, whose approver may be the one who generated it."""
    earlier = application.events.filter(action__in=["submit", "resubmit"]).values_list("by_id", flat=True)
    return {application.created_by_id, application.submitted_by_id, *earlier} - {None}


def application_evaluate(application: AidApplication) -> Verdict:
    return application.program.rule.evaluate(application)


def _store_verdict(application: AidApplication) -> None:
    # The reasons are part of the record, written in the file's language whatever the user's screen shows.
    with translation.override(settings.LANGUAGE_CODE):
        verdict = application_evaluate(application)
    application.eligible = verdict.eligible
    application.reasons = [[passed, text] for passed, text in verdict.reasons]
    application.suggested_amount = verdict.suggested
    application.maximum_amount = verdict.maximum


def _check_fields(*, program: Program, household: Household, beneficiary: Member, measure: PlanMeasure | None):
    if not program.is_active:
        raise DomainError(_("This program is closed."))
    if not program.is_usable_by(household.organization):
        raise DomainError(_("This program belongs to another union's area."))
    if beneficiary.household_id != household.pk or not beneficiary.is_active:
        raise DomainError(_("The beneficiary must be a current member of this household."))
    file = household.current_file
    if program.needs_file and (file is None or file.status not in FILED_STATUSES):
        raise DomainError(_("This program is for households with an active hardship file (先建档、后帮扶)."))
    if measure is not None and (file is None or measure.plan.file_id != file.pk):
        raise DomainError(_("The plan measure belongs to another file."))


@transaction.atomic
def application_create(
    *,
    program: Program,
    household: Household,
    beneficiary: Member,
    by: User,
    reason: str,
    requested_amount: Decimal | None = None,
    measure: PlanMeasure | None = None,
    attachments: list[UploadedFile] = (),
    **figures,
) -> AidApplication:
    """A draft application; the rule runs now for the record and again at submission."""
    ensure_caseworker_for(by, household)
    _check_fields(program=program, household=household, beneficiary=beneficiary, measure=measure)
    file = household.current_file
    application = AidApplication(program=program, kind=program.kind, household=household, beneficiary=beneficiary)
    application.set_organization(household.organization)
    application.file = file if file is not None and file.status in FILED_STATUSES else None
    application.measure, application.year, application.reason = measure, program.year, reason
    application.requested_amount, application.created_by = requested_amount, by
    for name in FIGURE_FIELDS:
        setattr(application, name, figures.get(name) or (None if name == "disease" else _blank(name)))
    _store_verdict(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # the database holds one holiday visit a household a year
        raise DomainError(_("This household already has a holiday visit this year.")) from error
    _attach(application, attachments, by)
    _event(application, "create", "", S.DRAFT, by)
    return application


def _blank(name: str):
    return "" if name in ("diagnosis", "education_stage", "school") else None


@transaction.atomic
def application_update(
    *, application: AidApplication, by: User, reason: str, requested_amount: Decimal | None = None,
    measure: PlanMeasure | None = None, beneficiary: Member | None = None, attachments: list[UploadedFile] = (),
    **figures,
) -> AidApplication:  # fmt: skip
    application = _locked(application)
    ensure_caseworker_for(by, application)
    if not application.is_editable:
        raise TransitionNotAllowed(_("Only a draft or a returned application can be changed."))
    beneficiary = beneficiary or application.beneficiary
    _check_fields(
        program=application.program, household=application.household, beneficiary=beneficiary, measure=measure
    )
    application.beneficiary, application.reason, application.measure = beneficiary, reason, measure
    application.requested_amount = requested_amount
    for name in FIGURE_FIELDS:
        setattr(application, name, figures.get(name) or (None if name == "disease" else _blank(name)))
    _store_verdict(application)
    application.save()
    _attach(application, attachments, by)
    return application


def _attach(application: AidApplication, uploads, by: User) -> None:
    for upload in uploads:
        content_type = check_attachment(upload)
        ApplicationAttachment.objects.create(
            application=application, file=upload, original_name=upload.name[:200], content_type=content_type,
            size=upload.size, uploaded_by=by,
        )  # fmt: skip


def _locked(application: AidApplication) -> AidApplication:
    return (
        AidApplication.objects.select_for_update(of=("self",))
        .select_related("program", "household__organization", "beneficiary", "file")
        .get(pk=application.pk)
    )


def _event(application, action, from_status, to_status, by, comment="", amount=None) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, action=action, from_status=from_status, to_status=to_status, by=by,
        comment=comment, amount=amount,
    )  # fmt: skip


def _same_step(action: str | None) -> str | None:
    return "submit" if action == "resubmit" else action


def step_of(action: str) -> Transition | None:
    """The step an action names, whatever the application's status (its label and roles are the same)."""
    return next((t for (_s, a), t in TRANSITIONS.items() if a == action), None)


def step_already_taken(application: AidApplication, action: str) -> bool:
    """The application's last step is this one (submit and resubmit count as one): a repeated request finds it done."""
    if action == "approve" and application.status in (S.APPROVED, S.DISBURSED):
        return True
    last = application.events.order_by("-id").values_list("action", flat=True).first()
    return _same_step(last) == _same_step(action)


def _transition(application: AidApplication, action: str, by: User, comment: str) -> Transition:
    transition, step = TRANSITIONS.get((application.status, action)), step_of(action)
    if transition is None and step is not None and step_already_taken(application, action):
        if not role_allows(by, application, step.roles):
            raise TransitionNotAllowed(_("Your role may not take this step on this application."))
        raise AlreadyDone()
    if transition is None:
        label = step.label if step else action
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the application is “%(status)s”.")
            % {"action": label, "status": application.get_status_display()}
        )
    if not role_allows(by, application, transition.roles):
        raise TransitionNotAllowed(_("Your role may not take this step on this application."))
    if transition.needs_comment and not comment.strip():
        raise DomainError(_("Give a reason for this step."))
    return transition


@transaction.atomic
def application_submit(*, application: AidApplication, by: User, comment: str = "") -> AidApplication:
    """Submit (or resubmit) for approval: the rule runs, and an ineligible application stays where it is."""
    application = _locked(application)
    action = "resubmit" if application.status == S.RETURNED else "submit"
    transition = _transition(application, action, by, comment)
    _store_verdict(application)
    if not application.eligible:
        failures = [text for passed, text in application.reasons if not passed]
        raise NotEligible(_("The rule does not allow this application: %(reasons)s") % {"reasons": "；".join(failures)},
                          failures)  # fmt: skip
    if application.requested_amount is None:
        application.requested_amount = application.suggested_amount
    if application.requested_amount < 0:
        raise DomainError(_("The amount cannot be negative."))
    if application.requested_amount > application.maximum_amount:
        raise NotEligible(
            _("%(asked)s is more than the rule allows (%(maximum)s).")
            % {"asked": show(application.requested_amount), "maximum": show(application.maximum_amount)},
            [],
        )
    application.approval_organization = approval_union_for(application, application.amount_for_tier)
    from_status = application.status
    application.status, application.submitted_by, application.submitted_at = transition.to, by, timezone.now()
    application.save()
    _event(application, action, from_status, transition.to, by, comment, application.requested_amount)
    return application


@transaction.atomic
def application_decide(*, application: AidApplication, action: str, by: User, comment: str = "") -> AidApplication:
    """Return, reject or cancel. Cancelling an approval releases its money: budgets are derived from statuses."""
    if action not in ("return", "reject", "cancel"):
        raise TransitionNotAllowed(_("Unknown step."))
    application = _locked(application)
    transition = _transition(application, action, by, comment)
    if APPROVER in transition.roles:
        ensure_may_decide(by, application)
    from_status = application.status
    application.status = transition.to
    if action != "cancel":
        application.decided_by, application.decided_at = by, timezone.now()
    application.save()
    _event(application, action, from_status, transition.to, by, comment)
    return application


def check_separation(application: AidApplication, by: User) -> None:
    if by.pk in _submitters(application):
        raise SeparationOfDuties(_("The person who submitted an application cannot approve it."))
