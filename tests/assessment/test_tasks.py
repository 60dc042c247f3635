from assessment import services
from assessment.choices import RunStatus
from assessment.models import AssessmentRun
from assessment.services import assessment_start
from assessment.tasks import assessment_run_task, assessment_yearly


def test_a_failing_run_is_marked_failed_and_the_task_does_not_raise(tree, active_file, leader, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("database went away")

    monkeypatch.setattr(services, "assess_chunk", broken)
    run = assessment_start(organization=tree["county"], year=2026, by=leader)
    assessment_run_task(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "database went away" in run.error


def test_the_yearly_job_starts_one_run_per_province_and_skips_one_under_way(tree, standard):
    assert assessment_yearly(2026) == 1
    run = AssessmentRun.objects.get()
    assert (run.organization, run.year, run.started_by) == (tree["province"], 2026, None)
    assert assessment_yearly(2026) == 0  # the first is still queued (no worker in this test)
    assert AssessmentRun.objects.count() == 1


def test_the_beat_schedule_runs_the_assessment_in_december_and_monitoring_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    yearly = schedule["year-end-assessment"]["schedule"]
    assert schedule["year-end-assessment"]["task"] == "assessment.tasks.assessment_yearly"
    assert yearly.day_of_month == {20} and yearly.month_of_year == {12}
    assert schedule["daily-monitoring"]["task"] == "assessment.tasks.monitoring_daily"


def test_the_command_runs_an_assessment_here_with_sync_and_queues_nothing(tree, active_file, monkeypatch, capsys):
    from django.core.management import call_command

    queued = []
    monkeypatch.setattr(assessment_run_task, "apply_async", lambda *args, **kwargs: queued.append(kwargs))
    call_command("run_assessment", year=2026, org="330281", sync=True)
    run = AssessmentRun.objects.get()
    assert (run.status, run.done, run.total) == (RunStatus.SUCCEEDED, 1, 1)
    assert queued == []
    assert "330281" in capsys.readouterr().out
