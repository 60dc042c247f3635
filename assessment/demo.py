"""Demo assessments: the two past years' summaries (so that trends show) and this year's, through the real services."""

from django.utils import timezone

from accounts.models import Organization
from assessment.models import AnnualSummary, AssessmentRun
from assessment.monitoring import alerts_refresh
from assessment.services import assessment_execute, assessment_start


def seed_assessments(*, province_code: str = "330000", years_back: int = 2) -> int:
    """Run the assessment of the province for the past years (and this one) that have no summary yet."""
    province = Organization.objects.get(code=province_code)
    this_year = timezone.localdate().year
    done = 0
    for year in range(this_year - years_back, this_year + 1):
        if AnnualSummary.objects.filter(organization=province, year=year).exists():
            continue
        run = assessment_start(organization=province, year=year, queue=False)
        assessment_execute(run=AssessmentRun.objects.get(pk=run.pk))
        done += 1
    return done


def seed_alerts() -> int:
    """What the daily monitoring would raise today, so that "My work" shows alerts without a beat running."""
    return alerts_refresh()["created"]
