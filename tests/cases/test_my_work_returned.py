"""My work shows what came back to the caseworker (files returned for correction or rejected), new since they last
looked, with the reason, and counts the new ones beside "My work" in the navigation bar."""

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.choices import Relation, WorkStatus
from cases.returned import returned_count
from cases.services.files import file_transition
from tests.cases.factories import make_file, make_household, member_values


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


RETURNED = zh(translation.gettext_lazy("Returned for correction"))  # the wording is another concern's
RETURNED_BADGE = re.compile(r'data-testid="nav-badge">(\d+)<span class="visually-hidden"> 条退回给我')


def named_household(tree, caseworker, head="王秀英"):
    members = [
        member_values(name=head, born=date(1975, 2, 3)),
        member_values(Relation.SPOUSE, "李强", date(1974, 6, 1)),
        member_values(Relation.CHILD, "李小雨", date(2008, 9, 1), work_status=WorkStatus.NOT_WORKING_AGE),
    ]
    return make_household(tree["street_a"], caseworker, members=members)


def returned_file(tree, caseworker, approver, comment="住房面积与房产证不符，请核实", head="王秀英"):
    file = make_file(named_household(tree, caseworker, head), caseworker)
    file_transition(file=file, action="first_review", by=caseworker)
    return file_transition(file=file, action="return", by=approver, comment=comment)


def page(client, user, url="/work/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def returned_badge(html) -> int | None:
    match = RETURNED_BADGE.search(html)
    return int(match.group(1)) if match else None


def test_it_lists_a_file_returned_for_correction_with_its_reason_and_the_head(client, standard, tree, caseworker,
                                                                              approver):  # fmt: skip
    file = returned_file(tree, caseworker, approver)
    html = page(client, caseworker)
    section = html[html.index('data-testid="returned"') : html.index('data-testid="visits-due"')]
    assert "王秀英" in section and file.number in section
    assert "住房面积与房产证不符，请核实" in section  # the reason: health data or not, the caseworker may read it
    assert RETURNED in section and 'data-new="1"' in section
    assert file.household.address not in section


def test_it_lists_a_rejected_file(client, standard, tree, caseworker, approver):
    file = make_file(named_household(tree, caseworker), caseworker)
    file_transition(file=file, action="reject", by=approver, comment="家庭人均收入高于低保线")
    section = page(client, caseworker).split('data-testid="returned"')[1]
    assert "家庭人均收入高于低保线" in section and file.number in section


def test_the_count_beside_my_work_shows_what_is_new_until_the_caseworker_opens_it(client, standard, tree, caseworker,
                                                                                   approver):  # fmt: skip
    returned_file(tree, caseworker, approver)
    returned_file(tree, caseworker, approver, comment="缺收入证明", head="赵建国")
    assert returned_badge(page(client, caseworker, "/")) == 2
    html = page(client, caseworker)  # opening My work marks both as seen
    assert returned_badge(html) is None
    assert returned_badge(page(client, caseworker, "/")) is None
    section = page(client, caseworker).split('data-testid="returned"')[1]
    assert section.count('data-testid="returned-item"') >= 2 and 'data-new="1"' not in section  # still listed, not new
    returned_file(tree, caseworker, approver, comment="请补充病历", head="孙丽")
    assert returned_badge(page(client, caseworker, "/")) == 1


def test_what_the_caseworker_returned_themselves_did_not_come_back(client, standard, tree, caseworker):
    file = make_file(named_household(tree, caseworker), caseworker)
    file_transition(file=file, action="reject", by=caseworker, comment="自行撤回")
    html = page(client, caseworker)
    assert "自行撤回" not in html and returned_badge(page(client, caseworker, "/")) is None


def test_an_outsider_sees_nothing_of_it(client, standard, tree, caseworker, approver, outsider):
    returned_file(tree, caseworker, approver)
    html = page(client, outsider)
    assert "住房面积与房产证不符" not in html and returned_badge(page(client, outsider, "/")) is None


def test_an_approver_gets_no_count(client, standard, tree, caseworker, approver):
    returned_file(tree, caseworker, approver)
    assert returned_badge(page(client, approver, "/")) is None


def test_the_count_is_one_query(standard, tree, caseworker, approver):
    returned_file(tree, caseworker, approver)
    caseworker.roles  # noqa: B018 (the roles are read once per request, by the menu)
    with CaptureQueriesContext(connection) as captured:
        assert returned_count(caseworker) == 1
    assert len(captured.captured_queries) == 1


def test_my_work_reads_what_came_back_in_a_fixed_number_of_queries(client, standard, tree, caseworker, approver,
                                                                  django_assert_max_num_queries):  # fmt: skip
    returned_file(tree, caseworker, approver)
    client.force_login(caseworker)
    client.get("/")
    with django_assert_max_num_queries(22) as few:
        client.get("/work/")
    for head in ("赵建国", "孙丽", "周强", "吴芳"):
        returned_file(tree, caseworker, approver, head=head)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/work/").content.decode()
    assert html.count('data-testid="returned-item"') == 5
