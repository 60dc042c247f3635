from datetime import date

import pytest
from django.db import IntegrityError, transaction

from accounts.errors import AlreadyDone, DomainError
from accounts.roles import Role
from cases.choices import FileStatus, Origin
from cases.errors import SeparationOfDuties, TransitionNotAllowed
from cases.models import FileEvent, HardshipFile
from cases.services.files import TRANSITIONS, available_actions, file_refile_returned, file_transition, step_of
from cases.services.households import Finances
from cases.workdays import nth_working_day
from tests.cases.factories import LOW_INCOME, make_active_file, make_file, make_household
from tests.factories import UserFactory

ALL_ACTIONS = sorted({action for _status, action in TRANSITIONS})


def test_applying_writes_the_file_and_its_first_event(household, caseworker, tree):
    file = make_file(household, caseworker)
    assert file.status == FileStatus.APPLIED
    assert file.number == "330281001-2026-0001"
    assert file.category == "deep"
    assert file.org_path == tree["street_a"].path
    event = file.events.get()
    assert (event.action, event.from_status, event.to_status, event.by) == ("apply", "", "applied", caseworker)
    assert household.income_assessments.count() == 1


def test_file_numbers_count_up_per_union_and_year(household, caseworker, approver, tree):
    make_active_file(household, caseworker, approver)
    second = make_file(make_household(tree["street_a"], caseworker), caseworker)
    assert second.number == "330281001-2026-0002"


def test_a_household_has_one_open_file(household, caseworker):
    make_file(household, caseworker)
    with pytest.raises(DomainError):
        make_file(household, caseworker)


