"""On PostgreSQL the household search reads its matches through indexes, whatever the size of the scope."""

import pytest
from django.db import connection
from django.http import QueryDict

from cases.filters import HouseholdFilter
from cases.models import Household, Member
from cases.selectors import households_for_list
from tests.cases.factories import make_household

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables would otherwise be scanned whole
        return queryset.explain()


def test_the_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        assert {row[0] for row in cursor.fetchall()} == {"member_name_trgm", "household_address_trgm"}


def test_a_name_search_uses_the_name_and_address_trigram_indexes(tree, caseworker):
    household = make_household(tree["street_a"], caseworker)
    head = household.members.get(relation="head")
    head.name = "欧阳明华"  # trigrams need three characters: a two-character name is read by a scan
    head.save()
    search = HouseholdFilter(QueryDict("q=欧阳明"), queryset=households_for_list(caseworker), user=caseworker)
    assert list(search.qs) == [household]
    # Which index serves each part of the search depends on the statistics (on these few rows, the scope's index);
    # on their own, a name and an address are read through their trigrams.
    assert "household_address_trgm" in plan(Household.objects.filter(address__contains="阳明街道").order_by())
    assert "member_name_trgm" in plan(Member.objects.filter(name__contains="欧阳明").order_by())
    assert "member_phone" in plan(Member.objects.filter(phone=head.phone).order_by())
