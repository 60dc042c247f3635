"""The admin's history pages: scoped like the rest of the admin, read-only, and without django-simple-history's revert."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from accounts.models import Organization
from accounts.roles import Role
from programs.choices import ProgramKind
from tests.cases.factories import make_household
from tests.factories import UserFactory
from tests.programs.factories import make_program

ORGANIZATIONS = "/admin/accounts/organization/"
USERS = "/admin/accounts/user/"


@pytest.fixture
def admin_client(client, union_admin):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(union_admin)
    return client


@pytest.fixture
def sibling_caseworker(tree):
    return UserFactory(
        username="cixi_caseworker", phone="13900000001", organization=tree["sibling_street"], role=Role.CASEWORKER
    )


def oldest_version(obj):
    return obj.history.order_by("history_id").first().history_id


class TestOutOfScope:
    def test_the_revert_that_moved_a_sibling_street_into_the_county_is_gone(
        self, admin_client, tree, standard, sibling_caseworker
    ):
        street = tree["sibling_street"]
        household = make_household(street, sibling_caseworker)
        data = {"name": street.name, "code": street.code, "kind": "township", "parent": tree["county"].pk}
        data["is_active"] = "on"
        response = admin_client.post(f"{ORGANIZATIONS}{street.pk}/history/{oldest_version(street)}/", data, follow=True)
        assert response.status_code == 404
        street.refresh_from_db()
        household.refresh_from_db()
        assert street.parent == tree["sibling_county"]
        assert household.org_path == street.path

    def test_the_revert_that_moved_a_sibling_caseworker_into_the_county_is_gone(
        self, admin_client, tree, sibling_caseworker
    ):
        admin_group = sibling_caseworker.groups.model.objects.get(name=Role.ADMIN)
        version = oldest_version(sibling_caseworker)
        data = {"username": sibling_caseworker.username, "organization": tree["county"].pk, "groups": [admin_group.pk]}
        data.update(is_active="on", date_joined_0="2026-01-01", date_joined_1="00:00:00")
        response = admin_client.post(f"{USERS}{sibling_caseworker.pk}/history/{version}/", data, follow=True)
        assert response.status_code == 404
        sibling_caseworker.refresh_from_db()
        assert sibling_caseworker.organization == tree["sibling_street"]
        assert sibling_caseworker.role == Role.CASEWORKER

    def test_the_history_of_a_sibling_user_shows_nothing(self, admin_client, sibling_caseworker):
        response = admin_client.get(f"{USERS}{sibling_caseworker.pk}/history/")
        assert response.status_code == 404
        assert "13900000001" not in response.content.decode()

    def test_the_history_of_the_unions_above_shows_nothing(self, admin_client, tree):
        for union in (tree["city"], tree["province"]):
            assert admin_client.get(f"{ORGANIZATIONS}{union.pk}/history/").status_code == 404

    def test_the_history_of_the_citys_program_shows_nothing(self, admin_client, tree):
        program = make_program(tree["city"], ProgramKind.HOLIDAY)
        assert admin_client.get(f"/admin/programs/program/{program.pk}/history/").status_code == 404
        budget = program.budgets.get()
        assert admin_client.get(f"/admin/programs/budget/{budget.pk}/history/").status_code == 404


class TestInScope:
    def test_a_county_admin_edits_a_street_and_reads_its_history(self, admin_client, tree):
        street = tree["street_a"]
        data = {"name": "阳明街道总工会", "code": street.code, "kind": "township", "parent": tree["county"].pk}
        assert admin_client.post(f"{ORGANIZATIONS}{street.pk}/change/", {**data, "is_active": "on"}).status_code == 302
        response = admin_client.get(f"{ORGANIZATIONS}{street.pk}/history/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "阳明街道工会 &rarr; 阳明街道总工会" in html or "阳明街道工会 → 阳明街道总工会" in html
        # Every row listed is a version of this union, and none links to a form that would write it back.
        assert {record.id for record in response.context["page_obj"]} == {street.pk}
        assert "/history/" not in html.split('id="change-history"', 1)[1]
        assert "Revert" not in html and "revert" not in html

    def test_the_revert_of_an_own_street_is_gone_too(self, admin_client, tree):
        street = tree["street_a"]
        version = oldest_version(street)
        street.name = "改过的名字"
        street.save()
        data = {"name": "阳明街道工会", "code": street.code, "kind": "township", "parent": tree["street_b"].pk}
        assert admin_client.get(f"{ORGANIZATIONS}{street.pk}/history/{version}/", follow=True).status_code == 404
        assert admin_client.post(f"{ORGANIZATIONS}{street.pk}/history/{version}/", data, follow=True).status_code == 404
        street.refresh_from_db()
        assert (street.name, street.parent) == ("改过的名字", tree["county"])

    def test_a_county_admin_edits_a_caseworker_and_reads_the_history(self, admin_client, caseworker, tree):
        response = admin_client.get(f"{USERS}{caseworker.pk}/change/")
        assert response.status_code == 200
        form = response.context["adminform"].form
        data = {name: form[name].value() for name in ("username", "email", "phone", "organization")}
        data.update(name="王小明", is_active="on", groups=[group.pk for group in caseworker.groups.all()])
        assert admin_client.post(f"{USERS}{caseworker.pk}/change/", data).status_code == 302
        caseworker.refresh_from_db()
        assert caseworker.name == "王小明"
        assert admin_client.get(f"{USERS}{caseworker.pk}/history/").status_code == 200

    def test_a_county_admin_reads_the_history_of_its_program_and_budget(self, admin_client, tree):
        program = make_program(tree["county"], ProgramKind.HOLIDAY)
        assert admin_client.get(f"/admin/programs/program/{program.pk}/history/").status_code == 200
        assert admin_client.get(f"/admin/programs/budget/{program.budgets.get().pk}/history/").status_code == 200

    def test_an_in_scope_record_moved_out_of_the_scope_leaves_its_history_behind(self, admin_client, tree):
        enterprise = tree["enterprise"]
        Organization.objects.filter(pk=enterprise.pk).update(path=tree["sibling_street"].path + ".0009")
        assert admin_client.get(f"{ORGANIZATIONS}{enterprise.pk}/history/").status_code == 404


class TestFailedLogins:
    ATTEMPTS = "/admin/axes/accessattempt/"

    @pytest.fixture
    def attempts(self, caseworker, outsider):
        def attempt(username):
            return AccessAttempt.objects.create(
                username=username, ip_address="10.0.0.9", user_agent="x", http_accept="*/*", path_info="/",
                get_data="", post_data="", failures_since_start=5,
            )  # fmt: skip

        return {"own": attempt(caseworker.username), "sibling": attempt(outsider.username), "none": attempt("nobody")}

    def test_the_list_shows_the_attempts_on_the_accounts_the_admin_manages(self, admin_client, attempts):
        listed = set(admin_client.get(self.ATTEMPTS).context["cl"].queryset)
        assert listed == {attempts["own"]}

    def test_attempts_cannot_be_deleted_here_in_or_out_of_the_scope(self, admin_client, attempts):
        assert admin_client.post(f"{self.ATTEMPTS}{attempts['own'].pk}/delete/", {"post": "yes"}).status_code == 403
        assert admin_client.post(f"{self.ATTEMPTS}{attempts['sibling'].pk}/delete/", {"post": "yes"}).status_code == 404
        data = {"action": "delete_selected", "_selected_action": [a.pk for a in attempts.values()], "post": "yes"}
        admin_client.post(self.ATTEMPTS, data)
        assert AccessAttempt.objects.count() == 3

    def test_a_superuser_sees_and_deletes_every_attempt(self, client, tree, attempts):
        client.force_login(UserFactory(organization=tree["province"], is_superuser=True, is_staff=True))
        assert client.get(self.ATTEMPTS).context["cl"].queryset.count() == 3
        assert client.post(f"{self.ATTEMPTS}{attempts['none'].pk}/delete/", {"post": "yes"}).status_code == 302
        assert not AccessAttempt.objects.filter(pk=attempts["none"].pk).exists()

    def test_the_unlock_of_an_account_of_the_sibling_county_does_nothing(self, admin_client, attempts, outsider):
        admin_client.post(USERS, {"action": "unlock", "_selected_action": [outsider.pk], "index": "0"})
        assert AccessAttempt.objects.filter(username=outsider.username).exists()
