"""The application workflow: every step of the transition table, and who may not take it (role, scope, tier, the
person who submitted). Every step writes an event and a history row."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.errors import AlreadyDone, DomainError
from accounts.roles import Role
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.errors import NotEligible, SeparationOfDuties, TransitionNotAllowed, WrongTier
from programs.models import AidApplication, ApplicationEvent
from programs.services.applications import (
    TRANSITIONS,
    application_decide,
    application_submit,
    available_actions,
)
from programs.services.money import application_approve, disbursement_record
from tests.factories import UserFactory
from tests.programs.factories import make_program
from tests.programs.helpers import apply


@pytest.fixture
def draft(illness_program, active_file, caseworker):
    """Cancer, 30,000 out of pocket: the first band, 4,000, for the county to approve."""
    return apply(
        illness_program, active_file.household, caseworker,
        disease=illness_program.diseases.get(name="恶性肿瘤"), out_of_pocket_cost=Decimal("30000"),
    )  # fmt: skip


@pytest.fixture
def submitted(draft, caseworker):
    return application_submit(application=draft, by=caseworker)


@pytest.fixture
def approved(submitted, approver):
    return application_approve(application=submitted, by=approver).application


@pytest.fixture
def big_program(tree, tiers):
    """A critical-illness program whose one band gives 30,000: the city's tier."""
    return make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS,
                        parameters={"threshold": "30000", "bands": [["30000", "30000"]]})  # fmt: skip


