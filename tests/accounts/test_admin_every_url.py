"""Every admin URL of every registered model, opened by the 余姚 county admin for records of 慈溪 and of the city above.

The walk reads `admin.site._registry` and each ModelAdmin's `get_urls()`, so a model registered later is covered (and
fails here until it is given out-of-scope records below), and so is a URL pattern added later.
"""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.forms import ModelChoiceField
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import URLPattern
from django.urls.resolvers import RoutePattern

from accounts.admin_scope import ScopedAdminMixin, unscoped_admins
from accounts.models import Organization, User
from accounts.permissions import scope_path_of
from accounts.roles import Role
from accounts.scoping import path_in_scope, scoped_models
from cases.models import LocalStandard
from programs.choices import FundingKind, ProgramKind
from programs.models import ApprovalTier, Budget, FundingSource, Program
from reports.models import ExportLog
from tests.factories import UserFactory
from tests.programs.factories import make_program, make_source, make_tiers

REGISTERED = list(admin.site._registry)


def login_records(model, username):
    fields = {"username": username, "ip_address": "10.0.0.9", "user_agent": "x", "http_accept": "*/*", "path_info": "/"}
    if model is AccessAttempt:
        fields.update(get_data="", post_data="", failures_since_start=5)
    return model.objects.create(**fields)


def out_of_scope_records(tree) -> dict:
    """For each registered model, records the 余姚 admin must not reach: the sibling county's and the city's above."""
    sibling, city = tree["sibling_county"], tree["city"]
    sibling_user = UserFactory(
        username="cixi_caseworker", phone="13900000001", organization=tree["sibling_street"], role=Role.CASEWORKER
    )
    city_admin = UserFactory(username="ningbo_admin", organization=city, role=Role.ADMIN)
    sibling_program = make_program(sibling, ProgramKind.HOLIDAY, code="CIXI")
    city_program = make_program(city, ProgramKind.HOLIDAY, code="NINGBO")  # used below the city, managed by it
    export = ExportLog(user=sibling_user, kind="households", year=2026, rows=9, via="web")
    export.set_organization(sibling)
    export.save()
    # The 余姚 admin may add a standard for 余姚; its own for the year makes a copy of another union's a refused second.
    LocalStandard.objects.create(organization=tree["county"], year=2026, dibao_line=1330, minimum_wage=2280)
    standards = [
        LocalStandard.objects.create(organization=union, year=2026, dibao_line=1330, minimum_wage=2280)
        for union in (tree["sibling_street"], city)  # the city's applies below it, but only the city manages it
    ]
    return {
        Organization: [tree["sibling_street"], city],
        User: [sibling_user, city_admin],
        Program: [sibling_program, city_program],
        Budget: [sibling_program.budgets.get(), city_program.budgets.get()],
        ExportLog: [export],
        LocalStandard: standards,
        **{
            model: [login_records(model, "cixi_caseworker"), login_records(model, "nobody_here")]
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        },
    }


def global_records() -> dict:
    """Configuration that belongs to no union: a union administrator reads it, never changes it."""
    make_tiers()
    return {
        FundingSource: [FundingSource.objects.create(kind=FundingKind.UNION_FUND, name="全国总工会送温暖资金")],
        ApprovalTier: [ApprovalTier.objects.first()],
        Group: [Group.objects.get(name=Role.CASEWORKER)],
    }


def snapshot() -> dict:
    """Every row of every registered model, of their history, of the scoped records and of the admin log."""
    models = set(REGISTERED) | set(scoped_models()) | {LogEntry}
    models |= {model.history.model for model in list(models) if hasattr(model, "history")}
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models}


def url_for(model_admin, pattern: URLPattern, obj) -> str | None:
    """The concrete URL of one of the ModelAdmin's patterns for `obj` (a second argument is a historical row of it);
    None for the patterns without arguments, the change list and the add form."""
    prefix = f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"
    args = [str(obj.pk), str(obj.history.order_by("history_id").first().history_id) if hasattr(obj, "history") else ""]
    if isinstance(pattern.pattern, RoutePattern):
        route = str(pattern.pattern)
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        assert set(names) <= {"object_id", "id"}, f"teach this test the arguments of {route!r}"
        assert names or route in ("", "add/"), f"teach this test what {route!r} is"
        return prefix + re.sub(r"<(?:\w+:)?\w+>", args[0], route) if names else None
    regex = pattern.pattern.regex
    assert 0 < regex.groups <= 2, f"teach this test the arguments of {regex.pattern!r}"
    groups = iter(args)
    return prefix + re.sub(r"\([^)]*\)", lambda _match: next(groups), regex.pattern.strip("^$"))


