"""One holiday visit (送温暖) a household a year, whichever program (a county's, a city's) it comes from: batch
generation skips households that hold one, and the database refuses a second. A rejected or cancelled application
holds nothing: the household may get one from another batch."""

import pytest
from django.db import IntegrityError, transaction

from accounts.errors import DomainError
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.models import AidApplication
from programs.services.applications import application_decide
from programs.services.money import holiday_batch_approve, holiday_batch_generate
from tests.cases.factories import make_active_file, make_household
from tests.programs.factories import make_program
from tests.programs.helpers import apply


@pytest.fixture
def yuyao_files(tree, standard, caseworker, approver):
    return [
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
        for union in ("street_a", "street_b", "enterprise")
    ]


@pytest.fixture
def cixi_file(tree, standard, outsider, outsider_approver):
    return make_active_file(make_household(tree["sibling_street"], outsider), outsider, outsider_approver)


@pytest.fixture
def county_holiday(tree, tiers):
    return make_program(tree["county"], ProgramKind.HOLIDAY)


@pytest.fixture
def city_holiday(tree, tiers):
    return make_program(tree["city"], ProgramKind.HOLIDAY)


def copy_of(application, **changes) -> AidApplication:
    copy = AidApplication.objects.get(pk=application.pk)
    copy.pk = copy.id = None
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def test_every_application_carries_its_programs_kind(county_holiday, illness_program, yuyao_files, approver,
                                                     caseworker):  # fmt: skip
    batch = holiday_batch_generate(program=county_holiday, by=approver)
    assert set(batch.applications.values_list("kind", flat=True)) == {ProgramKind.HOLIDAY}
    assert apply(illness_program, yuyao_files[0].household, caseworker).kind == ProgramKind.CRITICAL_ILLNESS


def test_the_database_refuses_a_second_holiday_visit_of_a_household_and_year(county_holiday, yuyao_files, approver):
    batch = holiday_batch_generate(program=county_holiday, by=approver)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_of(batch.applications.first(), batch=None).save()


def test_another_year_or_another_kind_is_not_refused(county_holiday, yuyao_files, approver):
    first = holiday_batch_generate(program=county_holiday, by=approver).applications.first()
    copy_of(first, batch=None, year=first.year + 1).save()
    copy_of(first, batch=None, kind=ProgramKind.TEMPORARY).save()
    assert AidApplication.objects.filter(household=first.household).count() == 3


@pytest.mark.parametrize("closed", [S.REJECTED, S.CANCELLED])
def test_a_rejected_or_cancelled_one_holds_nothing(county_holiday, yuyao_files, approver, closed):
    first = holiday_batch_generate(program=county_holiday, by=approver).applications.first()
    AidApplication.objects.filter(pk=first.pk).update(status=closed)
    copy_of(first, batch=None, status=S.SUBMITTED).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_of(first, batch=None, status=S.DRAFT).save()


def test_the_citys_batch_skips_the_households_the_countys_batch_holds(
    county_holiday, city_holiday, yuyao_files, cixi_file, approver, city_approver
):
    county_batch = holiday_batch_generate(program=county_holiday, by=approver)
    city_batch = holiday_batch_generate(program=city_holiday, by=city_approver)
    assert [application.file for application in city_batch.applications.all()] == [cixi_file]
    households = list(AidApplication.objects.values_list("household_id", flat=True))
    assert sorted(households) == sorted(file.household_id for file in [*yuyao_files, cixi_file])
    assert holiday_batch_approve(batch=county_batch, by=approver) == 3
    assert holiday_batch_approve(batch=city_batch, by=city_approver) == 1


def test_a_household_whose_visit_was_rejected_gets_one_from_the_next_batch(
    county_holiday, city_holiday, yuyao_files, approver, city_approver
):
    first = holiday_batch_generate(program=county_holiday, by=approver).applications.order_by("pk").first()
    application_decide(application=first, action="reject", by=city_approver, comment="已迁出本市")
    city_batch = holiday_batch_generate(program=city_holiday, by=city_approver)
    assert [application.household_id for application in city_batch.applications.all()] == [first.household_id]


def test_nothing_left_to_generate_is_said_plainly(county_holiday, city_holiday, yuyao_files, approver, city_approver):
    holiday_batch_generate(program=county_holiday, by=approver)
    with pytest.raises(DomainError):
        holiday_batch_generate(program=city_holiday, by=city_approver)
    assert AidApplication.objects.count() == 3


def test_a_holiday_application_by_hand_is_refused_when_the_household_has_one(
    county_holiday, city_holiday, yuyao_files, approver, caseworker
):
    holiday_batch_generate(program=county_holiday, by=approver)
    with pytest.raises(DomainError, match="送温暖"):
        apply(city_holiday, yuyao_files[0].household, caseworker)
    assert AidApplication.objects.count() == 3
