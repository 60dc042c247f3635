"""The union an application is routed to at submission decides it, whatever amount the approver posts.

The tiers of DOMAIN.md: up to 20,000 the county (余姚), up to 50,000 the city (宁波), above that the province. A
critical-illness program whose one band gives 30,000 asks for 30,000: the city's tier."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.errors import WrongTier
from programs.models import AidApplication
from programs.services.applications import application_decide, application_submit, available_actions
from programs.services.money import application_approve
from tests.programs.factories import make_program
from tests.programs.helpers import apply


@pytest.fixture
def big_program(tree, tiers):
    return make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS,
                        parameters={"threshold": "30000", "bands": [["30000", "30000"]]})  # fmt: skip


def submit(program, household, caseworker, requested=None):
    application = apply(program, household, caseworker, disease=program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"), requested_amount=requested)  # fmt: skip
    return application_submit(application=application, by=caseworker)


@pytest.fixture
def city_tier(big_program, active_file, caseworker):
    """30,000 asked: routed to 宁波市总工会."""
    return submit(big_program, active_file.household, caseworker)


def reload(application):
    return AidApplication.objects.get(pk=application.pk)


def assert_untouched(application):
    application = reload(application)
    assert application.status == S.SUBMITTED and application.approved_amount is None
    assert not application.events.filter(action="approve").exists()


class TestService:
    def test_30000_is_routed_to_the_city(self, city_tier, tree):
        assert city_tier.approval_organization == tree["city"]

    @pytest.mark.parametrize("amount", ["15000", "20000", "1", "30000"])
    def test_the_county_approver_cannot_approve_it_at_any_amount(self, city_tier, approver, amount):
        with pytest.raises(WrongTier, match="宁波市总工会"):
            application_approve(application=city_tier, by=approver, amount=Decimal(amount))
        assert_untouched(city_tier)

    def test_the_city_approver_cannot_lower_it_below_the_citys_tier(self, city_tier, city_approver):
        """15,000 would be the county's to approve: lowering the amount that far is a return for correction."""
        with pytest.raises(WrongTier, match="退回"):
            application_approve(application=city_tier, by=city_approver, amount=Decimal("15000"))
        assert_untouched(city_tier)

    def test_20000_is_still_below_the_citys_tier(self, city_tier, city_approver):
        with pytest.raises(WrongTier):
            application_approve(application=city_tier, by=city_approver, amount=Decimal("20000"))
        assert_untouched(city_tier)

    def test_the_city_approver_may_grant_less_within_its_own_tier(self, city_tier, city_approver):
        assert application_approve(application=city_tier, by=city_approver, amount=Decimal("20000.01")).done
        assert reload(city_tier).approved_amount == Decimal("20000.01")

    def test_returned_and_resubmitted_at_15000_it_is_the_countys(
        self, city_tier, caseworker, approver, city_approver, tree
    ):
        application_decide(application=city_tier, action="return", by=city_approver, comment="请按15000元重新申报")
        application = reload(city_tier)
        application.requested_amount = Decimal("15000")
        application.save(update_fields=["requested_amount"])
        resubmitted = application_submit(application=application, by=caseworker)
        assert resubmitted.approval_organization == tree["county"]
        assert application_approve(application=resubmitted, by=approver).done
        assert reload(resubmitted).approved_amount == Decimal("15000.00")

    def test_a_county_application_raised_into_the_citys_tier_needs_the_city(
        self, big_program, active_file, caseworker, approver, city_approver
    ):
        county_tier = submit(big_program, active_file.household, caseworker, requested=Decimal("18000"))
        with pytest.raises(WrongTier, match="宁波市总工会"):
            application_approve(application=county_tier, by=approver, amount=Decimal("25000"))
        assert_untouched(county_tier)
        assert application_approve(application=county_tier, by=city_approver, amount=Decimal("25000")).done

    def test_the_county_approver_is_offered_no_step_on_it(self, city_tier, approver, city_approver):
        assert available_actions(city_tier, approver) == []
        assert {action for action, _step in available_actions(city_tier, city_approver)} == {
            "approve", "return", "reject",
        }  # fmt: skip


class TestPage:
    def test_the_county_approver_posting_a_lower_amount_is_refused(self, client, city_tier, approver):
        client.force_login(approver)
        response = client.post(f"/aid/{city_tier.pk}/do/approve/", {"amount": "15000", "comment": ""})
        messages = [str(message) for message in get_messages(response.wsgi_request)]
        assert any("宁波市总工会" in message for message in messages), messages
        assert_untouched(city_tier)

    def test_the_county_approver_gets_no_approve_page(self, client, city_tier, approver):
        client.force_login(approver)
        assert client.get(f"/aid/{city_tier.pk}/do/approve/").status_code == 404
        assert f"/aid/{city_tier.pk}/do/approve/" not in client.get(f"/aid/{city_tier.pk}/").content.decode()

    def test_the_city_approver_lowering_it_is_told_to_return_it(self, client, city_tier, city_approver):
        client.force_login(city_approver)
        response = client.post(f"/aid/{city_tier.pk}/do/approve/", {"amount": "15000", "comment": ""})
        assert response.status_code == 200
        assert "退回修改" in response.content.decode()
        assert_untouched(city_tier)

    def test_the_city_approver_approves_it(self, client, city_tier, city_approver):
        client.force_login(city_approver)
        response = client.post(f"/aid/{city_tier.pk}/do/approve/", {"amount": "30000", "comment": ""})
        assert response.status_code == 302
        assert reload(city_tier).approved_amount == Decimal("30000.00")

    def test_an_outsider_approver_gets_404(self, client, city_tier, outsider_approver):
        client.force_login(outsider_approver)
        assert client.get(f"/aid/{city_tier.pk}/do/approve/").status_code == 404
        assert client.post(f"/aid/{city_tier.pk}/do/approve/", {"amount": "15000"}).status_code == 404
