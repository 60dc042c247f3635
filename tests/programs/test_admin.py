"""The programs admin: a form that explains each rule parameter, scoped lists, budgets with their derived usage."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from programs.choices import ProgramKind
from programs.models import ApprovalTier, Budget, Program
from programs.rules import CriticalIllness
from programs.services.money import disbursement_record
from tests.factories import UserFactory
from tests.programs.factories import make_budget, make_program, make_source, make_tiers
from tests.programs.helpers import grant

PROGRAMS = "/admin/programs/program/"
BUDGETS = "/admin/programs/budget/"


@pytest.fixture
def admin_client(client, union_admin):
    """The county's union administrator, reading the English source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(union_admin)
    return client


@pytest.fixture
def sibling_admin(tree):
    return UserFactory(organization=tree["sibling_county"], role=Role.ADMIN, is_staff=True)


def program_data(tree, kind=ProgramKind.CRITICAL_ILLNESS, **overrides):
    data = {
        "code": "DB2026", "name": "大病救助", "kind": kind, "organization": tree["county"].pk, "year": "2026",
        "funding_source": make_source().pk, "is_active": "on", "pays_money": "on", "description": "",
        "diseases-TOTAL_FORMS": "0", "diseases-INITIAL_FORMS": "0", "diseases-MIN_NUM_FORMS": "0",
        "diseases-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def form_errors(response):
    return response.context["adminform"].form.errors


class TestProgramForm:
    def test_it_explains_each_parameter_of_the_kind_asked_for(self, admin_client):
        html = admin_client.get(f"{PROGRAMS}add/?kind=critical_illness").content.decode()
        for parameter in CriticalIllness.parameters:
            assert escape(str(parameter.label)) in html
            assert escape(str(parameter.help)) in html
            assert f'name="param_{parameter.name}"' in html
        assert 'name="parameters"' not in html
        assert "Change the kind and save: the form then asks for that kind's parameters." in html

    def test_it_asks_for_living_aid_when_no_kind_is_given(self, admin_client):
        html = admin_client.get(f"{PROGRAMS}add/").content.decode()
        assert 'name="param_months_deep"' in html
        assert 'name="param_threshold"' not in html

    def test_the_add_form_shows_the_kind_whose_parameters_it_asks_for(self, admin_client):
        form = admin_client.get(f"{PROGRAMS}add/").context["adminform"].form
        assert form["kind"].value() == ProgramKind.LIVING
        assert "data-reload-with-kind" in str(form["kind"])
        assert "js/program_admin.js" in str(admin_client.get(f"{PROGRAMS}add/").context["media"])

    def test_the_add_form_reopened_for_a_kind_keeps_what_was_typed(self, admin_client, tree):
        response = admin_client.get(f"{PROGRAMS}add/?kind=holiday&code=DQ-SNW&name=送温暖&is_active=")
        form = response.context["adminform"].form
        assert (form["kind"].value(), form["code"].value(), form["name"].value()) == ("holiday", "DQ-SNW", "送温暖")
        assert not form["is_active"].value()
        assert [name for name in form.fields if name.startswith("param_")] == ["param_amount"]

    def test_it_shows_the_stored_bands_one_per_line(self, admin_client, tree):
        program = make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS)
        html = admin_client.get(f"{PROGRAMS}{program.pk}/change/").content.decode()
        assert "30000=4000\n50000=6000\n80000=8000\n100000=10000" in html
        assert 'value="30000"' in html

    def test_it_stores_the_cleaned_parameters(self, admin_client, tree):
        data = program_data(
            tree, param_threshold="30000", param_bands="80000=8000\n30000 = 4,000\n\n50000＝6000", param_yearly_cap="",
            **{"diseases-TOTAL_FORMS": "1", "diseases-0-name": "恶性肿瘤", "diseases-0-category": "cancer"},
        )  # fmt: skip
        response = admin_client.post(f"{PROGRAMS}add/", data)
        assert response.status_code == 302, form_errors(response)
        program = Program.objects.get(code="DB2026")
        assert program.parameters == {
            "threshold": "30000.00",
            "bands": [["30000.00", "4000.00"], ["50000.00", "6000.00"], ["80000.00", "8000.00"]],
        }
        assert program.org_path == tree["county"].path
        assert list(program.diseases.values_list("name", flat=True)) == ["恶性肿瘤"]

    def test_a_missing_required_parameter_is_shown_on_its_field(self, admin_client, tree):
        response = admin_client.post(f"{PROGRAMS}add/", program_data(tree, param_bands="30000=4000"))
        assert response.status_code == 200
        assert list(form_errors(response)) == ["param_threshold"]
        assert not Program.objects.exists()

    def test_a_percent_above_100_is_shown_on_its_field(self, admin_client, tree):
        data = program_data(tree, kind=ProgramKind.MEDICAL_MUTUAL, param_percent="150", param_claim_cap="5000")
        response = admin_client.post(f"{PROGRAMS}add/", data)
        assert response.status_code == 200
        assert form_errors(response)["param_percent"] == ["Share of the covered cost (%) must be between 0 and 100."]
        assert not Program.objects.exists()

    def test_a_band_that_is_not_cost_equals_amount_is_refused(self, admin_client, tree):
        data = program_data(tree, param_threshold="30000", param_bands="30000=4000\n50000 6000")
        response = admin_client.post(f"{PROGRAMS}add/", data)
        assert form_errors(response)["param_bands"] == ["Line 2: write “cost=amount”, e.g. 30000=4000."]
        assert not Program.objects.exists()

    def test_employment_help_that_pays_money_is_refused(self, admin_client, tree):
        response = admin_client.post(f"{PROGRAMS}add/", program_data(tree, kind=ProgramKind.EMPLOYMENT))
        assert response.status_code == 200
        assert list(form_errors(response)) == ["pays_money"]
        assert not Program.objects.exists()

    def test_employment_help_without_money_is_saved_without_parameters(self, admin_client, tree):
        data = program_data(tree, kind=ProgramKind.EMPLOYMENT, pays_money=None)
        assert admin_client.post(f"{PROGRAMS}add/", data).status_code == 302
        assert Program.objects.get(code="DB2026").parameters == {}

    def test_a_changed_kind_asks_for_that_kinds_parameters(self, admin_client, tree):
        program = make_program(tree["county"], ProgramKind.TEMPORARY, code="LS2026")
        data = program_data(tree, kind=ProgramKind.HOLIDAY, code="LS2026", param_yearly_cap="10000")
        response = admin_client.post(f"{PROGRAMS}{program.pk}/change/", data)
        assert list(form_errors(response)) == ["param_amount"]
        assert 'name="param_amount"' in response.content.decode()
        program.refresh_from_db()
        assert program.kind == ProgramKind.TEMPORARY

        response = admin_client.post(f"{PROGRAMS}{program.pk}/change/", {**data, "param_amount": "1500"})
        assert response.status_code == 302
        program.refresh_from_db()
        assert (program.kind, program.parameters) == (ProgramKind.HOLIDAY, {"amount": "1500.00"})

    def test_moving_a_program_to_a_union_below_keeps_the_path_in_step(self, admin_client, tree):
        program = make_program(tree["county"], ProgramKind.HOLIDAY, code="SWN")
        data = program_data(
            tree, kind=ProgramKind.HOLIDAY, code="SWN", organization=tree["street_a"].pk, param_amount="1500"
        )
        assert admin_client.post(f"{PROGRAMS}{program.pk}/change/", data).status_code == 302
        program.refresh_from_db()
        assert program.org_path == tree["street_a"].path

    def test_it_refuses_an_owner_outside_the_scope(self, admin_client, tree):
        data = program_data(tree, kind=ProgramKind.HOLIDAY, organization=tree["sibling_county"].pk, param_amount="1500")
        response = admin_client.post(f"{PROGRAMS}add/", data)
        assert list(form_errors(response)) == ["organization"]
        assert not Program.objects.exists()


