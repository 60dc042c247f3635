from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import FilterForm
from assessment.choices import Recommendation

FIRST_YEAR = 2000
YEARS_OFFERED = 10


def years_offered(also=()) -> list[int]:
    """The last ten years, and any older year that has a summary, newest first."""
    current = timezone.localdate().year
    return sorted({*range(current - YEARS_OFFERED + 1, current + 1), *also}, reverse=True)


class AssessmentStartForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here: the upper bound moves with the calendar.
        self.fields["year"] = forms.IntegerField(
            label=_("year"), min_value=FIRST_YEAR, max_value=timezone.localdate().year
        )


def this_year() -> int:
    return timezone.localdate().year


class AssessmentFilterForm(FilterForm):
    # A chooser, not a filter: the page shows one year, this one unless another is chosen.
    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False, initial=this_year)
    recommendation = forms.ChoiceField(label=_("recommendation"), required=False, choices=Recommendation.choices)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