@pytest.fixture
def big_submitted(big_program, active_file, caseworker):
    application = apply(big_program, active_file.household, caseworker, disease=big_program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    return application_submit(application=application, by=caseworker)


@pytest.fixture
def approver_who_submits(tree):
    """An approver of the county who also works as a caseworker, as in a small union."""
    user = UserFactory(username="both", organization=tree["county"], role=Role.APPROVER)
    user.groups.add(Group.objects.get(name=Role.CASEWORKER))
    return user


def steps(application):
    return list(application.events.order_by("at", "id").values_list("action", "from_status", "to_status"))


def reload(application):
    return AidApplication.objects.get(pk=application.pk)


class TestAllowedSteps:
    def test_creating_writes_a_draft_and_its_first_event(self, draft, caseworker):
        assert draft.status == S.DRAFT
        assert draft.eligible is True
        assert (draft.suggested_amount, draft.maximum_amount) == (Decimal("4000.00"), Decimal("4000.00"))
        assert steps(draft) == [("create", "", S.DRAFT)]
        assert draft.events.get().by == caseworker
        assert draft.history.count() == 1

    def test_submitting_takes_the_suggested_amount_and_names_the_county(self, submitted, caseworker, tree):
        submitted = reload(submitted)
        assert submitted.status == S.SUBMITTED
        assert submitted.requested_amount == Decimal("4000.00")
        assert submitted.approval_organization == tree["county"]
        assert submitted.submitted_by == caseworker and submitted.submitted_at is not None
        assert steps(submitted) == [("create", "", S.DRAFT), ("submit", S.DRAFT, S.SUBMITTED)]
        assert submitted.events.get(action="submit").amount == Decimal("4000.00")
        assert submitted.history.count() == 2

    def test_returned_then_resubmitted(self, submitted, caseworker, approver):
        returned = application_decide(application=submitted, action="return", by=approver, comment="缺诊断证明")
        assert returned.status == S.RETURNED
        assert returned.is_editable
        assert returned.decided_by == approver
        again = application_submit(application=returned, by=caseworker)
        assert again.status == S.SUBMITTED
        assert steps(again) == [
            ("create", "", S.DRAFT),
            ("submit", S.DRAFT, S.SUBMITTED),
            ("return", S.SUBMITTED, S.RETURNED),
            ("resubmit", S.RETURNED, S.SUBMITTED),
        ]
        assert again.events.get(action="return").comment == "缺诊断证明"
        assert again.history.count() == 4

    def test_approved(self, submitted, approver):
        outcome = application_approve(application=submitted, by=approver)
        assert outcome.done
        application = reload(submitted)
        assert application.status == S.APPROVED
        assert application.approved_amount == Decimal("4000.00")
        assert application.decided_by == approver
        assert steps(application)[-1] == ("approve", S.SUBMITTED, S.APPROVED)
        assert application.events.get(action="approve").amount == Decimal("4000.00")
        assert application.history.count() == 3

    def test_rejected(self, submitted, approver):
        rejected = application_decide(application=submitted, action="reject", by=approver, comment="费用单据不全")
        assert reload(rejected).status == S.REJECTED
        assert steps(rejected)[-1] == ("reject", S.SUBMITTED, S.REJECTED)
        assert rejected.history.count() == 3

    def test_an_approval_is_cancelled(self, approved, approver):
        cancelled = application_decide(application=approved, action="cancel", by=approver, comment="重复申请")
        assert reload(cancelled).status == S.CANCELLED
        assert steps(cancelled)[-1] == ("cancel", S.APPROVED, S.CANCELLED)
        assert cancelled.history.count() == 4

    def test_an_approval_is_paid(self, approved, approver):
        outcome = disbursement_record(
            application=approved, by=approver, paid_on=timezone.localdate(), method="bank_transfer"
        )
        assert outcome.done
        assert reload(approved).status == S.DISBURSED
        assert steps(approved)[-1] == ("disburse", S.APPROVED, S.DISBURSED)
        assert approved.history.count() == 4

    def test_every_step_writes_exactly_one_event(self, draft, caseworker, approver):
        application_submit(application=draft, by=caseworker)
        application_decide(application=draft, action="return", by=approver, comment="补材料")
        application_submit(application=draft, by=caseworker)
        application_approve(application=draft, by=approver)
        disbursement_record(application=draft, by=approver, paid_on=timezone.localdate(), method="cash")
        assert [action for action, _from, _to in steps(draft)] == [
            "create", "submit", "return", "resubmit", "approve", "disburse",
        ]  # fmt: skip
        assert ApplicationEvent.objects.count() == 6
        assert draft.history.count() == 6


class TestStepsTheStatusForbids:
    def test_a_draft_cannot_be_approved(self, draft, approver):
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=draft, by=approver)
        assert reload(draft).status == S.DRAFT

    @pytest.mark.parametrize("action", ["return", "reject", "cancel"])
    def test_a_draft_cannot_be_decided(self, draft, approver, action):
        with pytest.raises(TransitionNotAllowed):
            application_decide(application=draft, action=action, by=approver, comment="x")

    def test_a_submitted_application_cannot_be_cancelled(self, submitted, approver):
        with pytest.raises(TransitionNotAllowed):
            application_decide(application=submitted, action="cancel", by=approver, comment="x")

    def test_a_submitted_application_submitted_again_is_already_done(self, submitted, caseworker):
        with pytest.raises(AlreadyDone):
            application_submit(application=submitted, by=caseworker)
        assert submitted.events.filter(action="submit").count() == 1

    def test_an_approved_application_cannot_be_returned_or_rejected(self, approved, approver):
        for action in ("return", "reject"):
            with pytest.raises(TransitionNotAllowed):
                application_decide(application=approved, action=action, by=approver, comment="x")
        assert reload(approved).status == S.APPROVED

    def test_a_rejected_application_is_final(self, submitted, caseworker, approver):
        application_decide(application=submitted, action="reject", by=approver, comment="不符合")
        with pytest.raises(TransitionNotAllowed):
            application_submit(application=submitted, by=caseworker)
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=submitted, by=approver)
        assert reload(submitted).status == S.REJECTED

    def test_a_cancelled_approval_cannot_be_paid_or_approved_again(self, approved, caseworker, approver):
        application_decide(application=approved, action="cancel", by=approver, comment="重复")
        with pytest.raises(TransitionNotAllowed):
            disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash")
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=approved, by=approver)
        assert reload(approved).status == S.CANCELLED

    def test_a_paid_application_cannot_be_cancelled(self, approved, caseworker, approver):
        disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash")
        with pytest.raises(TransitionNotAllowed):
            application_decide(application=approved, action="cancel", by=approver, comment="x")
        assert reload(approved).status == S.DISBURSED

    def test_an_unknown_step_is_refused(self, submitted, approver):
        with pytest.raises(TransitionNotAllowed):
            application_decide(application=submitted, action="approve", by=approver)

    @pytest.mark.parametrize("action", ["return", "reject"])
    def test_returning_and_rejecting_need_a_reason(self, submitted, approver, action):
        with pytest.raises(DomainError):
            application_decide(application=submitted, action=action, by=approver, comment="  ")
        assert reload(submitted).status == S.SUBMITTED

    def test_cancelling_needs_a_reason(self, approved, approver):
        with pytest.raises(DomainError):
            application_decide(application=approved, action="cancel", by=approver)
        assert reload(approved).status == S.APPROVED