class TestProgramScope:
    def test_the_list_shows_the_programs_of_the_own_subtree_only(self, admin_client, tree):
        make_program(tree["street_a"], ProgramKind.HOLIDAY, code="STREET")
        make_program(tree["sibling_county"], ProgramKind.HOLIDAY, code="SIBLING")
        make_program(tree["city"], ProgramKind.HOLIDAY, code="CITY")  # usable below, but the city's to manage
        html = admin_client.get(PROGRAMS).content.decode()
        assert "STREET" in html
        assert "SIBLING" not in html
        assert "CITY" not in html

    def test_an_admin_of_the_sibling_county_cannot_see_or_open_the_countys_program(self, client, sibling_admin, tree):
        program = make_program(tree["county"], ProgramKind.HOLIDAY, code="YUYAO")
        client.force_login(sibling_admin)
        assert "YUYAO" not in client.get(PROGRAMS).content.decode()
        assert client.get(f"{PROGRAMS}{program.pk}/change/").status_code == 404

    def test_a_caseworker_cannot_enter_the_programs_admin(self, client, caseworker):
        client.force_login(caseworker)
        assert client.get(PROGRAMS).status_code == 302


@pytest.fixture
def granted_budget(tree, tiers, illness_program, active_file, caseworker, approver):
    """The county's line of 1,000,000: 4,000 approved and not yet paid, 6,000 paid."""
    household = active_file.household
    disease = illness_program.diseases.get(name="恶性肿瘤")
    grant(illness_program, household, caseworker, approver, disease=disease, out_of_pocket_cost=Decimal("30000"))
    paid = grant(illness_program, household, caseworker, approver, disease=disease, out_of_pocket_cost=Decimal("50000"))
    disbursement_record(application=paid, by=approver, paid_on=timezone.localdate(), method="bank_transfer")
    return Budget.objects.get(program=illness_program)


