import pytest

from accounts.roles import Role
from assessment.choices import Recommendation, RunStatus
from assessment.models import AnnualSummary, AssessmentRun, HouseholdAssessment
from cases.models import FileEvent
from tests.cases.factories import make_active_file, make_household, make_standard
from tests.factories import UserFactory

YEAR = 2026
PAGE = "/assessment/"
REASONS = ["连续6个月人均收入高于低保线：建议脱困。", "走访2次，应走访2次。"]


def make_run(organization, status=RunStatus.SUCCEEDED, year=YEAR, by=None):
    run = AssessmentRun(year=year, status=status, started_by=by)
    run.set_organization(organization)
    run.save()
    return run


def make_assessment(run, file, recommendation=Recommendation.EXIT, reasons=REASONS):
    return HouseholdAssessment.objects.create(
        run=run,
        file=file,
        year=run.year,
        organization=file.organization,
        org_path=file.org_path,
        recommendation=recommendation,
        reasons=reasons,
    )


def make_summary(organization, year=YEAR, **counts):
    summary = AnnualSummary(year=year, **counts)
    summary.set_organization(organization)
    summary.save()
    return summary


@pytest.fixture
def active_file(tree, caseworker, approver):
    make_standard(tree["province"])
    return make_active_file(make_household(tree["street_a"], caseworker), caseworker, approver)


@pytest.fixture
def assessed(tree, active_file):
    """The county's finished run: one household recommended for exit."""
    run = make_run(tree["county"])
    return make_assessment(run, active_file)


def test_outsider_gets_404_for_another_unions_page(client, tree, assessed, outsider):
    client.force_login(outsider)
    assert client.get(PAGE, {"org": tree["county"].pk}).status_code == 404
    assert client.get(PAGE, {"org": "x"}).status_code == 404
    assert client.post("/assessment/start/", {"org": tree["county"].pk, "year": YEAR}).status_code == 404
    assert client.get(f"/assessment/runs/{assessed.run_id}/progress/").status_code == 404
    assert client.post(f"/assessment/runs/{assessed.run_id}/resume/").status_code == 404
    assert client.post(f"/assessment/households/{assessed.pk}/propose/").status_code == 404


def test_outsider_sees_nothing_of_another_union_on_their_own_page(client, assessed, outsider):
    client.force_login(outsider)
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    assert assessed.file.number not in html


def test_post_only_views_refuse_get(client, assessed, leader):
    client.force_login(leader)
    for url in ["/assessment/start/", f"/assessment/runs/{assessed.run_id}/resume/",
                f"/assessment/households/{assessed.pk}/propose/"]:  # fmt: skip
        assert client.get(url).status_code == 405, url


