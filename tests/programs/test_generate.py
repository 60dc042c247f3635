from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import Role
from cases.choices import FILED_STATUSES
from cases.generate import generate as generate_cases
from cases.models import HardshipFile, Member
from programs.choices import GRANTED_STATUSES, ApplicationStatus, ProgramKind
from programs.generate import generate as generate_programs
from programs.models import AidApplication, ApplicationBatch, ApplicationEvent, Budget, Disbursement, Program
from programs.services.applications import application_evaluate, approval_union_for
from programs.services.money import household_snapshot

S = ApplicationStatus
DECIDED = {S.APPROVED, S.DISBURSED, S.REJECTED, S.RETURNED, S.CANCELLED}
SERVICES = {ProgramKind.EMPLOYMENT, ProgramKind.LEGAL}


def _generate(households: int, seed: int):
    made = generate_cases(households=households, seed=seed, cities=1, counties=2, streets=2)
    generate_programs(province=made.province, household_ids=made.household_ids, seed=seed)
    connection.check_constraints()  # the foreign keys are deferred: check them before the test's rollback
    return made


@pytest.fixture
def generated(db):
    return _generate(80, 11)


def _applications():
    return list(
        AidApplication.objects.select_related(
            "program", "household__organization", "household__current_file", "beneficiary", "file", "created_by",
            "decided_by", "batch",
        ).order_by("pk")
    )  # fmt: skip


def test_about_four_applications_a_household_of_every_kind_mostly_paid(generated):
    applications = _applications()
    assert 3.2 <= len(applications) / 80 <= 4.8
    assert {application.program.kind for application in applications} == set(ProgramKind.values)
    assert {application.year for application in applications} == set(
        range(timezone.localdate().year - 2, timezone.localdate().year + 1)
    )
    statuses = Counter(application.status for application in applications)
    assert statuses.most_common(1)[0][0] == S.DISBURSED
    assert {S.APPROVED, S.REJECTED, S.SUBMITTED} <= set(statuses)
    assert len(statuses) >= 5
    # One program of every kind for each of the three years; only this year's are open.
    programs = Program.objects.filter(org_path=generated.province.path)
    assert programs.count() == len(ProgramKind) * 3
    assert {p.year for p in programs.filter(is_active=True)} == {timezone.localdate().year}


def test_a_payment_for_exactly_each_paid_application_with_its_snapshot(generated):
    applications = _applications()
    paid = {application.pk: application for application in applications if application.status == S.DISBURSED}
    payments = list(Disbursement.objects.select_related("application"))
    assert paid and {payment.application_id for payment in payments} == set(paid)
    with translation.override("en"):  # the snapshot is frozen in the file language whatever the screen's
        for payment in payments:
            application = paid[payment.application_id]
            assert payment.amount == application.approved_amount > 0
            assert application.decided_at.date() <= payment.paid_on <= timezone.localdate()
            assert payment.org_path == application.org_path
            assert payment.snapshot == household_snapshot(application)
            assert payment.snapshot["beneficiary_id_masked"].count("*") == 10
    for application in applications:
        if application.program.kind in SERVICES:
            assert application.status != S.DISBURSED
            assert application.approved_amount in (None, 0) and application.budget_id is None


def test_no_budget_line_is_over_committed_and_each_grant_is_on_its_line(generated):
    lines = list(Budget.objects.with_usage())
    assert lines and any(line.paid for line in lines)
    for line in lines:
        assert line.committed + line.paid <= line.amount
    for application in _applications():
        granted_money = application.status in GRANTED_STATUSES and application.program.pays_money
        if granted_money:
            assert application.budget == Budget.objects.line_for(
                application.program, application.household.organization
            )
        elif application.status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED):
            assert application.budget_id is None


def test_statuses_people_and_events_are_consistent(generated):
    now = timezone.now()
    roles = {user.pk: user for user in User.objects.all()}  # has_role caches the roles per user object
    tiers = {}
    applications = _applications()
    events = defaultdict(list)
    for event in ApplicationEvent.objects.order_by("at", "id"):
        events[event.application_id].append(event)
    for application in applications:
        status, batch = application.status, application.batch
        creator = roles[application.created_by_id]
        if batch is not None:  # a holiday batch: made and approved by the county's approver
            assert application.program.kind == ProgramKind.HOLIDAY
            assert creator.has_role(Role.APPROVER) and batch.approved_by_id == application.decided_by_id
            assert batch.program_id == application.program_id and application.org_path.startswith(batch.org_path)
        else:
            assert creator.has_role(Role.CASEWORKER)
            assert application.decided_by_id != application.created_by_id
        assert application.household.org_path.startswith(creator.organization.path)
        if status == S.DRAFT:
            assert application.submitted_at is None and application.approval_organization_id is None
        else:
            assert application.created_at <= application.submitted_at <= now
            key = (application.program.kind, application.amount_for_tier, application.household.organization_id)
            if key not in tiers:
                tiers[key] = approval_union_for(application, application.amount_for_tier).pk
            assert application.approval_organization_id == tiers[key]
        if status in DECIDED:
            assert roles[application.decided_by_id].has_role(Role.APPROVER)
            assert application.submitted_at <= application.decided_at <= now
        else:
            assert application.decided_by_id is None and application.decided_at is None
        if status in (S.APPROVED, S.DISBURSED, S.CANCELLED):
            assert application.approved_amount is not None
            if application.program.pays_money:
                assert 0 < application.approved_amount <= application.requested_amount <= application.maximum_amount
        steps = events[application.pk]
        actions = [event.action for event in steps]
        assert actions[0] == ("batch" if batch else "create")
        assert steps[-1].to_status == status
        assert all(a.at <= b.at for a, b in zip(steps, steps[1:], strict=False))
        if status != S.DRAFT:
            assert {"submit", "batch"} & set(actions)
        expected = {S.APPROVED: "approve", S.DISBURSED: "disburse", S.REJECTED: "reject", S.RETURNED: "return",
                    S.CANCELLED: "cancel"}.get(status)  # fmt: skip
        if expected:
            assert any(action.startswith(expected) for action in actions)