def test_a_program_with_applications_keeps_its_kind(admin_client, tree, tiers, active_file, caseworker):
    from tests.programs.helpers import apply

    program = make_program(tree["county"], ProgramKind.HOLIDAY)
    apply(program, active_file.household, caseworker)
    data = program_data(tree, kind=ProgramKind.TEMPORARY, code=program.code, param_yearly_cap="10000")
    response = admin_client.post(f"{PROGRAMS}{program.pk}/change/", data)
    assert "kind" in form_errors(response)
    program.refresh_from_db()
    assert program.kind == ProgramKind.HOLIDAY


class TestBudgetAdmin:
    def test_the_list_shows_committed_paid_and_remaining_from_the_applications(self, admin_client, granted_budget):
        html = admin_client.get(BUDGETS).content.decode()
        assert '<td class="field-committed">4000.00</td>' in html
        assert '<td class="field-paid">6000.00</td>' in html
        assert '<td class="field-remaining">990000.00</td>' in html
        assert admin_client.get(f"{BUDGETS}?o=-7.5").status_code == 200  # sorted by remaining, then committed

    def test_the_list_takes_the_same_queries_for_many_lines(
        self, admin_client, granted_budget, tree, django_assert_max_num_queries
    ):
        def list_budgets():
            with django_assert_max_num_queries(13):
                assert admin_client.get(BUDGETS).status_code == 200

        list_budgets()
        for _number in range(5):
            program = make_program(tree["county"], ProgramKind.HOLIDAY, budget=None)
            make_budget(program, tree["street_a"], "5000")
        list_budgets()

    def test_the_derived_numbers_are_read_only(self, admin_client, granted_budget):
        response = admin_client.get(f"{BUDGETS}{granted_budget.pk}/change/")
        form = response.context["adminform"].form
        assert not {"committed", "paid", "remaining"} & set(form.fields)
        assert "990000.00" in response.content.decode()

    def test_the_owners_admin_gives_a_union_below_a_line_of_its_own(self, client, tree):
        client.force_login(UserFactory(organization=tree["city"], role=Role.ADMIN, is_staff=True))
        city_program = make_program(tree["city"], ProgramKind.HOLIDAY, budget=None)
        data = {"program": city_program.pk, "organization": tree["street_b"].pk, "year": "2026", "amount": "30000"}
        assert client.post(f"{BUDGETS}add/", data).status_code == 302
        budget = Budget.objects.get(program=city_program)
        assert budget.org_path == tree["street_b"].path

    def test_it_refuses_a_union_outside_the_program_owners_subtree(self, admin_client, tree):
        street_program = make_program(tree["street_a"], ProgramKind.HOLIDAY, budget=None)
        data = {"program": street_program.pk, "organization": tree["street_b"].pk, "year": "2026", "amount": "100"}
        response = admin_client.post(f"{BUDGETS}add/", data)
        assert list(form_errors(response)) == ["organization"]
        assert not Budget.objects.exists()

    def test_it_refuses_a_year_other_than_the_programs(self, admin_client, tree):
        program = make_program(tree["county"], ProgramKind.HOLIDAY, budget=None)
        data = {"program": program.pk, "organization": tree["county"].pk, "year": "2025", "amount": "100"}
        response = admin_client.post(f"{BUDGETS}add/", data)
        assert form_errors(response)["year"] == ["The program is for 2026; its budget lines are too."]
        assert not Budget.objects.exists()

    def test_the_program_choices_are_the_programs_of_the_admins_own_branch(self, admin_client, tree):
        own = make_program(tree["county"], ProgramKind.HOLIDAY, budget=None)
        above = make_program(tree["city"], ProgramKind.HOLIDAY, budget=None)
        sibling = make_program(tree["sibling_county"], ProgramKind.HOLIDAY, budget=None)
        form = admin_client.get(f"{BUDGETS}add/").context["adminform"].form
        choices = set(form.fields["program"].queryset)
        assert own in choices
        # A county cannot open a line of its own on the city's program and so stop drawing on the city's line.
        assert above not in choices and sibling not in choices

    def test_a_line_never_drops_below_what_is_used_nor_moves_once_drawn_on(self, admin_client, tree, tiers,
                                                                           active_file, caseworker, approver):  # fmt: skip
        from tests.programs.helpers import grant

        program = make_program(tree["county"], ProgramKind.HOLIDAY, budget="10000")
        grant(program, active_file.household, caseworker, approver)
        budget = program.budgets.get()
        data = {"program": program.pk, "organization": tree["county"].pk, "year": "2026", "amount": "1000"}
        errors = form_errors(admin_client.post(f"{BUDGETS}{budget.pk}/change/", data))
        assert list(errors) == ["amount"]
        data.update(amount="10000", organization=tree["street_a"].pk)
        assert list(form_errors(admin_client.post(f"{BUDGETS}{budget.pk}/change/", data))) == ["organization"]
        budget.refresh_from_db()
        assert (budget.amount, budget.organization) == (10000, tree["county"])

    def test_an_admin_of_the_sibling_county_cannot_open_the_countys_line(self, client, sibling_admin, tree):
        budget = make_program(tree["county"], ProgramKind.HOLIDAY).budgets.get()
        client.force_login(sibling_admin)
        assert client.get(f"{BUDGETS}{budget.pk}/change/").status_code == 404


