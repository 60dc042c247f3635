from datetime import date
from decimal import Decimal

import pytest

from cases.choices import Health, Relation, WorkStatus
from cases.errors import NoLocalStandard
from cases.models import LocalStandard
from cases.services.households import Finances, income_assess
from tests.cases.factories import make_household, make_standard, member_values

DAY = date(2026, 6, 1)


def assess(household, by, **figures):
    finances = Finances(**{name: Decimal(value) for name, value in figures.items()})
    return income_assess(household=household, by=by, finances=finances, assessed_on=DAY)


def test_the_domain_formula_worked_example(household, caseworker):
    # (30000 + 6000 + 0 + 1200 + 0 - 8000 - 0 - 2000 - 0 - 0) / 3 / 12 = 755.555... -> 755.56
    result = assess(
        household, caseworker, wages=30000, business_income=6000, transfer_income=1200, medical_costs=8000,
        schooling_costs=2000,
    )  # fmt: skip
    assert result.per_capita_monthly == Decimal("755.56")
    assert result.household_size == 3
    assert result.dibao_line == Decimal("1000.00")
    assert result.implied_category == "deep"


@pytest.mark.parametrize(
    ("annual_wages", "category"),
    [("35999.64", "deep"), ("36000", "relative"), ("71999.64", "relative"), ("72000", "above")],
)
def test_the_category_follows_the_line_and_twice_the_line(household, caseworker, annual_wages, category):
    assert assess(household, caseworker, wages=annual_wages).implied_category == category


def test_costs_can_take_income_below_zero(household, caseworker):
    assert assess(household, caseworker, wages=1000, medical_costs=50000).per_capita_monthly < 0


def test_an_able_member_without_work_counts_at_the_minimum_wage(standard, caseworker, tree):
    household = make_household(
        tree["street_a"],
        caseworker,
        members=[
            member_values(work_status=WorkStatus.UNEMPLOYED),
            member_values(Relation.SPOUSE, "李娜", date(1982, 3, 2), work_status=WorkStatus.UNEMPLOYED,
                          health=Health.SERIOUS),
            member_values(Relation.PARENT, "张德", date(1950, 3, 2), work_status=WorkStatus.UNEMPLOYED),
        ],
    )  # fmt: skip
    result = assess(household, caseworker)
    # Only the head counts: the spouse is seriously ill, the parent is past working age.
    assert result.imputed_wages == Decimal("24000.00")
    assert result.per_capita_monthly == Decimal("666.67")


def test_the_nearest_standard_up_the_tree_wins(household, caseworker, tree):
    make_standard(tree["county"], dibao="1100.00")
    make_standard(tree["city"], dibao="900.00")
    assert assess(household, caseworker, wages=1).dibao_line == Decimal("1100.00")
    assert LocalStandard.objects.for_union(tree["sibling_county"], 2026).dibao_line == Decimal("900.00")
    assert LocalStandard.objects.for_union(tree["other_county"], 2026).dibao_line == Decimal("1000.00")


def test_without_a_standard_for_the_year_it_says_so(household, caseworker):
    with pytest.raises(NoLocalStandard):
        income_assess(household=household, by=caseworker, finances=Finances(), assessed_on=date(2031, 1, 1))


def test_the_household_page_says_who_is_counted_at_the_minimum_wage(client, standard, caseworker, outsider, tree):
    household = make_household(
        tree["street_a"],
        caseworker,
        members=[
            member_values(work_status=WorkStatus.UNEMPLOYED),
            member_values(Relation.SPOUSE, "李娜", date(1982, 3, 2), work_status=WorkStatus.UNEMPLOYED,
                          health=Health.SERIOUS),
        ],
    )  # fmt: skip
    assess(household, caseworker)
    client.force_login(caseworker)
    html = client.get(f"/households/{household.pk}/").content.decode()
    head_row, spouse_row = html.split('data-testid="members"')[1].split("</tbody>")[0].split("<tr>")[2:4]
    assert "张伟" in head_row and "（按当地最低工资标准计，每月¥2,000.00）" in head_row
    assert "李娜" in spouse_row and "最低工资" not in spouse_row
    assert "其中¥24,000.00/年为有劳动能力但未就业的成员按当地最低工资标准计入的收入。" in html
    client.force_login(outsider)
    assert client.get(f"/households/{household.pk}/").status_code == 404


def test_the_household_page_says_nothing_of_the_minimum_wage_when_none_is_counted(client, household, caseworker):
    assess(household, caseworker, wages=30000)
    client.force_login(caseworker)
    html = client.get(f"/households/{household.pk}/").content.decode()
    assert "最低工资" not in html