def test_amounts_and_reasons_are_what_the_rules_say(generated):
    """Every application the rule can still judge as it was (its file still filed, or none): the generated figures
    are eligible, the amount within the rule's maximum, and (where the rule does not depend on other applications of
    the year) the recorded reasons are the rule's own."""
    checked = Counter()
    for application in _applications():
        if application.status == S.DRAFT or (application.file and application.file.status not in FILED_STATUSES):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            verdict = application_evaluate(application)
        assert verdict.eligible, (application.program.kind, verdict.failures)
        amount = (
            application.approved_amount if application.approved_amount is not None else application.requested_amount
        )
        assert amount <= verdict.maximum
        if application.program.kind != ProgramKind.TEMPORARY:
            assert application.maximum_amount == verdict.maximum
            assert application.reasons == [[passed, text] for passed, text in verdict.reasons]
        checked[application.program.kind] += 1
    assert set(checked) == set(ProgramKind.values)


def test_students_get_golden_autumn_once_a_year_and_the_ill_claim_illness_aid(generated):
    grants = Counter()
    for application in AidApplication.objects.filter(program__kind=ProgramKind.GOLDEN_AUTUMN).select_related(
        "beneficiary"
    ):
        assert application.beneficiary.relation == "child"
        assert application.education_stage in ("senior", "vocational", "college", "undergraduate", "graduate")
        grants[application.beneficiary_id, application.year] += 1
    assert grants and max(grants.values()) == 1
    illness = AidApplication.objects.filter(program__kind=ProgramKind.CRITICAL_ILLNESS)
    members = Counter(Member.objects.values_list("health", flat=True))
    claims = Counter(illness.values_list("beneficiary__health", flat=True))
    assert claims["serious"] / members["serious"] > 10 * claims["healthy"] / members["healthy"]
    assert not illness.filter(disease=None).exists()
    mutual = AidApplication.objects.filter(program__kind=ProgramKind.MEDICAL_MUTUAL)
    assert mutual.exists() and not mutual.exclude(beneficiary__is_union_member=True).exists()


def test_holiday_visits_come_in_one_approved_batch_per_county_and_year(generated):
    holiday = AidApplication.objects.filter(program__kind=ProgramKind.HOLIDAY)
    assert holiday.exists() and not holiday.filter(batch=None).exists()
    per_household_year = Counter(holiday.values_list("household_id", "year"))
    assert max(per_household_year.values()) == 1
    for batch in ApplicationBatch.objects.all():
        assert batch.approved_at and batch.applications.exists()
    # Only households filed at the time get one, and filed households get one every year they were filed then.
    for application in holiday.select_related("file"):
        assert application.file is not None and application.file.activated_on <= application.created_at.date()


def test_the_same_seed_gives_the_same_shape(db):
    def shape():
        return (
            Counter(HardshipFile.objects.values_list("status", flat=True)),
            Member.objects.count(),
            Counter(AidApplication.objects.values_list("program__kind", "status")),
            sorted(Disbursement.objects.values_list("amount", flat=True)),
        )

    shapes = []
    for _run in range(2):
        with transaction.atomic():
            _generate(25, 5)
            shapes.append(shape())
            transaction.set_rollback(True)
    assert shapes[0] == shapes[1]
    assert sum(shapes[0][2].values()) > 50


def test_a_second_run_reuses_the_programs_and_widens_the_budget_lines(db):
    _generate(20, 1)
    first = dict(Budget.objects.values_list("pk", "amount"))
    _generate(20, 2)
    assert Program.objects.count() == len(ProgramKind) * 3
    assert dict(Budget.objects.values_list("pk", "amount")).keys() == first.keys()
    widened = 0
    for line in Budget.objects.with_usage():
        assert line.committed + line.paid <= line.amount
        widened += line.amount > first[line.pk]
    assert widened
    history = defaultdict(list)
    for pk, kind in Budget.history.order_by("history_id").values_list("id", "history_type"):
        history[pk].append(kind)
    assert history.keys() == first.keys()
    assert all(kinds[0] == "+" and set(kinds[1:]) <= {"~"} for kinds in history.values())
    assert any(kinds[1:] for kinds in history.values())
