"""The admin's screen for the local standards (地方标准): per union and year, with history, in the admin's subtree."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from cases.models import LocalStandard
from tests.factories import UserFactory

ADD_URL = "/admin/cases/localstandard/add/"
LIST_URL = "/admin/cases/localstandard/"


def form_data(union, **changes) -> dict:
    data = {
        "organization": str(union.pk), "year": "2026", "dibao_line": "1330", "minimum_wage": "2280",
        "relative_multiple": "2", "working_age_from": "16", "working_age_to": "60", "visit_interval_months": "6",
        "notice_working_days": "5", "notice_grace_days": "3", "follow_up_months": "12", "exit_months": "6",
    }  # fmt: skip
    return {**data, **changes}


def standard_of(union, **fields) -> LocalStandard:
    return LocalStandard(
        organization=union, year=2026, dibao_line=Decimal("1330"), minimum_wage=Decimal("2280"), **fields
    )


@pytest.fixture
def sibling_admin(tree):
    return UserFactory(username="cixi_admin", organization=tree["sibling_county"], role=Role.ADMIN)


def test_it_adds_a_standard_for_the_admins_own_union_with_history(client, tree, union_admin):
    client.force_login(union_admin)
    response = client.post(ADD_URL, form_data(tree["street_a"], dibao_line="1350"))
    assert response.status_code == 302
    standard = LocalStandard.objects.get(organization=tree["street_a"], year=2026)
    assert standard.dibao_line == Decimal("1350")
    assert standard.history.get().history_user == union_admin
    assert LocalStandard.objects.for_union(tree["enterprise"], 2026) == standard


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("notice_working_days", "4", "公示期不少于 5 个工作日。"),
        ("follow_up_months", "5", "脱困后跟踪不少于 6 个月。"),
        ("exit_months", "3", "脱困须连续 6 个月以上高于低保标准。"),
        ("visit_interval_months", "7", "入户走访间隔为 1 至 6 个月。"),
        ("visit_interval_months", "0", "入户走访间隔为 1 至 6 个月。"),
        ("dibao_line", "0", "请填写大于零的金额。"),
        ("relative_multiple", "1", "倍数须大于 1：相对困难在低保标准之上。"),
        ("working_age_to", "16", "劳动年龄上限须高于下限。"),
    ],
)
def test_it_refuses_a_value_past_the_floor_at_the_field_in_chinese(client, tree, union_admin, field, value, message):
    client.force_login(union_admin)
    response = client.post(ADD_URL, form_data(tree["county"], **{field: value}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert f'name="{field}" value="{value}"' in response.content.decode()
    assert not LocalStandard.objects.exists()


def test_the_model_keeps_the_floors_of_the_domain(tree):
    standard_of(
        tree["county"], notice_working_days=5, follow_up_months=6, exit_months=6, visit_interval_months=6
    ).full_clean()
    with pytest.raises(ValidationError) as error:
        standard_of(
            tree["county"], notice_working_days=3, follow_up_months=1, exit_months=2, visit_interval_months=12
        ).full_clean()
    assert set(error.value.message_dict) == {
        "notice_working_days",
        "follow_up_months",
        "exit_months",
        "visit_interval_months",
    }


def test_a_second_standard_for_the_same_union_and_year_is_refused_at_the_form(client, tree, union_admin):
    standard_of(tree["county"]).save()
    client.force_login(union_admin)
    response = client.post(ADD_URL, form_data(tree["county"]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["year"] == [
        "余姚市总工会已有 2026 年度的地方标准，请修改原有的那一条。"
    ]
    assert LocalStandard.objects.count() == 1


def test_the_union_choice_offers_only_the_admins_subtree(client, tree, union_admin):
    client.force_login(union_admin)
    unions = set(client.get(ADD_URL).context["adminform"].form.fields["organization"].queryset)
    assert unions == {tree["county"], tree["street_a"], tree["street_b"], tree["enterprise"]}
    response = client.post(ADD_URL, form_data(tree["city"]))
    assert "organization" in response.context["adminform"].form.errors
    assert not LocalStandard.objects.exists()


def test_a_standard_of_a_union_above_is_read_on_the_list_but_not_changed(client, tree, union_admin):
    above = standard_of(tree["city"], notice_working_days=7)
    above.save()
    own = standard_of(tree["county"])
    own.save()
    client.force_login(union_admin)
    response = client.get(LIST_URL)
    assert list(response.context["cl"].queryset) == [own]
    assert list(response.context["inherited_standards"]) == [above]
    assert "上级工会的地方标准（只读）" in response.content.decode()
    assert client.get(f"{LIST_URL}{above.pk}/change/").status_code == 404
    assert (
        client.post(f"{LIST_URL}{above.pk}/change/", form_data(tree["city"], notice_working_days="5")).status_code
        == 404
    )
    above.refresh_from_db()
    assert above.notice_working_days == 7


def test_outsider_admin_gets_404_on_the_countys_standard(client, tree, sibling_admin):
    own = standard_of(tree["county"])
    own.save()
    client.force_login(sibling_admin)
    assert client.get(f"{LIST_URL}{own.pk}/change/").status_code == 404
    assert client.get(f"{LIST_URL}{own.pk}/history/").status_code == 404
    assert own not in client.get(LIST_URL).context["cl"].queryset


def test_a_caseworker_does_not_reach_the_screen(client, tree, caseworker):
    client.force_login(caseworker)
    assert client.get(LIST_URL).status_code == 302
    assert client.post(ADD_URL, form_data(tree["county"])).status_code == 302
    assert not LocalStandard.objects.exists()


def test_the_admin_home_leads_a_union_admin_to_the_standards(client, union_admin):
    client.force_login(union_admin)
    html = client.get("/admin/").content.decode()
    assert f'href="{LIST_URL}"' in html
    assert f'href="{ADD_URL}"' in html
