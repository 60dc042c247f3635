from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin, ConstraintErrorsAtFieldMixin, DateInput, FilterForm
from accounts.models import Organization
from cases.choices import FILED_STATUSES
from cases.forms import MultipleFileField
from cases.models import Household, PlanMeasure
from programs.choices import ApplicationStatus, DisbursementMethod, ProgramKind
from programs.models import AidApplication, Disbursement, Disease, Program

MONEY_WIDGET = {"inputmode": "decimal", "step": "0.01", "min": "0"}


class ApplicationForm(ConstraintErrorsAtFieldMixin, BootstrapMixin, forms.ModelForm):
    """The fields every application has, plus the figures its program's rule reads."""

    attachments = MultipleFileField(label=_("Supporting documents (photos or PDF)"), required=False)

    class Meta:
        model = AidApplication
        fields = [
            "beneficiary", "measure", "reason", "disease", "diagnosis", "out_of_pocket_cost", "covered_cost",
            "hardship_costs", "education_stage", "school", "requested_amount",
        ]  # fmt: skip
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "out_of_pocket_cost": forms.NumberInput(attrs=MONEY_WIDGET),
            "covered_cost": forms.NumberInput(attrs=MONEY_WIDGET),
            "hardship_costs": forms.NumberInput(attrs=MONEY_WIDGET),
            "requested_amount": forms.NumberInput(attrs=MONEY_WIDGET),
        }
        help_texts = {"requested_amount": _("Leave empty to ask for the amount the rule suggests.")}

    def __init__(self, *args, program: Program, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        rule = program.rule
        self.fields["beneficiary"].queryset = household.members.active().order_by("id")
        self.fields["beneficiary"].empty_label = None
        file = household.current_file
        measures = PlanMeasure.objects.none()
        if file is not None and file.status in FILED_STATUSES:
            measures = PlanMeasure.objects.filter(plan__file=file).open().select_related("plan")
        self.fields["measure"].queryset = measures
        self.fields["measure"].required = False
        self.fields["disease"].queryset = Disease.objects.filter(program=program)
        for name in ("disease", "diagnosis", "out_of_pocket_cost", "covered_cost", "hardship_costs",
                     "education_stage", "school"):  # fmt: skip
            if name not in rule.figures:
                del self.fields[name]
        if "disease" in self.fields:
            self.fields["disease"].required = True
        if not program.pays_money:
            del self.fields["requested_amount"]
        if program.kind == ProgramKind.CRITICAL_ILLNESS:
            self.fields["out_of_pocket_cost"].required = True
        if program.kind == ProgramKind.GOLDEN_AUTUMN:
            self.fields["beneficiary"].label = _("student")

    def figures(self) -> dict:
        data = self.cleaned_data
        names = ("disease", "diagnosis", "out_of_pocket_cost", "covered_cost", "hardship_costs", "education_stage",
                 "school")  # fmt: skip
        return {name: data[name] for name in names if name in data}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "beneficiary": data["beneficiary"],
            "reason": data["reason"],
            "measure": data.get("measure"),
            "requested_amount": data.get("requested_amount"),
            "attachments": data.get("attachments") or [],
            **self.figures(),
        }


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(CommentForm):
    amount = forms.DecimalField(
        label=_("approved amount (yuan)"), min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs=MONEY_WIDGET),
    )  # fmt: skip
    field_order = ["amount", "comment"]


class DisbursementForm(ConstraintErrorsAtFieldMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Disbursement
        fields = ["amount", "paid_on", "method", "reference"]
        widgets = {"paid_on": DateInput, "amount": forms.NumberInput(attrs=MONEY_WIDGET)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate
        self.fields["method"].initial = DisbursementMethod.BANK_TRANSFER


class ApplicationFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("status"), required=False, choices=ApplicationStatus.choices)
    program = forms.ModelChoiceField(label=_("program"), required=False, queryset=Program.objects.none(),
                                     empty_label=_("All programs"))  # fmt: skip
    union = forms.ModelChoiceField(label=_("union"), required=False, queryset=Organization.objects.none(),
                                   empty_label=_("All unions"))  # fmt: skip
    paid_year = forms.IntegerField(label=_("year paid"), required=False, min_value=2000, max_value=2100,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.visible_to(user).order_by("-year", "name")
        self.fields["union"].queryset = Organization.objects.visible_to(user).active()

    def filter(self, applications):
        """The applications that match; the union means its whole subtree, the year paid a payment in it."""
        data = self.cleaned_data
        if data["status"]:
            applications = applications.filter(status=data["status"])
        if data["program"]:
            applications = applications.filter(program=data["program"])
        if data["union"]:
            applications = applications.filter(org_path__startswith=data["union"].path)
        if data["paid_year"]:
            applications = applications.filter(disbursement__paid_on__year=data["paid_year"])
        return applications