class TestRoles:
    def test_a_leader_cannot_create_or_submit(self, illness_program, active_file, draft, leader):
        with pytest.raises(TransitionNotAllowed):
            apply(illness_program, active_file.household, leader, disease=illness_program.diseases.first(),
                  out_of_pocket_cost=Decimal("30000"))  # fmt: skip
        with pytest.raises(TransitionNotAllowed):
            application_submit(application=draft, by=leader)
        assert reload(draft).status == S.DRAFT

    def test_a_leader_cannot_approve_or_decide(self, submitted, leader):
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=submitted, by=leader)
        with pytest.raises(TransitionNotAllowed):
            application_decide(application=submitted, action="reject", by=leader, comment="x")
        assert reload(submitted).status == S.SUBMITTED

    def test_a_caseworker_cannot_approve(self, submitted, caseworker):
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=submitted, by=caseworker)
        assert reload(submitted).status == S.SUBMITTED
        assert not submitted.events.filter(action="approve").exists()

    def test_a_caseworker_cannot_return_or_reject(self, submitted, caseworker):
        for action in ("return", "reject"):
            with pytest.raises(TransitionNotAllowed):
                application_decide(application=submitted, action=action, by=caseworker, comment="x")

    def test_an_approver_cannot_submit(self, draft, approver):
        with pytest.raises(TransitionNotAllowed):
            application_submit(application=draft, by=approver)

    def test_a_leader_cannot_record_a_payment(self, approved, leader):
        with pytest.raises(TransitionNotAllowed):
            disbursement_record(application=approved, by=leader, paid_on=timezone.localdate(), method="cash")
        assert reload(approved).status == S.APPROVED

    def test_available_actions_follow_role_and_status(self, submitted, caseworker, approver, leader):
        assert {action for action, _t in available_actions(submitted, approver)} == {"return", "approve", "reject"}
        assert available_actions(submitted, caseworker) == []
        assert available_actions(submitted, leader) == []


class TestScope:
    def test_an_outsider_cannot_apply_for_or_submit_another_countys_household(
        self, illness_program, active_file, draft, outsider
    ):
        with pytest.raises(TransitionNotAllowed):
            apply(illness_program, active_file.household, outsider, disease=illness_program.diseases.first(),
                  out_of_pocket_cost=Decimal("30000"))  # fmt: skip
        with pytest.raises(TransitionNotAllowed):
            application_submit(application=draft, by=outsider)
        assert reload(draft).status == S.DRAFT

    def test_an_approver_of_the_sibling_county_cannot_approve_or_decide(self, submitted, outsider_approver):
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=submitted, by=outsider_approver)
        for action in ("return", "reject"):
            with pytest.raises(TransitionNotAllowed):
                application_decide(application=submitted, action=action, by=outsider_approver, comment="x")
        assert reload(submitted).status == S.SUBMITTED
        assert available_actions(submitted, outsider_approver) == []

    def test_an_approver_of_the_sibling_county_cannot_cancel(self, approved, outsider_approver):
        with pytest.raises(TransitionNotAllowed):
            application_decide(application=approved, action="cancel", by=outsider_approver, comment="x")
        assert reload(approved).status == S.APPROVED

    def test_an_outsider_cannot_record_a_payment(self, approved, outsider):
        with pytest.raises(TransitionNotAllowed):
            disbursement_record(application=approved, by=outsider, paid_on=timezone.localdate(), method="cash")
        assert reload(approved).status == S.APPROVED

    def test_an_approver_of_a_street_below_the_tier_cannot_approve(self, submitted, tree):
        street_approver = UserFactory(username="street_approver", organization=tree["street_a"], role=Role.APPROVER)
        with pytest.raises(WrongTier):
            application_approve(application=submitted, by=street_approver)
        assert reload(submitted).status == S.SUBMITTED


