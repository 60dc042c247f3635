"""One small rule per program kind (DOMAIN.md "Aid programs"). Every number comes from the program's parameters.

A rule answers: is this application eligible, why (in words the caseworker and the approver read), and how much it
suggests and allows at most. Rules read the amounts already granted this year from the database.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import FILED_STATUSES, Relation
from cases.models import LocalStandard
from programs.choices import HIGHER_EDUCATION, SENIOR_HIGH, ProgramKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def show(amount) -> str:
    return f"{yuan(amount):,.2f}"


def plain(number: Decimal) -> str:
    """10 rather than 1E+1 or 10.00: months and percentages as people write them."""
    return format(number.normalize(), "f")


@dataclass(frozen=True)
class Parameter:
    name: str
    label: Promise
    help: Promise
    kind: str = "money"  # money | percent | months | bands
    required: bool = True

    def clean(self, value):
        """The stored form of a value, or a ValidationError with a message that names the parameter."""
        if value in (None, "", []):
            if self.required:
                raise ValidationError(_("%(label)s is required.") % {"label": self.label})
            return None
        if self.kind == "bands":
            return self._clean_bands(value)
        try:
            number = Decimal(str(value))
        except InvalidOperation as error:
            raise ValidationError(_("%(label)s must be a number.") % {"label": self.label}) from error
        limits = {"percent": (0, 100), "months": (0, 24)}.get(self.kind, (0, None))
        if number < limits[0] or (limits[1] is not None and number > limits[1]):
            raise ValidationError(
                _("%(label)s must be between %(low)s and %(high)s.")
                % {"label": self.label, "low": limits[0], "high": limits[1] if limits[1] is not None else "∞"}
            )
        return str(yuan(number))

    def _clean_bands(self, value):
        try:
            bands = sorted((yuan(Decimal(str(low))), yuan(Decimal(str(amount)))) for low, amount in value)
        except (InvalidOperation, TypeError, ValueError) as error:
            raise ValidationError(_("%(label)s: give pairs of cost and amount.") % {"label": self.label}) from error
        if not bands or any(low < 0 or amount < 0 for low, amount in bands):
            raise ValidationError(_("%(label)s: amounts must not be negative.") % {"label": self.label})
        if len({low for low, _amount in bands}) != len(bands):
            raise ValidationError(_("%(label)s: each band starts at a different cost.") % {"label": self.label})
        return [[str(low), str(amount)] for low, amount in bands]


@dataclass
class Verdict:
    """What a rule says of an application. `reasons` are (passed, text) pairs, in the order they were checked."""

    reasons: list[tuple[bool, str]] = field(default_factory=list)
    suggested: Decimal = ZERO
    maximum: Decimal = ZERO

    @property
    def eligible(self) -> bool:
        return all(passed for passed, _text in self.reasons)

    @property
    def failures(self) -> list[str]:
        return [text for passed, text in self.reasons if not passed]

    def check(self, passed: bool, when_passed: str, when_failed: str) -> bool:
        self.reasons.append((passed, when_passed if passed else when_failed))
        return passed

    def note(self, text: str) -> None:
        self.reasons.append((True, text))

    def allow(self, maximum: Decimal, suggested: Decimal | None = None) -> None:
        self.maximum = max(yuan(maximum), ZERO)
        self.suggested = min(yuan(suggested if suggested is not None else maximum), self.maximum)
        self.suggested = max(self.suggested, ZERO)


class Rule:
    kind: str = ""
    parameters: tuple[Parameter, ...] = ()
    # The application's own figures this kind reads; the apply form shows these.
    figures: tuple[str, ...] = ()
    pays_money = True

    def __init__(self, program):
        self.program = program
        self.params = program.parameters or {}

    def money(self, name: str) -> Decimal | None:
        value = self.params.get(name)
        return None if value in (None, "") else Decimal(str(value))

    @classmethod
    def clean_parameters(cls, raw: dict) -> dict:
        cleaned, errors = {}, {}
        for parameter in cls.parameters:
            try:
                value = parameter.clean(raw.get(parameter.name))
            except ValidationError as error:
                errors[parameter.name] = error.messages
                continue
            if value is not None:
                cleaned[parameter.name] = value
        if errors:
            raise ValidationError(errors)
        return cleaned

    def evaluate(self, application) -> Verdict:
        verdict = Verdict()
        member = application.beneficiary
        verdict.check(
            member.household_id == application.household_id and member.is_active,
            _("%(name)s is a current member of the household.") % {"name": member.name},
            _("The beneficiary must be a current member of this household."),
        )
        filed = is_filed(application)
        if self.program.needs_file:
            verdict.check(
                filed,
                _("The household has an active hardship file."),
                _("This program is for households with an active hardship file (先建档、后帮扶)."),
            )
        elif not filed:
            verdict.note(_("The household has no active file; this program is open to unfiled workers."))
        self.judge(application, verdict)
        if not verdict.eligible:
            verdict.allow(ZERO)
        return verdict

    def judge(self, application, verdict: Verdict) -> None:
        raise NotImplementedError

    def describe(self) -> list[str]:
        raise NotImplementedError


def is_filed(application) -> bool:
    file = application.file
    return file is not None and file.status in FILED_STATUSES and file.household_id == application.household_id


def granted_this_year(application, *, kind: str, member=None) -> Decimal:
    """Aid of a kind already approved or paid this year to the household (or to one member), this one excluded."""
    from programs.models import AidApplication
    from programs.models.programs import granted_amount

    granted = AidApplication.objects.granted().filter(year=application.year, program__kind=kind)
    granted = (
        granted.filter(beneficiary=member)
        if member is not None
        else granted.filter(household_id=application.household_id)
    )
    if application.pk:
        granted = granted.exclude(pk=application.pk)
    return granted.aggregate(total=Sum(granted_amount()))["total"] or ZERO


def dibao_line(application) -> Decimal | None:
    household = application.household
    standard = LocalStandard.objects.for_union(household.organization, application.year)
    return standard.dibao_line if standard else None


class LivingAid(Rule):
    kind = ProgramKind.LIVING
    parameters = (
        Parameter(
            "months_deep",
            gettext_lazy("Months for deep hardship"),
            gettext_lazy("Months of the minimum living line a deep-hardship household gets, e.g. 10."),
            "months",
        ),
        Parameter(
            "months_relative",
            gettext_lazy("Months for relative hardship"),
            gettext_lazy("Months of the line a relative-hardship household gets, e.g. 8."),
            "months",
        ),
        Parameter(
            "months_accident",
            gettext_lazy("Months for accident hardship"),
            gettext_lazy("Months of the line an accident-hardship household gets, e.g. 8."),
            "months",
        ),
        Parameter(
            "cap_months",
            gettext_lazy("Yearly cap (months)"),
            gettext_lazy(
                "At most this many months of the line per household per year, all living aid together, e.g. 12."
            ),
            "months",
        ),
    )

    def judge(self, application, verdict):
        file = application.file
        line = dibao_line(application)
        if not verdict.check(
            line is not None,
            _("The local minimum living line is set."),
            _("No local minimum living line is set for this union and year."),
        ):
            return
        if file is None:
            verdict.check(False, "", _("Living aid follows the hardship category of the file."))
            return
        months = self.money(f"months_{file.category}") or ZERO
        already = granted_this_year(application, kind=self.kind)
        room = self.money("cap_months") * line - already
        verdict.note(
            _("%(category)s: %(months)s months × %(line)s = %(amount)s.")
            % {
                "category": file.get_category_display(),
                "months": plain(months),
                "line": show(line),
                "amount": show(months * line),
            }
        )
        verdict.check(
            room > 0,
            _("Living aid granted this year: %(already)s; room under the yearly cap: %(room)s.")
            % {"already": show(already), "room": show(room)},
            _("The yearly cap of living aid is reached (%(already)s granted this year).") % {"already": show(already)},
        )
        verdict.allow(min(months * line, room))

    def describe(self):
        return [
            _(
                "Deep hardship: %(deep)s months of the minimum living line; "
                "relative: %(relative)s; accident: %(accident)s."
            )
            % {
                "deep": plain(self.money("months_deep") or ZERO),
                "relative": plain(self.money("months_relative") or ZERO),
                "accident": plain(self.money("months_accident") or ZERO),
            },
            _("A household gets at most %(cap)s months of the line a year from all living aid.")
            % {"cap": plain(self.money("cap_months") or ZERO)},
        ]


class CriticalIllness(Rule):
    """病种+费用: the disease is on the list AND the out-of-pocket cost reaches the threshold."""

    kind = ProgramKind.CRITICAL_ILLNESS
    figures = ("disease", "diagnosis", "out_of_pocket_cost")
    parameters = (
        Parameter(
            "threshold",
            gettext_lazy("Out-of-pocket threshold (yuan)"),
            gettext_lazy("The cost after all reimbursement must reach this, e.g. 30000."),
        ),
        Parameter(
            "bands",
            gettext_lazy("Amount by cost band"),
            gettext_lazy(
                "One band per line, “cost=amount”: from that out-of-pocket cost up, the grant is that amount."
            ),
            "bands",
        ),
        Parameter(
            "yearly_cap",
            gettext_lazy("Yearly cap per household (yuan)"),
            gettext_lazy("Optional: at most this much critical-illness aid per household per year."),
            required=False,
        ),
    )

    def judge(self, application, verdict):
        disease = application.disease
        verdict.check(
            disease is not None and disease.program_id == self.program.pk,
            _("%(disease)s is on the program's list of diseases.") % {"disease": disease},
            _("The disease must be one on the program's list."),
        )
        cost = application.out_of_pocket_cost
        threshold = self.money("threshold")
        if not verdict.check(
            cost is not None and cost >= threshold,
            _("Out-of-pocket cost %(cost)s reaches the threshold of %(threshold)s.")
            % {"cost": show(cost or 0), "threshold": show(threshold)},
            _("Out-of-pocket cost %(cost)s is below the threshold of %(threshold)s.")
            % {"cost": show(cost or 0), "threshold": show(threshold)},
        ):
            return
        band = ZERO
        for low, amount in self.params.get("bands", []):
            if cost >= Decimal(low):
                band = Decimal(amount)
        verdict.note(_("The cost band gives %(amount)s.") % {"amount": show(band)})
        maximum = min(band, cost)
        if cost < band:
            verdict.note(_("Never more than the out-of-pocket cost: %(cost)s.") % {"cost": show(cost)})
        cap = self.money("yearly_cap")
        if cap is not None:
            already = granted_this_year(application, kind=self.kind)
            verdict.check(
                already < cap,
                _("Granted this year: %(already)s of the yearly cap %(cap)s.")
                % {"already": show(already), "cap": show(cap)},
                _("The yearly cap of %(cap)s is reached.") % {"cap": show(cap)},
            )
            maximum = min(maximum, cap - already)
        verdict.allow(maximum)

    def describe(self):
        bands = "；".join(
            _("from %(cost)s: %(amount)s") % {"cost": show(low), "amount": show(amount)}
            for low, amount in self.params.get("bands", [])
        )
        lines = [
            _(
                "The disease is on the list and the out-of-pocket cost "
                "after all reimbursement is at least %(threshold)s."
            )
            % {"threshold": show(self.money("threshold") or 0)},
            _("Amount by cost band: %(bands)s; never more than the out-of-pocket cost.") % {"bands": bands},
        ]
        if self.money("yearly_cap") is not None:
            lines.append(_("At most %(cap)s per household a year.") % {"cap": show(self.money("yearly_cap"))})
        return lines


class GoldenAutumn(Rule):
    """金秋助学: per student per year, by stage, more for filed households."""

    kind = ProgramKind.GOLDEN_AUTUMN
    figures = ("education_stage", "school")
    parameters = (
        Parameter("higher_filed", gettext_lazy("Higher education, filed household (yuan)"), gettext_lazy("e.g. 5000")),
        Parameter("senior_filed", gettext_lazy("Senior high, filed household (yuan)"), gettext_lazy("e.g. 3000")),
        Parameter(
            "higher_unfiled",
            gettext_lazy("Higher education, other households (yuan)"),
            gettext_lazy("e.g. 4000; used when the program is open to unfiled workers."),
            required=False,
        ),
        Parameter(
            "senior_unfiled",
            gettext_lazy("Senior high, other households (yuan)"),
            gettext_lazy("e.g. 2000; used when the program is open to unfiled workers."),
            required=False,
        ),
    )

    def judge(self, application, verdict):
        stage = application.education_stage or application.beneficiary.education_stage
        member = application.beneficiary
        if not verdict.check(
            member.relation == Relation.CHILD,
            _("%(name)s is a child of the worker (filed under the parent).") % {"name": member.name},
            _("Golden Autumn grants are for the workers' children, filed under the parent."),
        ):
            return
        group = "higher" if stage in HIGHER_EDUCATION else "senior" if stage in SENIOR_HIGH else None
        label = dict(application._meta.get_field("education_stage").choices).get(stage, stage or "—")
        if not verdict.check(
            group is not None,
            _("%(name)s is a student at an eligible stage (%(stage)s).")
            % {"name": application.beneficiary.name, "stage": label},
            _("Golden Autumn grants are for students in senior high school or higher education."),
        ):
            return
        already = granted_this_year(application, kind=self.kind, member=application.beneficiary)
        verdict.check(
            already == 0,
            _("No Golden Autumn grant for this student this year yet."),
            _("This student already has a Golden Autumn grant this year (%(amount)s).") % {"amount": show(already)},
        )
        filed = is_filed(application)
        amount = self.money(f"{group}_{'filed' if filed else 'unfiled'}")
        if not verdict.check(
            amount is not None and amount > 0,
            _("The amount for this stage is set."),
            _("The program sets no amount for this stage and this kind of household."),
        ):
            return
        verdict.note(
            _("%(stage)s, %(household)s household: %(amount)s.")
            % {"stage": label, "amount": show(amount), "household": _("filed") if filed else _("unfiled")}
        )
        verdict.allow(amount)

    def describe(self):
        lines = [
            _("Per student per year, once. Filed households: higher education %(higher)s, senior high %(senior)s.")
            % {"higher": show(self.money("higher_filed") or 0), "senior": show(self.money("senior_filed") or 0)}
        ]
        if self.program.open_to_unfiled:
            lines.append(
                _("Other households: higher education %(higher)s, senior high %(senior)s.")
                % {"higher": show(self.money("higher_unfiled") or 0), "senior": show(self.money("senior_unfiled") or 0)}
            )
        return lines


class TemporaryRelief(Rule):
    """临时救助: sudden hardship, unfiled workers too; a yearly cap per household."""

    kind = ProgramKind.TEMPORARY
    figures = ("hardship_costs",)
    parameters = (
        Parameter("yearly_cap", gettext_lazy("Yearly cap per household (yuan)"), gettext_lazy("e.g. 10000")),
        Parameter(
            "cost_share_percent",
            gettext_lazy("Share of the hardship costs (%)"),
            gettext_lazy("Optional: at most this share of the event's hardship costs, e.g. 15."),
            "percent",
            required=False,
        ),
    )

    def judge(self, application, verdict):
        cap = self.money("yearly_cap")
        already = granted_this_year(application, kind=self.kind)
        room = cap - already
        verdict.check(
            room > 0,
            _("Temporary relief this year: %(already)s of the yearly cap %(cap)s.")
            % {"already": show(already), "cap": show(cap)},
            _("The yearly cap of %(cap)s is reached (%(already)s granted this year).")
            % {"already": show(already), "cap": show(cap)},
        )
        maximum = room
        share = self.money("cost_share_percent")
        if share is not None:
            costs = application.hardship_costs
            if not verdict.check(
                bool(costs),
                _("Hardship costs: %(costs)s.") % {"costs": show(costs or 0)},
                _("Give the hardship costs of the event."),
            ):
                return
            verdict.note(
                _("%(share)s%% of the costs is %(amount)s.")
                % {"share": plain(share), "amount": show(costs * share / 100)}
            )
            maximum = min(maximum, costs * share / 100)
        verdict.allow(maximum)

    def describe(self):
        lines = [
            _("For sudden hardship, also for workers without a file; at most %(cap)s per household a year.")
            % {"cap": show(self.money("yearly_cap") or 0)}
        ]
        if self.money("cost_share_percent") is not None:
            lines.append(
                _("And at most %(share)s%% of the event's hardship costs.")
                % {"share": plain(self.money("cost_share_percent"))}
            )
        return lines


class HolidayVisit(Rule):
    """送温暖: a fixed amount per filed household, once a year, issued as a batch."""

    kind = ProgramKind.HOLIDAY
    parameters = (Parameter("amount", gettext_lazy("Amount per household (yuan)"), gettext_lazy("e.g. 1500")),)

    def judge(self, application, verdict):
        already = granted_this_year(application, kind=self.kind)
        verdict.check(
            already == 0,
            _("No holiday visit for this household this year yet."),
            _("This household already had a holiday visit this year."),
        )
        verdict.allow(self.money("amount"))

    def describe(self):
        return [
            _("%(amount)s for each household with an active file, once a year, approved as one batch.")
            % {"amount": show(self.money("amount") or 0)}
        ]


class MedicalMutualAid(Rule):
    """医疗互助保障: a share of the cost the plan covers, capped."""

    kind = ProgramKind.MEDICAL_MUTUAL
    figures = ("diagnosis", "covered_cost")
    parameters = (
        Parameter("percent", gettext_lazy("Share of the covered cost (%)"), gettext_lazy("e.g. 50"), "percent"),
        Parameter("claim_cap", gettext_lazy("Cap per claim (yuan)"), gettext_lazy("e.g. 5000")),
        Parameter(
            "yearly_cap",
            gettext_lazy("Yearly cap per member (yuan)"),
            gettext_lazy("Optional: at most this much per member a year."),
            required=False,
        ),
    )

    def judge(self, application, verdict):
        member = application.beneficiary
        verdict.check(
            member.is_union_member,
            _("%(name)s is a union member in the mutual-aid plan.") % {"name": member.name},
            _("Mutual aid pays union members who joined the plan."),
        )
        cost = application.covered_cost
        if not verdict.check(
            bool(cost),
            _("Covered cost: %(cost)s.") % {"cost": show(cost or 0)},
            _("Give the medical cost the plan covers."),
        ):
            return
        percent = self.money("percent")
        maximum = min(cost * percent / 100, self.money("claim_cap"))
        verdict.note(
            _("%(percent)s%% of %(cost)s, at most %(cap)s a claim.")
            % {"percent": plain(percent), "cost": show(cost), "cap": show(self.money("claim_cap"))}
        )
        cap = self.money("yearly_cap")
        if cap is not None:
            already = granted_this_year(application, kind=self.kind, member=member)
            verdict.check(
                already < cap,
                _("Paid to this member this year: %(already)s of %(cap)s.")
                % {"already": show(already), "cap": show(cap)},
                _("The member's yearly cap of %(cap)s is reached.") % {"cap": show(cap)},
            )
            maximum = min(maximum, cap - already)
        verdict.allow(maximum)

    def describe(self):
        return [
            _("%(percent)s%% of the cost the plan covers, at most %(cap)s a claim.")
            % {"percent": plain(self.money("percent") or ZERO), "cap": show(self.money("claim_cap") or 0)}
        ]


class ServiceOnly(Rule):
    """Employment help and legal aid: no money, a measure with an outcome."""

    pays_money = False

    def judge(self, application, verdict):
        verdict.note(_("This program gives a service, not money; record its outcome on the plan measure."))
        verdict.allow(ZERO)

    def describe(self):
        return [_("A service, not money: training, job referral or legal help, recorded as a plan measure.")]


class EmploymentHelp(ServiceOnly):
    kind = ProgramKind.EMPLOYMENT


class LegalAid(ServiceOnly):
    kind = ProgramKind.LEGAL


RULES: dict[str, type[Rule]] = {
    rule.kind: rule
    for rule in (
        LivingAid,
        CriticalIllness,
        GoldenAutumn,
        TemporaryRelief,
        HolidayVisit,
        MedicalMutualAid,
        EmploymentHelp,
        LegalAid,
    )
}


def rule_for(program) -> Rule:
    return RULES[program.kind](program)