def revert_url(model_admin, obj) -> str:
    """django-simple-history's revert form of the oldest version, whether or not a pattern for it is registered."""
    version = obj.history.order_by("history_id").first().history_id
    return f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/{obj.pk}/history/{version}/"


def attack_payload(obj, union) -> dict:
    """The record's own values, moved into the attacker's union: what the revert form was POSTed with."""
    data = {}
    for name, value in model_to_dict(obj).items():
        field = obj._meta.get_field(name)
        if getattr(field, "related_model", None) is Organization:
            data[name] = str(union.pk)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif value is not None:
            data[name] = str(value)
    return data


def forms_of(response):
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [*inline.formset.forms, inline.formset.empty_form]
    return forms


def assert_choices_in_scope(response, user):
    """No choice field offers a record of a union the admin does not manage (form validation uses the same set)."""
    for form in forms_of(response):
        for name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            for choice in field.queryset:
                try:
                    path = scope_path_of(choice)
                except TypeError:
                    continue  # global configuration, e.g. funding sources and role groups
                assert path_in_scope(user, path), f"{form.__class__.__name__}.{name} offers {choice!r}"


@pytest.fixture
def superuser(tree):
    return UserFactory(username="root", organization=tree["province"], is_superuser=True, is_staff=True)


def test_every_registered_admin_declares_its_scope():
    assert unscoped_admins(admin.site) == []


def test_the_system_check_names_an_admin_without_scope():
    from accounts.admin_scope import check_admin_scopes

    class Unscoped(admin.ModelAdmin):
        pass

    admin.site.register(ContentType, Unscoped)
    try:
        assert [error.id for error in check_admin_scopes()] == ["bangfu.E001"]
    finally:
        admin.site.unregister(ContentType)


def test_a_model_with_a_union_is_never_global_configuration():
    for model, model_admin in admin.site._registry.items():
        if model in scoped_models() or model in (Organization, User):
            assert isinstance(model_admin, ScopedAdminMixin), model._meta.label


class Walk:
    """Requests made as the 余姚 admin: each POST is checked to leave the database as it was, the GETs all together."""

    def __init__(self, client):
        self.client, self.before = client, snapshot()

    def __call__(self, method, url, data=None):
        before = snapshot() if method == "post" else None
        response = getattr(self.client, method)(url, data or {}, follow=True)
        if before is not None:
            assert snapshot() == before, f"POST {url} changed the database"
        return response

    def assert_nothing_changed(self):
        assert snapshot() == self.before, "a GET changed the database"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_an_admin_of_another_county_reaches_nothing(model, client, tree, union_admin, superuser):
    model_admin = admin.site._registry[model]
    scoped = isinstance(model_admin, ScopedAdminMixin)
    records = (out_of_scope_records(tree) if scoped else global_records()).get(model)
    assert records, f"give {model._meta.label} records outside the 余姚 admin's scope in this test"
    client.force_login(union_admin)
    walk = Walk(client)
    patterns = [pattern for pattern in model_admin.get_urls() if isinstance(pattern, URLPattern)]
    for obj in records:
        for pattern in patterns:
            url = url_for(model_admin, pattern, obj)
            if url is None:
                continue
            get, post = walk("get", url), walk("post", url, attack_payload(obj, tree["county"]))
            if scoped:
                assert (get.status_code, post.status_code) == (404, 404), url
            else:
                assert get.status_code in (200, 403) and post.status_code in (200, 403), url
                if url.endswith(("/change/", "/delete/")):
                    assert post.status_code == 403, url
        if hasattr(model, "history"):
            revert = revert_url(model_admin, obj)
            assert walk("get", revert).status_code == 404
            assert walk("post", revert, attack_payload(obj, tree["county"])).status_code == 404
        content_type = ContentType.objects.get_for_model(model)
        if scoped:
            assert walk("get", f"/admin/r/{content_type.pk}/{obj.pk}/").status_code == 404

    changelist = f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"
    pk_name = model._meta.pk.attname
    hidden = {obj.pk for obj in records} if scoped else set()
    for query in ("", f"?_to_field={pk_name}&_popup=1", "?q=cixi"):
        response = walk("get", changelist + query)
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert not hidden & set(response.context["cl"].queryset.values_list("pk", flat=True)), query

    request = RequestFactory().get(changelist)
    request.user = superuser
    for action in model_admin.get_actions(request):
        selected = {"action": action, "_selected_action": [str(obj.pk) for obj in records], "index": "0", "post": "yes"}
        walk("post", changelist, selected)

    response = walk("get", f"{changelist}add/")
    if response.status_code == 200:
        assert_choices_in_scope(response, union_admin)
    walk("post", f"{changelist}add/", attack_payload(records[0], tree["county"]))
    if not scoped:
        assert response.status_code == 403

    for source in apps.get_models():
        for field in source._meta.get_fields():
            if not (field.many_to_one or field.many_to_many) or field.auto_created or field.related_model is not model:
                continue
            query = f"app_label={source._meta.app_label}&model_name={source._meta.model_name}&field_name={field.name}"
            response = walk("get", f"/admin/autocomplete/?{query}&term=")
            assert response.status_code in (200, 403), query
            if response.status_code == 200:
                found = {result["id"] for result in response.json()["results"]}
                assert not {str(pk) for pk in hidden} & found, query
    walk.assert_nothing_changed()


