"""The configuration of the aid programs: programs with their rule's numbers, diseases, budgets, funding, tiers."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import GlobalConfigAdminMixin, ScopedAdminMixin
from programs.choices import ProgramKind
from programs.models import ApprovalTier, Budget, Disease, FundingSource, Program
from programs.rules import RULES, yuan

PARAMETER_PREFIX = "param_"


class OwnSubtreeAdminMixin(ScopedAdminMixin):
    """Programs and budgets are visible below their owner, but only the owner's subtree manages them."""

    def scope_queryset(self, request, queryset):
        queryset = super().scope_queryset(request, queryset)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(org_path__startswith=request.user.organization.path)


def chosen_kind(data, instance, initial) -> str:
    """The kind whose parameters the form asks for: as posted, else the program's, else `?kind=`, else living aid."""
    for kind in (data.get("kind"), getattr(instance, "kind", None), initial.get("kind")):
        if kind in RULES:
            return kind
    return ProgramKind.LIVING


def plain_number(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


class BandsField(forms.CharField):
    """Cost bands typed one per line as `cost=amount`, e.g. `30000=4000`; cleaned to `[[cost, amount], ...]`."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 30})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{plain_number(low)}={plain_number(amount)}" for low, amount in value)
        return value

    def to_python(self, value):
        bands = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            # People type full-width signs and thousands separators with a Chinese input method.
            line = line.replace("＝", "=").replace(",", "").replace("，", "").replace(" ", "").strip()
            if not line:
                continue
            cost, _sign, amount = line.partition("=")
            try:
                Decimal(cost), Decimal(amount)
            except InvalidOperation as error:
                raise ValidationError(
                    _("Line %(number)s: write “cost=amount”, e.g. 30000=4000."), params={"number": number}
                ) from error
            bands.append([cost, amount])
        return bands


def parameter_field(parameter, initial):
    options = {"label": parameter.label, "help_text": parameter.help, "required": parameter.required}
    if parameter.kind == "bands":
        return BandsField(initial=initial or None, **options)
    return forms.DecimalField(max_digits=12, decimal_places=2, initial=initial, **options)


class ProgramForm(forms.ModelForm):
    """The program with one field per parameter of its kind's rule, instead of the raw JSON."""

    class Meta:
        model = Program
        fields = [
            "code", "name", "kind", "organization", "year", "funding_source", "is_active", "pays_money",
            "open_to_unfiled", "description",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_class = RULES[chosen_kind(self.data, self.instance, self.initial)]
        if not self.instance.pk:
            # The kind shown is the one whose parameters are asked for; choosing another reopens the form for it.
            self.initial.setdefault("kind", self.rule_class.kind)
            self.fields["kind"].widget.attrs["data-reload-with-kind"] = ""
        stored = (self.instance.parameters or {}) if self.instance.kind == self.rule_class.kind else {}
        for parameter in self.rule_class.parameters:
            self.fields[PARAMETER_PREFIX + parameter.name] = parameter_field(parameter, stored.get(parameter.name))

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and self.instance.applications.exists():
            # The rule reads the applications' figures by kind; the budget lines sit below the owner.
            for name in ("kind", "organization", "year"):
                if name in self.changed_data:
                    self.add_error(name, _("Applications were made to this program; this cannot change."))
        if not self.rule_class.pays_money and cleaned_data.get("pays_money"):
            self.add_error(
                "pays_money",
                _("%(kind)s gives a service, not money: untick “pays money”.")
                % {"kind": ProgramKind(self.rule_class.kind).label},
            )
        names = [PARAMETER_PREFIX + parameter.name for parameter in self.rule_class.parameters]
        if cleaned_data.get("kind") != self.rule_class.kind or any(name in self.errors for name in names):
            return cleaned_data
        raw = {name.removeprefix(PARAMETER_PREFIX): cleaned_data.get(name) for name in names}
        try:
            self.instance.parameters = self.rule_class.clean_parameters(raw)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(PARAMETER_PREFIX + name, messages)
        return cleaned_data


class DiseaseInline(admin.TabularInline):
    model = Disease
    fields = ["name", "category"]
    extra = 1


@admin.register(Program)
class ProgramAdmin(OwnSubtreeAdminMixin, SimpleHistoryAdmin):
    form = ProgramForm
    inlines = [DiseaseInline]
    list_display = ["code", "name", "kind", "owner", "year", "is_active", "pays_money"]
    list_filter = ["kind", "year", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["organization"]
    readonly_fields = ["parameter_summary"]

    class Media:
        js = ["js/program_admin.js"]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            parameters = ["parameter_summary"]
        else:
            rule_class = RULES[chosen_kind(request.POST, obj, request.GET)]
            parameters = [PARAMETER_PREFIX + parameter.name for parameter in rule_class.parameters]
        return [
            (None, {"fields": ProgramForm.Meta.fields}),
            (
                _("Rule parameters"),
                {
                    "fields": parameters,
                    "description": _("Change the kind and save: the form then asks for that kind's parameters."),
                },
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The parameter fields are not model fields: the form adds them itself.
        fields = kwargs.pop("fields") if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        fields = [name for name in fields if not name.startswith(PARAMETER_PREFIX)]
        return super().get_form(request, obj, change, fields=fields, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["label"] = _("owning union")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("owning union"), ordering="org_path")
    def owner(self, obj):
        return obj.organization.name

    @admin.display(description=_("rule parameters"))
    def parameter_summary(self, obj):
        stored = obj.parameters or {}
        return format_html_join(
            "\n",
            "<div>{}: {}</div>",
            ((parameter.label, stored.get(parameter.name, "—")) for parameter in RULES[obj.kind].parameters),
        )

    def save_model(self, request, obj, form, change):
        obj.set_organization(obj.organization)
        super().save_model(request, obj, form, change)


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["program", "organization", "year", "amount", "notes"]

    def clean(self):
        cleaned_data = super().clean()
        program, organization, year = (cleaned_data.get(name) for name in ("program", "organization", "year"))
        if program is None:
            return cleaned_data
        if organization is not None and not organization.path.startswith(program.org_path):
            self.add_error(
                "organization",
                _("%(union)s is not %(owner)s or a union below it; only those may have a line of this program.")
                % {"union": organization.name, "owner": program.organization.name},
            )
        if year is not None and year != program.year:
            self.add_error("year", _("The program is for %(year)s; its budget lines are too.") % {"year": program.year})
        if self.instance.pk:
            self._check_in_use(cleaned_data)
        return cleaned_data

    def _check_in_use(self, cleaned_data):
        """A line that money was drawn on keeps its program, union and year, and never drops below what is used."""
        from programs.services.money import budget_used

        used = budget_used(self.instance)
        amount = cleaned_data.get("amount")
        if amount is not None and amount < used:
            self.add_error("amount", _("%(used)s is already approved or paid from this line.") % {"used": used})
        if self.instance.applications.exists():
            for name in ("program", "organization", "year"):
                if name in self.changed_data:
                    self.add_error(name, _("Applications draw on this line; it cannot move."))


@admin.register(Budget)
class BudgetAdmin(OwnSubtreeAdminMixin, SimpleHistoryAdmin):
    form = BudgetForm
    list_display = ["program", "union", "year", "amount", "committed", "paid", "remaining"]
    list_filter = ["year", "program__kind"]
    search_fields = ["program__name", "program__code", "organization__name"]
    list_select_related = ["program", "organization"]
    derived_fields = ["committed", "paid", "remaining"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    def get_fields(self, request, obj=None):
        # The derived numbers exist once the line does, and are never typed in.
        return BudgetForm.Meta.fields + (self.derived_fields if obj is not None else [])

    def get_readonly_fields(self, request, obj=None):
        return self.derived_fields if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            # Only the program's own branch hands out its money: a union cannot open a line on a program above it.
            programs = Program.objects.all()
            if not request.user.is_superuser:
                programs = programs.filter(org_path__startswith=request.user.organization.path)
            kwargs["queryset"] = programs
        if db_field.name == "organization":
            kwargs["label"] = _("union")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("union"), ordering="org_path")
    def union(self, obj):
        return obj.organization.name

    @admin.display(description=_("committed (yuan)"), ordering="committed")
    def committed(self, obj):
        return yuan(obj.committed)

    @admin.display(description=_("paid (yuan)"), ordering="paid")
    def paid(self, obj):
        return yuan(obj.paid)

    @admin.display(description=_("remaining (yuan)"), ordering=F("amount") - F("committed") - F("paid"))
    def remaining(self, obj):
        return yuan(obj.remaining)

    def save_model(self, request, obj, form, change):
        obj.set_organization(obj.organization)
        super().save_model(request, obj, form, change)


@admin.register(FundingSource)
class FundingSourceAdmin(GlobalConfigAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "union_level", "donor"]
    list_filter = ["kind", "union_level"]
    search_fields = ["name", "donor"]


@admin.register(ApprovalTier)
class ApprovalTierAdmin(GlobalConfigAdminMixin, SimpleHistoryAdmin):
    list_display = ["kinds", "amount_from", "amount_to", "union_kind"]
    list_filter = ["program_kind", "union_kind"]

    @admin.display(description=_("program kind"), ordering="program_kind")
    def kinds(self, obj):
        return obj.get_program_kind_display() or _("Every kind without tiers of its own")
