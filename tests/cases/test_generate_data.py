from django.core.management import call_command

from cases.generate import generate
from cases.identity import validate_id_number
from cases.models import HardshipFile, Household, Member


def test_it_generates_realistic_households_with_history(db):
    assert generate(households=120, seed=7, cities=1, counties=2, streets=2) == 120
    assert Household.objects.count() == 120
    assert Household.history.count() == 120
    assert Member.history.count() == Member.objects.count() >= 120
    for number in Member.objects.values_list("id_number", flat=True):
        validate_id_number(number)
    assert Member.objects.filter(relation="head").count() == 120
    assert not Household.objects.filter(current_file=None).exists()
    assert HardshipFile.objects.values("status").distinct().count() >= 4
    assert HardshipFile.objects.filter(status="active").first().visits.count() == 2


def test_a_second_run_adds_without_clashing(db):
    generate(households=40, seed=1, cities=1, counties=1, streets=1)
    generate(households=40, seed=1, cities=1, counties=1, streets=1)
    assert Household.objects.count() == 80
    numbers = list(HardshipFile.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_the_command(db, capsys):
    call_command("generate_data", households=10, seed=3, code="G99")
    assert "Generated 10 households" in capsys.readouterr().out