class TestTiers:
    def test_30000_is_for_the_city(self, big_submitted, tree):
        assert big_submitted.requested_amount == Decimal("30000.00")
        assert big_submitted.approval_organization == tree["city"]

    def test_the_county_approver_cannot_approve_30000(self, big_submitted, approver):
        with pytest.raises(WrongTier):
            application_approve(application=big_submitted, by=approver)
        application = reload(big_submitted)
        assert application.status == S.SUBMITTED
        assert application.approved_amount is None
        assert not application.events.filter(action="approve").exists()

    def test_the_county_approver_cannot_approve_it_for_a_lower_amount_of_its_own_tier(self, big_submitted, approver):
        with pytest.raises(WrongTier):
            application_approve(application=big_submitted, by=approver, amount=Decimal("20000"))
        assert reload(big_submitted).status == S.SUBMITTED

    def test_one_cent_above_20000_is_no_longer_the_countys(self, big_submitted, approver):
        with pytest.raises(WrongTier):
            application_approve(application=big_submitted, by=approver, amount=Decimal("20000.01"))
        assert reload(big_submitted).status == S.SUBMITTED

    def test_the_city_approver_can(self, big_submitted, city_approver):
        assert application_approve(application=big_submitted, by=city_approver).done
        application = reload(big_submitted)
        assert application.status == S.APPROVED
        assert application.approved_amount == Decimal("30000.00")
        assert application.decided_by == city_approver

    def test_the_city_approver_may_also_approve_what_the_county_could(self, submitted, city_approver):
        assert application_approve(application=submitted, by=city_approver).done


class TestSeparationOfDuties:
    def test_the_person_who_submitted_cannot_approve(self, draft, approver_who_submits):
        application_submit(application=draft, by=approver_who_submits)
        with pytest.raises(SeparationOfDuties):
            application_approve(application=draft, by=approver_who_submits)
        assert reload(draft).status == S.SUBMITTED
        assert "approve" not in {action for action, _t in available_actions(reload(draft), approver_who_submits)}

    def test_another_approver_can(self, draft, approver_who_submits, second_approver):
        application_submit(application=draft, by=approver_who_submits)
        assert application_approve(application=draft, by=second_approver).done

    def test_the_person_who_resubmitted_cannot_approve(self, submitted, approver, approver_who_submits):
        application_decide(application=submitted, action="return", by=approver, comment="补材料")
        application_submit(application=submitted, by=approver_who_submits)
        with pytest.raises(SeparationOfDuties):
            application_approve(application=submitted, by=approver_who_submits)

    def test_an_approver_who_did_not_submit_may_approve_even_with_both_roles(self, submitted, approver_who_submits):
        assert application_approve(application=submitted, by=approver_who_submits).done

    def test_the_first_submitter_cannot_approve_after_someone_else_resubmits(self, draft, approver, caseworker,
                                                                             approver_who_submits):  # fmt: skip
        application_submit(application=draft, by=approver_who_submits)
        application_decide(application=draft, action="return", by=approver, comment="补材料")
        application_submit(application=draft, by=caseworker)
        with pytest.raises(SeparationOfDuties):
            application_approve(application=draft, by=approver_who_submits)


