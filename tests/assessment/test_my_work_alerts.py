"""Alerts on a caseworker's My work page and the count beside "My work" in the navigation bar; exit proposals in the
approver's inbox."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from assessment.models import Alert
from assessment.monitoring import alerts_refresh
from cases.choices import Cause, Health, Relation
from cases.models import HardshipFile
from cases.services.files import file_transition
from cases.services.visits import visit_record
from tests.assessment.test_monitoring import exit_file, income
from tests.cases.factories import make_active_file, make_household
from tests.factories import UserFactory

BADGE = re.compile(r'data-testid="nav-badge">(\d+)<')


def overdue(file, days=10):
    HardshipFile.objects.filter(pk=file.pk).update(next_visit_due=timezone.localdate() - timedelta(days=days))


def refresh():
    alerts_refresh(today=timezone.localdate())


def page(client, user, url="/work/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def link(file) -> str:
    return f'href="{file.household.get_absolute_url()}"'


def badge(html) -> int | None:
    found = BADGE.search(html)
    return int(found.group(1)) if found else None


@pytest.fixture
def colleague(tree):
    return UserFactory(username="colleague", organization=tree["county"], role=Role.CASEWORKER)


@pytest.fixture
def outsider_approver(tree):
    return UserFactory(username="outsider_approver", organization=tree["sibling_county"], role=Role.APPROVER)


@pytest.fixture
def outsider_file(tree, standard, outsider, outsider_approver):
    household = make_household(tree["sibling_street"], outsider, address="慈溪市浒山街道北二环路5号")
    return make_active_file(household, outsider, outsider_approver)


def test_it_lists_my_open_alerts_with_the_kind_the_details_and_the_household(client, active_file, caseworker):
    overdue(active_file)
    refresh()
    alert = Alert.objects.get()
    html = page(client, caseworker)
    assert 'data-testid="alert" data-kind="visit_overdue"' in html
    assert str(alert.get_kind_display()) in html
    assert escape(alert.details) in html
    assert f'href="/households/{active_file.household.pk}/"' in html
    assert active_file.number in html
    assert 'data-testid="refile"' not in html  # only a household that fell back after exit is re-filed


def test_a_resolved_alert_leaves_the_page(client, active_file, caseworker):
    overdue(active_file)
    refresh()
    visit_record(file=active_file, by=caseworker, visited_on=timezone.localdate(), kind="routine", findings="稳定")
    refresh()
    html = page(client, caseworker)
    assert 'data-testid="alert"' not in html
    assert badge(html) is None


def test_it_shows_only_my_alerts_in_my_scope(client, tree, standard, active_file, caseworker, colleague, approver,
                                            outsider, outsider_file):  # fmt: skip
    theirs = make_active_file(
        make_household(tree["street_b"], colleague, address="余姚市梨洲街道文化路8号"), colleague, approver
    )
    for file in (active_file, theirs, outsider_file):
        overdue(file)
    refresh()
    assert Alert.objects.open().count() == 3

    html = page(client, caseworker)
    # Alerts name the household by its head; the factory's heads share a name, so the links tell them apart.
    assert html.count('data-testid="alert"') == 1 and active_file.household.display_name in html
    assert link(active_file) in html and link(theirs) not in html and link(outsider_file) not in html
    assert badge(html) == 1

    html = page(client, outsider)
    assert html.count('data-testid="alert"') == 1 and link(outsider_file) in html
    assert link(active_file) not in html

    # Named contact person of a file outside my union: still not mine to see.
    HardshipFile.objects.filter(pk=outsider_file.pk).update(contact_person=caseworker)
    html = page(client, caseworker)
    assert outsider_file.household.address not in html
    assert badge(html) == 1


def test_the_navigation_bar_counts_my_open_alerts_on_every_page(client, active_file, caseworker):
    html = page(client, caseworker, "/households/")
    assert badge(html) is None  # nothing open: no badge
    overdue(active_file)
    HardshipFile.objects.filter(pk=active_file.pk).update(primary_cause=Cause.LAID_OFF)
    active_file.household.members.filter(relation=Relation.SPOUSE).update(health=Health.SERIOUS)
    refresh()
    html = page(client, caseworker, "/households/")
    assert badge(html) == 2
    assert re.search(r'href="/work/">[^<]*<span class="badge', html)  # beside "My work"


def test_approvers_and_leaders_get_no_badge(client, active_file, approver, leader):
    overdue(active_file)
    refresh()
    assert badge(page(client, approver, "/households/")) is None
    assert badge(page(client, leader, "/households/")) is None


def test_an_income_below_the_line_after_exit_offers_the_re_filing(client, active_file, caseworker, approver):
    exited = exit_file(active_file, caseworker, approver)
    income(exited.household, caseworker, date(2026, 5, 1), "800")
    alerts_refresh(today=date(2026, 5, 2))
    html = page(client, caseworker)
    assert 'data-kind="income_below_line"' in html
    refile = f"/households/{exited.household.pk}/apply/?returned=1"
    assert f'href="{refile}" data-testid="refile"' in html

    response = client.get(refile)
    assert response.status_code == 200 and response.context["returned"] is True


def test_my_work_reads_in_a_fixed_number_of_queries(client, tree, standard, active_file, caseworker, approver,
                                                    django_assert_max_num_queries):  # fmt: skip
    exited = exit_file(active_file, caseworker, approver)
    income(exited.household, caseworker, date(2026, 5, 1), "800")
    alerts_refresh(today=date(2026, 9, 10))
    client.force_login(caseworker)
    # Up to 22: what came back (2 sources, their heads, marking it seen, the badge) joined the alerts and lists.
    with django_assert_max_num_queries(22) as few:
        client.get("/work/")
    for street in ("street_a", "street_b", "street_a", "street_b"):
        file = make_active_file(make_household(tree[street], caseworker), caseworker, approver)
        income(exit_file(file, caseworker, approver).household, caseworker, date(2026, 5, 1), "800")
    make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)  # its visit is overdue
    alerts_refresh(today=date(2026, 9, 10))
    assert Alert.objects.open().count() == 11
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/work/").content.decode()
    assert html.count('data-testid="alert"') == 11 and badge(html) == 11


class TestInbox:
    @pytest.fixture
    def proposed(self, active_file, caseworker):
        return file_transition(file=active_file, action="propose_exit", by=caseworker, comment="评估建议脱困",
                               today=date(2026, 12, 21))  # fmt: skip

    def test_an_exit_proposal_waits_in_the_approver_inbox(self, client, proposed, approver):
        html = page(client, approver, "/inbox/")
        assert proposed.number in html
        assert f'href="/files/{proposed.pk}/do/start_exit_notice/"' in html

    def test_the_outsider_does_not_see_it(self, client, proposed, outsider_approver):
        assert proposed.number not in page(client, outsider_approver, "/inbox/")

    def test_the_inbox_reads_in_a_fixed_number_of_queries(self, client, tree, proposed, caseworker, approver,
                                                          django_assert_max_num_queries):  # fmt: skip
        client.force_login(approver)
        with django_assert_max_num_queries(15) as few:
            client.get("/inbox/")
        for street in ("street_a", "street_b", "street_a"):
            file = make_active_file(make_household(tree[street], caseworker), caseworker, approver)
            file_transition(file=file, action="propose_exit", by=caseworker, comment="评估建议脱困")
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = client.get("/inbox/").content.decode()
        assert html.count("/do/start_exit_notice/") == 4