class TestApprovalTierAdmin:
    def test_a_union_admin_may_view_the_tiers_but_not_change_them(self, admin_client):
        make_tiers()
        tier = ApprovalTier.objects.first()
        assert admin_client.get("/admin/programs/approvaltier/").status_code == 200
        assert admin_client.get(f"/admin/programs/approvaltier/{tier.pk}/change/").status_code == 200
        data = {"program_kind": "", "amount_from": "0", "amount_to": "1", "union_kind": "city"}
        assert admin_client.post(f"/admin/programs/approvaltier/{tier.pk}/change/", data).status_code == 403
        assert admin_client.get("/admin/programs/approvaltier/add/").status_code == 403

    def test_a_superuser_edits_the_tiers(self, client, tree):
        client.force_login(UserFactory(organization=tree["province"], is_superuser=True, is_staff=True))
        data = {"program_kind": "critical_illness", "amount_from": "0", "amount_to": "20000", "union_kind": "county"}
        assert client.post("/admin/programs/approvaltier/add/", data).status_code == 302
        assert ApprovalTier.objects.get().program_kind == ProgramKind.CRITICAL_ILLNESS


def test_the_funding_sources_are_listed(admin_client):
    make_source()
    assert "县总工会帮扶资金" in admin_client.get("/admin/programs/fundingsource/").content.decode()


def test_a_staff_member_who_may_only_view_reads_the_parameters(client, leader, tree):
    type(leader).objects.filter(pk=leader.pk).update(is_staff=True)
    program = make_program(tree["county"], ProgramKind.TEMPORARY)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(leader)
    response = client.get(f"{PROGRAMS}{program.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yearly cap per household (yuan): 10000" in html
    assert 'name="param_yearly_cap"' not in html