class TestTierOnTheOtherDecisions:
    def test_a_county_approver_cannot_reject_what_waits_for_the_city(self, big_submitted, approver, city_approver):
        with pytest.raises(WrongTier):
            application_decide(application=big_submitted, action="reject", by=approver, comment="不符合")
        assert {action for action, _t in available_actions(reload(big_submitted), approver)} == set()
        application_decide(application=big_submitted, action="return", by=city_approver, comment="补发票")
        assert reload(big_submitted).status == S.RETURNED

    def test_a_county_approver_cannot_cancel_the_citys_approval(self, big_submitted, approver, city_approver):
        application_approve(application=big_submitted, by=city_approver)
        with pytest.raises(WrongTier):
            application_decide(application=big_submitted, action="cancel", by=approver, comment="撤销")
        assert reload(big_submitted).status == S.APPROVED


class TestTheRuleAtSubmission:
    def test_an_ineligible_application_stays_a_draft_with_nothing_written(
        self, illness_program, active_file, caseworker
    ):
        draft = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                      out_of_pocket_cost=Decimal("29999.99"))  # fmt: skip
        history_before = draft.history.count()
        with pytest.raises(NotEligible) as error:
            application_submit(application=draft, by=caseworker)
        assert len(error.value.reasons) == 1
        application = reload(draft)
        assert application.status == S.DRAFT
        assert application.submitted_by is None and application.approval_organization is None
        assert steps(application) == [("create", "", S.DRAFT)]
        assert application.history.count() == history_before

    def test_every_failed_check_is_listed(self, tree, illness_program, active_file, caseworker):
        other = make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS)
        draft = apply(illness_program, active_file.household, caseworker, disease=other.diseases.first(),
                      out_of_pocket_cost=Decimal("100"))  # fmt: skip
        with pytest.raises(NotEligible) as error:
            application_submit(application=draft, by=caseworker)
        assert len(error.value.reasons) == 2  # the disease and the cost
        assert error.value.reasons == [text for passed, text in reload(draft).reasons if not passed]

    def test_a_requested_amount_above_the_rule_maximum_is_refused(self, illness_program, active_file, caseworker):
        draft = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                      out_of_pocket_cost=Decimal("30000"), requested_amount=Decimal("4000.01"))  # fmt: skip
        with pytest.raises(NotEligible):
            application_submit(application=draft, by=caseworker)
        assert reload(draft).status == S.DRAFT
        assert draft.events.count() == 1

    def test_the_rule_maximum_itself_may_be_asked(self, illness_program, active_file, caseworker):
        draft = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                      out_of_pocket_cost=Decimal("30000"), requested_amount=Decimal("4000"))  # fmt: skip
        assert application_submit(application=draft, by=caseworker).status == S.SUBMITTED

    def test_a_lower_amount_asked_decides_the_tier(self, big_program, active_file, caseworker, tree):
        draft = apply(big_program, active_file.household, caseworker, disease=big_program.diseases.first(),
                      out_of_pocket_cost=Decimal("30000"), requested_amount=Decimal("15000"))  # fmt: skip
        submitted = application_submit(application=draft, by=caseworker)
        assert submitted.approval_organization == tree["county"]


def test_the_transition_table_has_these_steps_and_no_others():
    assert {(status, action, transition.to) for (status, action), transition in TRANSITIONS.items()} == {
        (S.DRAFT, "submit", S.SUBMITTED),
        (S.RETURNED, "resubmit", S.SUBMITTED),
        (S.SUBMITTED, "return", S.RETURNED),
        (S.SUBMITTED, "approve", S.APPROVED),
        (S.SUBMITTED, "reject", S.REJECTED),
        (S.APPROVED, "cancel", S.CANCELLED),
        (S.DISBURSED, "reverse_payment", S.REVERSED),
    }