def test_the_page_of_a_year_without_a_run_says_so(client, leader):
    client.force_login(leader)
    response = client.get(PAGE, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-run"' in html
    assert 'data-testid="no-summary"' in html
    assert 'data-testid="empty-households"' in html


@pytest.mark.parametrize("role_holder", ["leader", "approver"])
def test_leaders_and_approvers_see_the_start_button(db, client, request, role_holder):
    client.force_login(request.getfixturevalue(role_holder))
    assert 'data-testid="start"' in client.get(PAGE).content.decode()


def test_caseworkers_do_not_see_the_start_button(client, caseworker):
    client.force_login(caseworker)
    assert 'data-testid="start"' not in client.get(PAGE).content.decode()


def test_a_caseworker_cannot_start_an_assessment(client, tree, caseworker):
    client.force_login(caseworker)
    client.post("/assessment/start/", {"org": tree["county"].pk, "year": YEAR})
    assert not AssessmentRun.objects.exists()


def test_starting_runs_the_assessment_and_the_page_shows_the_summary(client, tree, active_file, leader,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/assessment/start/", {"org": tree["county"].pk, "year": YEAR})
    assert response.status_code == 302
    assert response.url == f"/assessment/?org={tree['county'].pk}&year={YEAR}"
    run = AssessmentRun.objects.get()
    assert (run.status, run.started_by, run.done, run.total) == (RunStatus.SUCCEEDED, leader, 1, 1)

    html = client.get(response.url).content.decode()
    assert 'data-testid="summary"' in html
    assert 'data-testid="run-finished"' in html
    assert active_file.number in html
    assert AnnualSummary.objects.get(organization=tree["county"], year=YEAR).remaining == 1


def test_a_second_start_while_one_is_active_is_refused_with_a_message(client, tree, leader):
    make_run(tree["county"], status=RunStatus.RUNNING)
    client.force_login(leader)
    response = client.post("/assessment/start/", {"org": tree["county"].pk, "year": YEAR}, follow=True)
    assert AssessmentRun.objects.count() == 1
    [message] = response.context["messages"]
    assert message.level_tag == "error"
    assert "余姚市总工会" in message.message and "2026" in message.message
    assert message.message in response.content.decode()


def test_a_year_in_the_future_is_refused(client, tree, leader):
    client.force_login(leader)
    client.post("/assessment/start/", {"org": tree["county"].pk, "year": 2999})
    assert not AssessmentRun.objects.exists()


def test_a_running_run_shows_a_polling_progress_bar(client, tree, leader):
    run = make_run(tree["county"], status=RunStatus.RUNNING)
    AssessmentRun.objects.filter(pk=run.pk).update(done=250, total=1000)
    client.force_login(leader)
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    assert f'hx-get="/assessment/runs/{run.pk}/progress/"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'data-testid="start"' not in html


def test_the_progress_partial_polls_while_the_run_is_active(client, tree, leader):
    run = make_run(tree["county"], status=RunStatus.RUNNING)
    AssessmentRun.objects.filter(pk=run.pk).update(done=250, total=1000)
    client.force_login(leader)
    response = client.get(f"/assessment/runs/{run.pk}/progress/")
    assert response.status_code == 200
    assert "HX-Refresh" not in response
    html = response.content.decode()
    assert "25%" in html
    assert "every 2s" in html
    assert "<html" not in html


def test_the_progress_partial_has_the_page_refreshed_when_the_run_ends(client, tree, leader):
    run = make_run(tree["county"], status=RunStatus.SUCCEEDED)
    client.force_login(leader)
    response = client.get(f"/assessment/runs/{run.pk}/progress/")
    assert response["HX-Refresh"] == "true"
    assert "every 2s" not in response.content.decode()


def test_a_failed_run_shows_its_error_and_can_be_resumed(client, tree, leader, django_capture_on_commit_callbacks):
    run = make_run(tree["county"], status=RunStatus.FAILED)
    AssessmentRun.objects.filter(pk=run.pk).update(error="OperationalError: the worker was killed")
    client.force_login(leader)
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    assert "OperationalError: the worker was killed" in html
    assert f'action="/assessment/runs/{run.pk}/resume/"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/assessment/runs/{run.pk}/resume/")
    assert response.url == f"/assessment/?org={tree['county'].pk}&year={YEAR}"
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.SUCCEEDED, "")


def test_a_caseworker_cannot_resume_a_run(client, tree, caseworker):
    run = make_run(tree["county"], status=RunStatus.FAILED)
    client.force_login(caseworker)
    assert client.post(f"/assessment/runs/{run.pk}/resume/").status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_the_page_shows_the_summary_with_money_by_program_and_earlier_years(client, tree, leader):
    make_summary(tree["county"], year=2024, files_at_start=309, remaining=209)
    make_summary(tree["county"], year=2025, files_at_start=209, remaining=48)
    make_summary(
        tree["county"], files_at_start=48, new=10, exited=30, relieved=8, found_and_out=4, remaining=20,
        money_by_program={"critical_illness": "6000.00", "holiday": "1500.00"}, money_total="7500.00",
        households_paid=3, visits_done=40, visits_due=50, measures_done=7, measures_total=10,
    )  # fmt: skip
    make_summary(tree["street_a"], files_at_start=12, remaining=5)
    client.force_login(leader)
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    assert "大病救助" in html
    assert "¥6,000.00" in html
    assert "¥2,500.00" in html  # average aid per household
    assert "40.0%" in html  # 4 of the 10 new files left hardship within the year
    assert "40 / 50" in html
    assert "7 / 10" in html
    assert html.count('href="?org=') >= 4  # three years and one union below
    assert tree["street_a"].name in html


def test_the_list_filters_by_recommendation(client, tree, caseworker, approver, assessed):
    other = make_household(tree["street_b"], caseworker)
    watched = make_assessment(assessed.run, make_active_file(other, caseworker, approver), Recommendation.WATCH)
    client.force_login(approver)
    html = client.get(PAGE, {"year": YEAR, "recommendation": "watch"}).content.decode()
    assert f'data-testid="assessment-{watched.pk}"' in html
    assert f'data-testid="assessment-{assessed.pk}"' not in html


def test_propose_exit_moves_the_file_to_exit_proposed(client, assessed, caseworker):
    client.force_login(caseworker)
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    assert f'action="/assessment/households/{assessed.pk}/propose/"' in html

    back = f"{PAGE}?year={YEAR}"
    response = client.post(f"/assessment/households/{assessed.pk}/propose/", {"next": back})
    assert response.url == back
    file = assessed.file
    file.refresh_from_db()
    assert (file.status, file.exit_kind, file.exit_proposed_by) == ("exit_proposed", "exited", caseworker)
    event = FileEvent.objects.get(file=file, action="propose_exit")
    assert event.comment == "\n".join(REASONS)


def test_propose_relief_proposes_relief(client, assessed, caseworker):
    HouseholdAssessment.objects.filter(pk=assessed.pk).update(recommendation=Recommendation.RELIEVE)
    client.force_login(caseworker)
    client.post(f"/assessment/households/{assessed.pk}/propose/")
    assessed.file.refresh_from_db()
    assert (assessed.file.status, assessed.file.exit_kind) == ("exit_proposed", "relieved")


def test_a_second_propose_says_it_was_already_done_and_changes_nothing(client, assessed, caseworker):
    client.force_login(caseworker)
    client.post(f"/assessment/households/{assessed.pk}/propose/", follow=True)
    response = client.post(f"/assessment/households/{assessed.pk}/propose/", follow=True)
    messages = list(response.context["messages"])
    assert [message.level_tag for message in messages] == ["info"]
    assert "已完成，未作任何更改" in str(messages[0])
    assert FileEvent.objects.filter(file=assessed.file, action="propose_exit").count() == 1


def test_an_approver_gets_no_propose_button_and_cannot_propose(client, assessed, approver):
    client.force_login(approver)
    assert 'data-testid="propose"' not in client.get(PAGE, {"year": YEAR}).content.decode()
    client.post(f"/assessment/households/{assessed.pk}/propose/")
    assessed.file.refresh_from_db()
    assert assessed.file.status == "active"


def test_remain_and_watch_have_no_propose(client, assessed, caseworker):
    HouseholdAssessment.objects.filter(pk=assessed.pk).update(recommendation=Recommendation.REMAIN)
    client.force_login(caseworker)
    assert 'data-testid="propose"' not in client.get(PAGE, {"year": YEAR}).content.decode()
    assert client.post(f"/assessment/households/{assessed.pk}/propose/").status_code == 404


@pytest.mark.parametrize("reader", ["leader", "caseworker"])
def test_the_page_reads_in_a_fixed_number_of_queries(db, client, request, tree, caseworker, approver, reader,
                                                     django_assert_max_num_queries):  # fmt: skip
    make_standard(tree["province"])
    run = make_run(tree["county"])
    make_summary(tree["county"], money_by_program={"holiday": "500.00"}, money_total="500.00", households_paid=1)

    def add_assessed_households(count):
        for _ in range(count):
            household = make_household(tree["street_a"], caseworker)
            make_assessment(run, make_active_file(household, caseworker, approver))

    add_assessed_households(2)
    client.force_login(request.getfixturevalue(reader))
    with django_assert_max_num_queries(16) as few:  # 16 since the households' heads are read, in one query
        assert client.get(PAGE, {"year": YEAR}).status_code == 200
    add_assessed_households(5)
    for year in (YEAR - 2, YEAR - 1):
        make_summary(tree["county"], year=year)
    for union in ("street_a", "street_b"):
        make_summary(tree[union])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PAGE, {"year": YEAR}).status_code == 200