def test_the_walk_reaches_the_scoped_records_as_a_superuser(client, tree, superuser):
    """The walk's URLs are the real ones: a superuser opens every record the 余姚 admin was refused."""
    records = out_of_scope_records(tree)
    client.force_login(superuser)
    for model, objs in records.items():
        model_admin = admin.site._registry[model]
        for obj in objs:
            for pattern in model_admin.get_urls():
                url = url_for(model_admin, pattern, obj)
                if url is not None and not url.endswith("/delete/"):
                    assert client.get(url, follow=True).status_code == 200, url


def test_the_admin_index_and_app_pages_name_nothing_outside_the_scope(client, tree, union_admin):
    out_of_scope_records(tree)
    client.force_login(union_admin)
    for url in ["/admin/", "/admin/accounts/", "/admin/cases/", "/admin/programs/", "/admin/reports/", "/admin/axes/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        for name in ("慈溪", "浒山", "cixi_caseworker", "ningbo_admin", "CIXI", "NINGBO"):
            assert name not in html, (url, name)


def test_the_autocomplete_finds_the_unions_in_scope(client, tree, union_admin):
    client.force_login(union_admin)
    query = "app_label=accounts&model_name=user&field_name=organization&term="
    found = {result["text"] for result in client.get(f"/admin/autocomplete/?{query}").json()["results"]}
    assert {"余姚市总工会", "阳明街道工会"} <= found
    assert not {"慈溪市总工会", "宁波市总工会"} & found


def test_a_global_record_is_read_only_for_a_county_admin(client, union_admin):
    source = FundingSource.objects.create(kind=FundingKind.UNION_FUND, name="全国总工会送温暖资金")
    make_source()
    client.force_login(union_admin)
    url = f"/admin/programs/fundingsource/{source.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()
    assert client.post(url, {"kind": "union_fund", "name": "余姚送温暖资金"}).status_code == 403
    source.refresh_from_db()
    assert source.name == "全国总工会送温暖资金"
    assert client.get("/admin/programs/fundingsource/add/").status_code == 403
    assert client.post(f"/admin/programs/fundingsource/{source.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_superuser_still_changes_global_configuration(client, superuser):
    source = FundingSource.objects.create(kind=FundingKind.UNION_FUND, name="全国总工会送温暖资金")
    client.force_login(superuser)
    data = {"kind": "union_fund", "name": "全国总工会送温暖专项资金", "union_level": "", "donor": "", "notes": ""}
    assert client.post(f"/admin/programs/fundingsource/{source.pk}/change/", data).status_code == 302
    source.refresh_from_db()
    assert source.name == "全国总工会送温暖专项资金"


def test_view_on_site_still_leads_an_admin_to_an_own_program(client, tree, union_admin):
    program = make_program(tree["county"], ProgramKind.HOLIDAY)
    content_type = ContentType.objects.get_for_model(Program)
    client.force_login(union_admin)
    response = client.get(f"/admin/r/{content_type.pk}/{program.pk}/")
    assert (response.status_code, response["Location"]) == (302, "http://testserver" + program.get_absolute_url())
    assert client.get(f"/admin/r/{content_type.pk}/x/").status_code == 404
    assert client.get(f"/admin/r/999999/{program.pk}/").status_code == 404


def test_the_forms_of_own_records_offer_only_choices_in_scope(client, tree, union_admin, caseworker):
    out_of_scope_records(tree)
    program = make_program(tree["county"], ProgramKind.HOLIDAY)
    client.force_login(union_admin)
    for obj in (tree["street_a"], caseworker, program, program.budgets.get()):
        response = client.get(f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/")
        assert response.status_code == 200
        assert_choices_in_scope(response, union_admin)
