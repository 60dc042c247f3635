import pytest


def test_a_union_admin_lists_only_unions_in_scope(client, union_admin, tree):
    client.force_login(union_admin)
    html = client.get("/admin/accounts/organization/").content.decode()
    assert "阳明街道工会" in html
    assert "慈溪市总工会" not in html
    assert "宁波市总工会" not in html


def test_a_union_admin_cannot_open_a_sibling_union(client, union_admin, tree):
    client.force_login(union_admin)
    response = client.get(f"/admin/accounts/organization/{tree['sibling_county'].pk}/change/")
    assert response.status_code == 404


def test_a_union_admin_lists_only_users_in_scope(client, union_admin, outsider, caseworker):
    client.force_login(union_admin)
    html = client.get("/admin/accounts/user/").content.decode()
    assert caseworker.username in html
    assert outsider.username not in html


def test_creating_a_union_in_the_admin_gives_it_a_path(client, union_admin, tree):
    client.force_login(union_admin)
    response = client.post(
        "/admin/accounts/organization/add/",
        {
            "name": "凤山街道工会",
            "code": "330281003",
            "kind": "township",
            "parent": tree["county"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from accounts.models import Organization

    created = Organization.objects.get(code="330281003")
    assert created.path == tree["county"].path + ".0003"


def test_a_union_admin_cannot_create_a_union_outside_the_scope(client, union_admin, tree):
    client.force_login(union_admin)
    response = client.post(
        "/admin/accounts/organization/add/",
        {
            "name": "x",
            "code": "x9",
            "kind": "township",
            "parent": tree["sibling_county"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    from accounts.models import Organization

    assert not Organization.objects.filter(code="x9").exists()


def test_moving_a_union_in_the_admin_moves_its_subtree(client, union_admin, tree):
    client.force_login(union_admin)
    enterprise = tree["enterprise"]
    response = client.post(
        f"/admin/accounts/organization/{enterprise.pk}/change/",
        {
            "name": enterprise.name,
            "code": enterprise.code,
            "kind": "enterprise",
            "parent": tree["street_b"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.parent == tree["street_b"]
    assert enterprise.path.startswith(tree["street_b"].path + ".")


def test_the_admin_refuses_a_move_into_the_own_branch(client, union_admin, tree):
    client.force_login(union_admin)
    street = tree["street_a"]
    response = client.post(
        f"/admin/accounts/organization/{street.pk}/change/",
        {
            "name": street.name,
            "code": street.code,
            "kind": "township",
            "parent": tree["enterprise"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    street.refresh_from_db()
    assert street.parent == tree["county"]


def test_a_caseworker_cannot_enter_the_admin(client, caseworker):
    client.force_login(caseworker)
    assert client.get("/admin/").status_code == 302


def test_a_union_admin_cannot_change_the_kind_of_the_own_union(client, union_admin, tree):
    client.force_login(union_admin)
    county = tree["county"]
    client.post(
        f"/admin/accounts/organization/{county.pk}/change/",
        {"name": county.name, "code": county.code, "kind": "city", "is_active": "on"},
    )
    county.refresh_from_db()
    assert county.kind == "county"


def test_a_union_cannot_rank_at_or_below_its_children(tree):
    from django.core.exceptions import ValidationError

    street = tree["street_a"]
    street.kind = "enterprise"
    with pytest.raises(ValidationError):
        street.clean()


def test_a_union_admin_never_sees_a_superuser(client, union_admin, tree):
    from tests.factories import UserFactory

    root = UserFactory(username="root_in_county", organization=tree["county"], is_superuser=True)
    client.force_login(union_admin)
    assert "root_in_county" not in client.get("/admin/accounts/user/").content.decode()
    assert client.get(f"/admin/accounts/user/{root.pk}/change/").status_code == 404