def test_a_leader_of_the_city_may_look_at_a_county(client, tree, assessed):
    city_leader = UserFactory(username="city_leader", organization=tree["city"], role=Role.LEADER)
    client.force_login(city_leader)
    response = client.get(PAGE, {"org": tree["county"].pk, "year": YEAR})
    assert response.status_code == 200
    assert assessed.file.number in response.content.decode()


def test_a_run_quiet_for_longer_than_the_setting_shows_as_failed_with_the_reason_and_offers_to_resume(
    client, tree, leader, settings
):
    from datetime import timedelta

    from django.utils import timezone

    settings.JOB_STALE_MINUTES = 15
    run = make_run(tree["county"], status=RunStatus.RUNNING)
    client.force_login(leader)
    assert 'data-testid="run-error"' not in client.get(PAGE, {"year": YEAR}).content.decode()
    AssessmentRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=20))
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    assert 'data-testid="run-error"' in html and f"/assessment/runs/{run.pk}/resume/" in html
    assert "超过15分钟没有进展" in html
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_an_older_years_recommendation_cannot_become_a_proposal(client, tree, assessed, caseworker):
    newer = make_run(tree["county"], year=YEAR + 1)
    make_assessment(newer, assessed.file, recommendation=Recommendation.REMAIN)
    client.force_login(caseworker)
    assert client.post(f"/assessment/households/{assessed.pk}/propose/").status_code == 404
    assessed.file.refresh_from_db()
    assert assessed.file.status == "active"
