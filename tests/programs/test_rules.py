"""Each rule with the examples of DOMAIN.md "Aid programs" and the edges: thresholds met exactly, caps reached by
earlier approvals, a second grant for the same student."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.errors import DomainError
from cases.models import Member
from programs.choices import ProgramKind
from programs.models import AidApplication
from programs.rules import RULES, CriticalIllness, LivingAid, TemporaryRelief
from programs.services.applications import application_evaluate
from tests.programs.factories import PARAMETERS, make_program
from tests.programs.helpers import apply, grant, verdict_of

K = ProgramKind


@pytest.fixture
def child(household):
    return household.members.get(relation="child")


def program(tree, kind, **extra):
    return make_program(tree["county"], kind, **extra)


class TestLivingAid:
    def test_a_deep_household_gets_ten_months_of_the_line(self, tree, tiers, active_file, caseworker):
        verdict = verdict_of(program(tree, K.LIVING), active_file.household, caseworker)
        assert active_file.category == "deep"
        assert verdict.eligible
        assert verdict.suggested == verdict.maximum == Decimal("10000.00")  # 10 × 1000
        assert any("10个月" in text for _passed, text in verdict.reasons), verdict.reasons  # not "1E+1"

    def test_a_relative_household_gets_eight(self, tree, tiers, active_file, caseworker):
        type(active_file).objects.filter(pk=active_file.pk).update(category="relative")
        assert verdict_of(program(tree, K.LIVING), active_file.household, caseworker).suggested == Decimal("8000.00")

    def test_the_yearly_cap_counts_earlier_approvals(self, tree, tiers, active_file, caseworker, approver):
        living = program(tree, K.LIVING)
        grant(living, active_file.household, caseworker, approver)
        verdict = verdict_of(living, active_file.household, caseworker)
        assert verdict.eligible and verdict.maximum == Decimal("2000.00")  # 12 × 1000 − 10,000
        grant(living, active_file.household, caseworker, approver)
        verdict = verdict_of(living, active_file.household, caseworker)
        assert not verdict.eligible
        assert verdict.maximum == 0
        assert any("上限" in text for text in verdict.failures)

    def test_it_needs_a_file(self, tree, tiers, household, caseworker):
        with pytest.raises(DomainError, match="先建档"):
            verdict_of(program(tree, K.LIVING), household, caseworker)


class TestCriticalIllness:
    def test_the_threshold_exactly_met_gives_the_first_band(self, tree, illness_program, active_file, caseworker):
        disease = illness_program.diseases.get(name="恶性肿瘤")
        verdict = verdict_of(illness_program, active_file.household, caseworker, disease=disease,
                             out_of_pocket_cost=Decimal("30000.00"))  # fmt: skip
        assert verdict.eligible
        assert verdict.suggested == Decimal("4000.00")

    def test_one_cent_below_the_threshold_is_not_eligible(self, illness_program, active_file, caseworker):
        disease = illness_program.diseases.first()
        verdict = verdict_of(illness_program, active_file.household, caseworker, disease=disease,
                             out_of_pocket_cost=Decimal("29999.99"))  # fmt: skip
        assert not verdict.eligible
        assert verdict.maximum == 0

    @pytest.mark.parametrize(
        "cost, amount", [("49999.99", "4000"), ("50000", "6000"), ("85000", "8000"), ("250000", "10000")]
    )
    def test_the_amount_follows_the_cost_band(self, illness_program, active_file, caseworker, cost, amount):
        verdict = verdict_of(illness_program, active_file.household, caseworker,
                             disease=illness_program.diseases.first(), out_of_pocket_cost=Decimal(cost))  # fmt: skip
        assert verdict.suggested == Decimal(amount)

    def test_a_disease_off_the_list_is_not_eligible(self, tree, illness_program, active_file, caseworker):
        other = program(tree, K.CRITICAL_ILLNESS)
        verdict = verdict_of(illness_program, active_file.household, caseworker,
                             disease=other.diseases.first(), out_of_pocket_cost=Decimal("90000"))  # fmt: skip
        assert not verdict.eligible
        assert "病种" in " ".join(verdict.failures)

    def test_never_more_than_the_out_of_pocket_cost(self, tree, tiers, active_file, caseworker):
        generous = program(tree, K.CRITICAL_ILLNESS, parameters={"threshold": "0", "bands": [["0", "5000"]]})
        verdict = verdict_of(generous, active_file.household, caseworker, disease=generous.diseases.first(),
                             out_of_pocket_cost=Decimal("3000"))  # fmt: skip
        assert verdict.maximum == Decimal("3000.00")


class TestGoldenAutumn:
    def test_higher_education_for_a_filed_household(self, tree, tiers, active_file, caseworker, child):
        verdict = verdict_of(program(tree, K.GOLDEN_AUTUMN), active_file.household, caseworker, beneficiary=child,
                             education_stage="undergraduate", school="宁波大学")  # fmt: skip
        assert verdict.eligible and verdict.suggested == Decimal("5000.00")

    def test_senior_high_uses_the_members_own_stage(self, tree, tiers, active_file, caseworker, child):
        Member.objects.filter(pk=child.pk).update(education_stage="senior")
        child.refresh_from_db()
        verdict = verdict_of(program(tree, K.GOLDEN_AUTUMN), active_file.household, caseworker, beneficiary=child)
        assert verdict.suggested == Decimal("3000.00")

    def test_the_worker_himself_is_not_a_golden_autumn_student(self, tree, tiers, active_file, caseworker):
        verdict = verdict_of(program(tree, K.GOLDEN_AUTUMN), active_file.household, caseworker,
                             education_stage="undergraduate")  # fmt: skip
        assert not verdict.eligible

    def test_a_primary_pupil_is_not_eligible(self, tree, tiers, active_file, caseworker, child):
        verdict = verdict_of(program(tree, K.GOLDEN_AUTUMN), active_file.household, caseworker, beneficiary=child,
                             education_stage="primary")  # fmt: skip
        assert not verdict.eligible

    def test_a_second_grant_for_the_same_student_is_refused(
        self, tree, tiers, active_file, caseworker, approver, child
    ):
        golden = program(tree, K.GOLDEN_AUTUMN)
        grant(golden, active_file.household, caseworker, approver, beneficiary=child, education_stage="senior")
        again = verdict_of(golden, active_file.household, caseworker, beneficiary=child, education_stage="senior")
        assert not again.eligible
        assert "已" in " ".join(again.failures)

    def test_an_unfiled_household_gets_the_lower_amounts(self, tree, tiers, household, caseworker, child):
        golden = program(tree, K.GOLDEN_AUTUMN, open_to_unfiled=True)
        higher = verdict_of(golden, household, caseworker, beneficiary=child, education_stage="college")
        senior = verdict_of(golden, household, caseworker, beneficiary=child, education_stage="vocational")
        assert (higher.suggested, senior.suggested) == (Decimal("4000.00"), Decimal("2000.00"))

    def test_an_unfiled_household_is_refused_when_the_program_needs_a_file(
        self, tree, tiers, household, caseworker, child
    ):
        with pytest.raises(DomainError, match="先建档"):
            verdict_of(
                program(tree, K.GOLDEN_AUTUMN), household, caseworker, beneficiary=child, education_stage="college"
            )


class TestTemporaryRelief:
    def test_unfiled_workers_may_have_it_up_to_a_share_of_the_costs(self, tree, tiers, household, caseworker):
        verdict = verdict_of(program(tree, K.TEMPORARY), household, caseworker, hardship_costs=Decimal("40000"))
        assert verdict.eligible and verdict.maximum == Decimal("6000.00")  # 15 % of 40,000

    def test_the_yearly_cap_counts_earlier_grants(self, tree, tiers, household, caseworker, approver):
        relief = program(tree, K.TEMPORARY)
        grant(relief, household, caseworker, approver, hardship_costs=Decimal("40000"))
        assert verdict_of(relief, household, caseworker, hardship_costs=Decimal("40000")).maximum == Decimal("4000.00")
        grant(relief, household, caseworker, approver, hardship_costs=Decimal("40000"))
        assert not verdict_of(relief, household, caseworker, hardship_costs=Decimal("40000")).eligible


class TestHolidayVisit:
    def test_a_fixed_amount_once_a_year(self, tree, tiers, active_file, caseworker, approver):
        holiday, household = program(tree, K.HOLIDAY), active_file.household
        # As the live check asks, unsaved: a second application of the year cannot be saved at all.
        unsaved = AidApplication(program=holiday, kind=holiday.kind, household=household, file=active_file,
                                 beneficiary=household.members.get(relation="head"), year=holiday.year)  # fmt: skip
        assert application_evaluate(unsaved).suggested == Decimal("1500.00")
        grant(holiday, household, caseworker, approver)
        assert not application_evaluate(unsaved).eligible
        with pytest.raises(DomainError):
            apply(holiday, household, caseworker)


class TestMedicalMutualAid:
    def test_a_share_of_the_covered_cost_capped_per_claim(self, tree, tiers, active_file, caseworker):
        Member.objects.filter(household=active_file.household).update(is_union_member=True)
        mutual = program(tree, K.MEDICAL_MUTUAL)
        assert verdict_of(mutual, active_file.household, caseworker, covered_cost=Decimal("6000")).maximum == Decimal(
            "3000.00"
        )
        assert verdict_of(mutual, active_file.household, caseworker, covered_cost=Decimal("20000")).maximum == Decimal(
            "5000.00"
        )

    def test_it_pays_only_members_of_the_plan(self, tree, tiers, active_file, caseworker):
        verdict = verdict_of(
            program(tree, K.MEDICAL_MUTUAL), active_file.household, caseworker, covered_cost=Decimal("6000")
        )
        assert not verdict.eligible


def test_service_programs_carry_no_money(tree, tiers, active_file, caseworker):
    verdict = verdict_of(program(tree, K.EMPLOYMENT), active_file.household, caseworker)
    assert verdict.eligible and verdict.maximum == 0


def test_the_rule_text_writes_numbers_as_people_do(tree, tiers):
    living = program(tree, K.LIVING, parameters=LivingAid.clean_parameters(PARAMETERS[K.LIVING]))
    assert living.parameters["months_deep"] == "10.00"
    text = " ".join(living.rule.describe())
    assert "10个月" in text and "10.00" not in text


def test_every_kind_has_a_rule_that_describes_itself(tree, tiers):
    for kind in K:
        assert RULES[kind].kind == kind
        assert program(tree, kind).rule.describe()


class TestParameters:
    def test_required_parameters_are_named_in_the_error(self):
        with pytest.raises(ValidationError) as error:
            LivingAid.clean_parameters({"months_deep": "10"})
        assert set(error.value.message_dict) == {"months_relative", "months_accident", "cap_months"}

    def test_a_percentage_above_100_is_refused(self):
        with pytest.raises(ValidationError) as error:
            TemporaryRelief.clean_parameters({"yearly_cap": "10000", "cost_share_percent": "150"})
        assert "cost_share_percent" in error.value.message_dict

    def test_bands_are_sorted_and_must_start_at_different_costs(self):
        cleaned = CriticalIllness.clean_parameters(
            {"threshold": "30000", "bands": [["50000", "6000"], ["30000", "4000"]]}
        )
        assert cleaned["bands"] == [["30000.00", "4000.00"], ["50000.00", "6000.00"]]
        with pytest.raises(ValidationError):
            CriticalIllness.clean_parameters({"threshold": "1", "bands": [["1", "2"], ["1", "3"]]})


def test_apply_rejects_a_member_of_another_household(tree, illness_program, active_file, caseworker):
    from tests.cases.factories import make_household, member_values

    other = make_household(tree["street_b"], caseworker, members=[member_values(name="赵强")])
    with pytest.raises(DomainError):
        apply(illness_program, active_file.household, caseworker, beneficiary=other.members.get())