def test_the_database_refuses_a_second_open_file(household, caseworker):
    file = make_file(household, caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.create(
            household=household, number="x", level="county", category="deep", primary_cause=1, opened_year=2026,
            contact_person=caseworker, applied_by=caseworker, organization=file.organization, org_path=file.org_path,
        )  # fmt: skip


def test_income_above_twice_the_line_can_only_be_accident(household, caseworker):
    rich = Finances(wages=80000)
    with pytest.raises(DomainError, match="意外|accident"):
        make_file(household, caseworker, finances=rich)
    file = make_file(household, caseworker, finances=rich, category="accident", category_reason="车祸致残")
    assert file.category == "accident"


def test_accident_needs_a_reason(household, caseworker):
    with pytest.raises(DomainError):
        make_file(household, caseworker, category="accident")


@pytest.mark.parametrize(
    ("secondary", "ok"), [([], True), ([9, 3, 2], True), ([9, 3, 2, 1], False), ([6], False), ([9, 9], False)]
)
def test_secondary_causes(household, caseworker, secondary, ok):
    if ok:
        assert make_file(household, caseworker, secondary_causes=secondary).secondary_causes == secondary
    else:
        with pytest.raises(DomainError):
            make_file(household, caseworker, secondary_causes=secondary)


def test_the_whole_filing_journey(active_file, caseworker, approver):
    assert active_file.status == FileStatus.ACTIVE
    assert active_file.activated_on == date(2026, 3, 9)
    assert active_file.next_visit_due == date(2026, 9, 9)
    actions = list(active_file.events.order_by("at", "id").values_list("action", "from_status", "to_status"))
    assert actions == [
        ("apply", "", "applied"),
        ("first_review", "applied", "first_reviewed"),
        ("home_check", "first_reviewed", "home_checked"),
        ("start_notice", "home_checked", "notice"),
        ("approve", "notice", "active"),
    ]
    assert active_file.events.get(action="approve").by == approver


def file_in(status, household, caseworker, approver):
    """A file brought to `status` through the services."""
    if status in (FileStatus.APPLIED, FileStatus.FIRST_REVIEWED, FileStatus.HOME_CHECKED, FileStatus.NOTICE):
        file = make_file(household, caseworker)
        steps = {"first_review": {}, "home_check": {"authorization_signed": True, "today": date(2026, 3, 2)},
                 "start_notice": {"notice_start": date(2026, 3, 2), "notice_end": date(2026, 3, 6),
                                  "today": date(2026, 3, 2)}}  # fmt: skip
        order = [FileStatus.APPLIED, FileStatus.FIRST_REVIEWED, FileStatus.HOME_CHECKED, FileStatus.NOTICE]
        for action, extra in list(steps.items())[: order.index(status)]:
            file = file_transition(file=file, action=action, by=caseworker, **extra)
        return file
    file = make_active_file(household, caseworker, approver)
    if status == FileStatus.ACTIVE:
        return file
    propose = "propose_relief" if status == FileStatus.RELIEVED else "propose_exit"
    file = file_transition(file=file, action=propose, by=caseworker, comment="收入连续6个月高于低保")
    if status == FileStatus.EXIT_PROPOSED:
        return file
    file = file_transition(
        file=file, action="start_exit_notice", by=caseworker, notice_start=date(2026, 10, 12),
        notice_end=date(2026, 10, 16), today=date(2026, 10, 12),
    )  # fmt: skip
    if status == FileStatus.EXIT_NOTICE:
        return file
    file = file_transition(file=file, action="approve_exit", by=approver, today=date(2026, 10, 19))
    assert file.status == status
    return file


DETAILS = {
    "comment": "理由",
    "notice_start": date(2026, 3, 2),
    "notice_end": date(2026, 3, 6),
    "authorization_signed": True,
    "cancel_reason": "moved",
    "today": date(2026, 12, 1),
}
STATUSES = [s for s in FileStatus if s not in (FileStatus.REJECTED, FileStatus.CANCELLED)]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_action_in_every_status(status, action, household, caseworker, approver):
    file = file_in(status, household, caseworker, approver)
    transition = TRANSITIONS.get((status, action))
    actor = approver if transition and Role.APPROVER in transition.roles and action != "propose_exit" else caseworker
    if transition and Role.CASEWORKER not in transition.roles:
        actor = approver
    if transition and Role.APPROVER not in transition.roles:
        actor = caseworker
    events_before = FileEvent.objects.count()
    # A notice is recorded on its first day.
    details = DETAILS | ({"today": DETAILS["notice_start"]} if action in {"start_notice", "start_exit_notice"} else {})
    if transition is None:
        # The step that brought the file here, taken again by someone who may take it, finds it done; any other
        # step is not possible.
        refused = TransitionNotAllowed
        if file.events.order_by("-id").first().action == action:
            refused, actor = AlreadyDone, caseworker if Role.CASEWORKER in step_of(action).roles else approver
        with pytest.raises(refused):
            file_transition(file=file, action=action, by=actor, **details)
        assert FileEvent.objects.count() == events_before
        return
    result = file_transition(file=file, action=action, by=actor, **details)
    assert result.status == (transition.to or result.status)
    assert FileEvent.objects.count() == events_before + 1


@pytest.mark.parametrize(("status", "action"), sorted(TRANSITIONS))
def test_roles_without_the_step_are_refused(status, action, household, caseworker, approver, leader):
    file = file_in(status, household, caseworker, approver)
    transition = TRANSITIONS[(status, action)]
    outsiders = [leader] + [user for role, user in ((Role.APPROVER, approver), (Role.CASEWORKER, caseworker))
                            if role not in transition.roles]  # fmt: skip
    for user in outsiders:
        with pytest.raises(TransitionNotAllowed):
            file_transition(file=file, action=action, by=user, **DETAILS)


@pytest.mark.parametrize(("status", "action"), sorted(TRANSITIONS))
def test_the_sibling_county_is_refused_every_step(status, action, household, caseworker, approver, tree):
    file = file_in(status, household, caseworker, approver)
    for role in (Role.CASEWORKER, Role.APPROVER):
        stranger = UserFactory(organization=tree["sibling_county"], role=role)
        with pytest.raises(TransitionNotAllowed):
            file_transition(file=file, action=action, by=stranger, **DETAILS)


def test_the_applicant_cannot_approve_even_as_an_approver(household, tree):
    both = UserFactory(organization=tree["county"], role=Role.CASEWORKER)
    both.groups.add(*UserFactory(organization=tree["county"], role=Role.APPROVER).groups.all())
    both = type(both).objects.get(pk=both.pk)
    file = make_file(household, both)
    for action, extra in [
        ("first_review", {}),
        ("home_check", {"authorization_signed": True, "today": date(2026, 3, 2)}),
        ("start_notice", {"notice_start": date(2026, 3, 2), "notice_end": date(2026, 3, 6), "today": date(2026, 3, 2)}),
    ]:
        file = file_transition(file=file, action=action, by=both, **extra)  # fmt: skip
    with pytest.raises(SeparationOfDuties):
        file_transition(file=file, action="approve", by=both, today=date(2026, 3, 9))
    assert "approve" not in dict(available_actions(file, both))


def test_a_street_level_approver_cannot_approve(household, caseworker, approver, tree):
    file = file_in(FileStatus.NOTICE, household, caseworker, approver)
    street_approver = UserFactory(organization=tree["street_a"], role=Role.APPROVER)
    with pytest.raises(TransitionNotAllowed):
        file_transition(file=file, action="approve", by=street_approver, today=date(2026, 3, 9))


def test_a_province_approver_may_approve(household, caseworker, approver, tree):
    file = file_in(FileStatus.NOTICE, household, caseworker, approver)
    province_approver = UserFactory(organization=tree["province"], role=Role.APPROVER)
    file = file_transition(file=file, action="approve", by=province_approver, today=date(2026, 3, 9))
    assert file.status == FileStatus.ACTIVE


def test_nth_working_day_skips_weekends():
    assert nth_working_day(date(2026, 3, 2), 5) == date(2026, 3, 6)  # Monday -> Friday
    assert nth_working_day(date(2026, 3, 4), 5) == date(2026, 3, 10)  # Wednesday -> next Tuesday
    assert nth_working_day(date(2026, 3, 7), 5) == date(2026, 3, 13)  # Saturday start: Monday is day one


@pytest.mark.parametrize(("start", "end", "ok"), [
    (date(2026, 3, 2), date(2026, 3, 5), False),
    (date(2026, 3, 2), date(2026, 3, 6), True),
    (date(2026, 3, 4), date(2026, 3, 9), False),  # 7 calendar days, only 4 working days
    (date(2026, 3, 4), date(2026, 3, 10), True),
])  # fmt: skip
def test_a_notice_lasts_five_working_days(household, caseworker, approver, start, end, ok):
    file = file_in(FileStatus.HOME_CHECKED, household, caseworker, approver)
    if ok:
        file_transition(
            file=file, action="start_notice", by=caseworker, notice_start=start, notice_end=end, today=start
        )
    else:
        with pytest.raises(DomainError):
            file_transition(
                file=file, action="start_notice", by=caseworker, notice_start=start, notice_end=end, today=start
            )


def test_approval_waits_for_the_end_of_the_notice(household, caseworker, approver):
    file = file_in(FileStatus.NOTICE, household, caseworker, approver)
    with pytest.raises(DomainError):
        file_transition(file=file, action="approve", by=approver, today=date(2026, 3, 6))
    assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.NOTICE
    assert file_transition(file=file, action="approve", by=approver, today=date(2026, 3, 7)).status == "active"


def test_home_check_needs_the_signed_authorization(household, caseworker, approver):
    file = file_in(FileStatus.FIRST_REVIEWED, household, caseworker, approver)
    with pytest.raises(DomainError):
        file_transition(file=file, action="home_check", by=caseworker)


@pytest.mark.parametrize("action", ["reject", "return"])
def test_reject_and_return_need_a_reason(household, caseworker, approver, action):
    file = file_in(FileStatus.NOTICE, household, caseworker, approver)
    with pytest.raises(DomainError):
        file_transition(file=file, action=action, by=approver, comment="  ")


def test_return_sends_the_file_back_to_the_applicant(household, caseworker, approver):
    file = file_in(FileStatus.NOTICE, household, caseworker, approver)
    file = file_transition(file=file, action="return", by=approver, comment="收入证明缺失")
    assert file.status == FileStatus.APPLIED
    assert file.notice_start is None
    assert file.events.first().comment == "收入证明缺失"


def test_exit_starts_follow_up_and_relief_is_its_own_end(household, caseworker, approver):
    exited = file_in(FileStatus.EXITED, household, caseworker, approver)
    assert exited.closed_on == date(2026, 10, 19)
    assert exited.follow_up_until == date(2027, 10, 19)


def test_relief_ends_as_relieved(household, caseworker, approver):
    file = make_active_file(household, caseworker, approver)
    file = file_transition(file=file, action="propose_relief", by=caseworker, comment="重病无法脱困")
    file = file_transition(file=file, action="start_exit_notice", by=approver, notice_start=date(2026, 10, 12),
                           notice_end=date(2026, 10, 16), today=date(2026, 10, 12))  # fmt: skip
    file = file_transition(file=file, action="approve_exit", by=approver, today=date(2026, 10, 19))
    assert file.status == FileStatus.RELIEVED


def test_the_proposer_of_an_exit_cannot_approve_it(household, caseworker, approver, tree):
    file = make_active_file(household, caseworker, approver)
    file = file_transition(file=file, action="propose_exit", by=caseworker, comment="x")
    file = file_transition(file=file, action="start_exit_notice", by=caseworker, notice_start=date(2026, 10, 12),
                           notice_end=date(2026, 10, 16), today=date(2026, 10, 12))  # fmt: skip
    assert "approve_exit" in dict(available_actions(file, approver))
    assert "approve_exit" not in dict(available_actions(file, caseworker))


def test_cancel_needs_a_reason_code(active_file, approver):
    with pytest.raises(DomainError):
        file_transition(file=active_file, action="cancel", by=approver, comment="迁出", cancel_reason="bogus")
    file = file_transition(file=active_file, action="cancel", by=approver, comment="迁出", cancel_reason="moved")
    assert (file.status, file.cancel_reason) == (FileStatus.CANCELLED, "moved")


def test_a_returned_household_is_refiled_with_a_link(household, caseworker, approver):
    exited = file_in(FileStatus.EXITED, household, caseworker, approver)
    details = {"finances": LOW_INCOME, "level": "county", "primary_cause": 3, "secondary_causes": [],
               "contact_person": caseworker, "today": date(2026, 12, 1)}  # fmt: skip
    new = file_refile_returned(previous_file=exited, by=caseworker, **details)
    assert (new.origin, new.previous_file, new.status) == (Origin.RETURNED, exited, FileStatus.APPLIED)


def test_an_active_file_cannot_be_refiled(active_file, caseworker):
    with pytest.raises(DomainError):
        file_refile_returned(previous_file=active_file, by=caseworker, finances=LOW_INCOME, level="county",
                             primary_cause=3, secondary_causes=[], contact_person=caseworker)  # fmt: skip


def test_applying_after_an_exit_is_always_a_return(client, household, caseworker, approver):
    exited = file_in(FileStatus.EXITED, household, caseworker, approver)
    client.force_login(caseworker)
    data = {"level": "county", "primary_cause": "3", "contact_person": caseworker.pk, "finances-wages": "10000"}
    for name in ("business_income", "property_income", "transfer_income", "other_income", "medical_costs",
                 "disability_costs", "schooling_costs", "housing_costs", "other_rigid_costs"):  # fmt: skip
        data[f"finances-{name}"] = "0"
    assert client.post(f"/households/{household.pk}/apply/", data).status_code == 302
    new = HardshipFile.objects.exclude(pk=exited.pk).get(household=household)
    assert (new.origin, new.previous_file) == (Origin.RETURNED, exited)
