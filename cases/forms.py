from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import BootstrapMixin, ConstraintErrorsAtFieldMixin, DateInput
from accounts.models import Organization, User
from accounts.roles import Role
from cases.choices import CancelReason, Category, Cause, FilingLevel, MeasureStatus, Relation, VisitKind
from cases.identity import normalize_id_number, normalize_phone
from cases.models import Household, Member, PlanMeasure
from cases.models.income import COST_FIELDS, INCOME_FIELDS, IncomeAssessment
from cases.services.households import Finances


class HouseholdForm(ConstraintErrorsAtFieldMixin, BootstrapMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("union"))

    class Meta:
        model = Household
        fields = [
            "organization", "address", "hukou_type", "household_type", "housing_type", "housing_area",
            "region_code", "bank_name", "bank_branch", "bank_account", "can_help_itself", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user).active()
        if self.instance.pk:
            del self.fields["organization"]


class IdNumberField(forms.CharField):
    """Normalised before any check, so the length limit and the pattern see the number as it will be stored."""

    def to_python(self, value):
        return normalize_id_number(super().to_python(value))


class PhoneField(forms.CharField):
    def to_python(self, value):
        return normalize_phone(super().to_python(value))


MEMBER_FIELDS = (
    "name", "relation", "id_number", "phone", "ethnicity", "political_status", "marital_status",
    "work_status", "employer", "is_union_member", "health", "disability_type", "disability_grade",
    "education_stage", "school", "monthly_income",
)  # fmt: skip


class MemberForm(ConstraintErrorsAtFieldMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)  # a fresh list: the inline formset appends its foreign key to it
        field_classes = {"id_number": IdNumberField, "phone": PhoneField}
        widgets = {"id_number": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"})}

    def validate_unique(self):
        # Uniqueness across households is the service's job: it words the message by scope.
        pass

    def clean(self):
        data = super().clean()
        if data.get("health") == "disabled" and not data.get("disability_type"):
            self.add_error("disability_type", _("Choose the type of disability."))
        return data


class BaseMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        live = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        heads = sum(1 for f in live if f.cleaned_data.get("relation") == Relation.HEAD)
        if heads != 1:
            raise forms.ValidationError(_("A household has exactly one head."))
        # A number refused at its field (blank, malformed) is not a number entered twice.
        numbers = [f.cleaned_data["id_number"] for f in live if f.cleaned_data.get("id_number")]
        if len(numbers) != len(set(numbers)):
            raise forms.ValidationError(_("The same ID number is entered twice."))


MemberFormSet = forms.inlineformset_factory(
    Household,
    Member,
    form=MemberForm,
    formset=BaseMemberFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


class FinancesForm(BootstrapMixin, forms.Form):
    """The year's income and rigid costs, in yuan, as the national form asks for them."""

    prefix = "finances"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in INCOME_FIELDS + COST_FIELDS:
            label = IncomeAssessment._meta.get_field(name).verbose_name
            self.fields[name] = forms.DecimalField(
                label=label, min_value=0, max_digits=12, decimal_places=2, initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "class": "form-control"}),
            )  # fmt: skip

    def finances(self) -> Finances:
        return Finances(**self.cleaned_data)


class FileApplyForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label=_("filing level"), choices=FilingLevel.choices, initial=FilingLevel.COUNTY)
    primary_cause = forms.TypedChoiceField(label=_("primary cause"), choices=Cause.choices, coerce=int)
    secondary_causes = forms.TypedMultipleChoiceField(
        label=_("secondary causes"), choices=Cause.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Up to three."),
    )  # fmt: skip
    accident = forms.BooleanField(
        label=_("Accident hardship (sudden event or serious illness)"), required=False,
        help_text=_("Otherwise the category follows the income and the local standard."),
    )  # fmt: skip
    category_reason = forms.CharField(label=_("reason for the category"), required=False, max_length=200)
    contact_person = forms.ModelChoiceField(label=_("contact person"), queryset=User.objects.none())

    def __init__(self, *args, household: Household, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_person"].queryset = contact_people_for(household)
        self.fields["contact_person"].initial = user.pk

    def clean_secondary_causes(self):
        causes = self.cleaned_data["secondary_causes"]
        if len(causes) > 3:
            raise forms.ValidationError(_("Up to three."))
        return causes

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "primary_cause": data["primary_cause"],
            "secondary_causes": data["secondary_causes"],
            "contact_person": data["contact_person"],
            "category": Category.ACCIDENT if data["accident"] else "",
            "category_reason": data["category_reason"],
        }


def contact_people_for(household: Household):
    """Caseworkers of the household's union or above: the people who can carry the file."""
    ancestors = household.organization.ancestor_paths()
    return (
        User.objects.filter(is_active=True, groups__name=Role.CASEWORKER, organization__path__in=ancestors)
        .select_related("organization")
        .order_by("organization__path", "username")
    )


class TransitionForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notice_start = forms.DateField(label=_("public notice from"), required=False, widget=DateInput)
    notice_end = forms.DateField(
        label=_("public notice until"), required=False, widget=DateInput,
        help_text=_("Leave empty: the notice lasts the working days of the local standard."),
    )  # fmt: skip
    authorization_signed = forms.BooleanField(
        label=_("The applicant has signed the authorization to check family finances"), required=False
    )
    cancel_reason = forms.ChoiceField(
        label=_("cancel reason"), choices=[("", "---------"), *CancelReason.choices], required=False
    )

    FIELDS_FOR = {
        "home_check": ["authorization_signed", "comment"],
        "start_notice": ["notice_start", "notice_end", "comment"],
        "start_exit_notice": ["notice_start", "notice_end", "comment"],
        "cancel": ["cancel_reason", "comment"],
    }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS_FOR.get(action, ["comment"]):
                del self.fields[name]


class PlanForm(BootstrapMixin, forms.Form):
    goals = forms.CharField(label=_("goals"), widget=forms.Textarea(attrs={"rows": 3}))


class MeasureForm(ConstraintErrorsAtFieldMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PlanMeasure
        fields = ["measure_type", "description", "responsible", "due_date"]
        widgets = {"due_date": DateInput}

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = contact_people_for(household)


class MeasureStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=MeasureStatus.choices)
    outcome = forms.CharField(label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class VisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("visit date"), widget=DateInput, initial=timezone.localdate)
    kind = forms.ChoiceField(label=pgettext_lazy("visit", "kind"), choices=VisitKind.choices)
    visitors = forms.CharField(label=_("visitors"), required=False, max_length=200)
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 4}))
    measures_checked = forms.ModelMultipleChoiceField(
        label=_("Measures checked"), queryset=PlanMeasure.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    update_finances = forms.BooleanField(label=_("The family's finances changed"), required=False)
    next_due = forms.DateField(
        label=_("next visit due"), widget=DateInput, required=False,
        help_text=_("Leave empty for the usual interval (six months by default)."),
    )  # fmt: skip
    attachments = MultipleFileField(label=_("Photos or PDF"), required=False)

    def __init__(self, *args, file, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures_checked"].queryset = (
            PlanMeasure.objects.filter(plan__file=file).open().select_related("plan")
        )
