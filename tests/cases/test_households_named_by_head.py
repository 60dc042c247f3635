"""Households are named by the head's name (户主姓名) on every list, not by their address or code, and each row says
its status and its next step."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from cases.choices import NEXT_STEPS, FileStatus, Relation, WorkStatus
from cases.services.files import file_transition
from cases.services.plans import measure_add, plan_save
from tests.cases.factories import make_active_file, make_file, make_household, member_values

ADDRESS = "余姚市阳明街道新建路12号"


def zh(text) -> str:
    # The wording is another concern's: the tests take it from the code, in Chinese.
    with translation.override("zh-hans"):
        return str(text)


def household_of(tree, caseworker, head):
    members = [
        member_values(name=head, born=date(1975, 2, 3)),
        member_values(Relation.SPOUSE, "李强", date(1974, 6, 1)),
        member_values(Relation.CHILD, "李小雨", date(2008, 9, 1), work_status=WorkStatus.NOT_WORKING_AGE),
    ]
    return make_household(tree["street_a"], caseworker, members=members, address=ADDRESS)


def in_notice(file, caseworker):
    file = file_transition(file=file, action="first_review", by=caseworker, today=date(2026, 3, 2))
    file = file_transition(
        file=file, action="home_check", by=caseworker, authorization_signed=True, today=date(2026, 3, 2)
    )
    return file_transition(
        file=file, action="start_notice", by=caseworker, notice_start=date(2026, 3, 2), notice_end=date(2026, 3, 6),
        today=date(2026, 3, 2),
    )  # fmt: skip


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def filed(standard, tree, caseworker, approver):
    return make_active_file(household_of(tree, caseworker, "王秀英"), caseworker, approver)


def test_the_household_list_names_the_head_and_says_the_next_step(client, filed, tree, caseworker):
    applied = make_file(household_of(tree, caseworker, "赵建国"), caseworker)
    table = page(client, caseworker, "/households/").split('data-testid="household-table"')[1]
    assert "王秀英" in table and "赵建国" in table
    assert zh(NEXT_STEPS[FileStatus.APPLIED]) in table  # 赵建国's file waits for its first review
    assert (
        f"{zh(translation.gettext_lazy('next visit due'))} {filed.next_visit_due:%Y-%m-%d}" in table
    )  # 王秀英's active file waits for its visit
    assert applied.household.code in table and ADDRESS not in table


def test_the_file_inbox_names_the_head_not_the_address(client, standard, tree, caseworker, approver):
    in_notice(make_file(household_of(tree, caseworker, "赵建国"), caseworker), caseworker)
    table = page(client, approver, "/inbox/").split('data-testid="inbox"')[1]
    assert "赵建国" in table and ADDRESS not in table and zh(NEXT_STEPS[FileStatus.NOTICE]) in table


def test_my_work_names_whose_visit_measure_and_file_it_is(client, filed, tree, caseworker):
    plan = plan_save(file=filed, year=2026, goals="稳定就业", by=caseworker)
    measure_add(plan=plan, by=caseworker, measure_type="employment", description="推荐到社区公益岗位",
                responsible=caseworker, due_date=timezone.localdate() + timedelta(days=3))  # fmt: skip
    make_file(household_of(tree, caseworker, "赵建国"), caseworker)
    html = page(client, caseworker, "/work/")
    measures = html.split('data-testid="measures-due"')[1].split("</section>")[0]
    assert 'data-testid="measure-household">王秀英</a> · 推荐到社区公益岗位' in measures
    visits = html.split('data-testid="visits-due"')[1].split("</section>")[0]
    assert "王秀英" in visits and ADDRESS not in visits
    waiting = html.split('data-testid="files-waiting"')[1].split("</section>")[0]
    assert "赵建国" in waiting and zh(NEXT_STEPS[FileStatus.APPLIED]) in waiting and ADDRESS not in waiting


def test_a_household_without_an_active_head_is_named_by_its_address(filed):
    household = filed.household
    household.members.filter(relation=Relation.HEAD).update(is_active=False)
    household.refresh_from_db()
    assert household.display_name == ADDRESS


def test_the_household_page_and_the_step_forms_name_the_head(client, filed, caseworker):
    html = page(client, caseworker, filed.household.get_absolute_url())
    assert "<title>王秀英</title>" in html
    assert '<li class="breadcrumb-item active">王秀英</li>' in html
    html = page(client, caseworker, f"/files/{filed.pk}/visits/new/")
    assert f"{filed.number} · 王秀英 · {ADDRESS}" in html
