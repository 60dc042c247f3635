import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts import services
from accounts.models import Organization, OrganizationKind, decode_segment, encode_segment
from tests.factories import OrganizationFactory


@given(st.integers(min_value=1, max_value=36**4 - 1), st.integers(min_value=1, max_value=36**4 - 1))
def test_segments_round_trip_and_sort_like_numbers(a, b):
    assert decode_segment(encode_segment(a)) == a
    assert len(encode_segment(a)) == 4
    assert (encode_segment(a) < encode_segment(b)) == (a < b)


def test_it_refuses_a_segment_out_of_range():
    with pytest.raises(ValueError):
        encode_segment(36**4)


def test_paths_follow_the_tree(tree):
    assert tree["province"].path == "0001"
    assert tree["city"].path == "0001.0001"
    assert tree["county"].path == "0001.0001.0001"
    assert tree["street_b"].path == "0001.0001.0001.0002"
    assert tree["sibling_county"].path == "0001.0001.0002"
    assert tree["other_city"].path == "0001.0002"
    assert tree["enterprise"].depth == 5


def test_ancestors_are_listed_root_first(tree):
    names = [union.name for union in tree["enterprise"].ancestors()]
    assert names == [
        "浙江省总工会",
        "宁波市总工会",
        "余姚市总工会",
        "阳明街道工会",
        "阳明光学仪器有限公司工会",
    ]


def test_it_refuses_a_child_of_the_same_or_a_lower_kind(tree):
    with pytest.raises(services.InvalidTreeChange):
        services.organization_create(name="x", code="x1", kind=OrganizationKind.COUNTY, parent=tree["county"])


def test_moving_a_union_moves_its_whole_subtree(tree):
    street_a, enterprise = tree["street_a"], tree["enterprise"]

    services.organization_move(organization=street_a, new_parent=tree["sibling_county"])

    street_a.refresh_from_db()
    enterprise.refresh_from_db()
    assert street_a.parent == tree["sibling_county"]
    assert street_a.path == "0001.0001.0002.0002"  # after 浒山 (0001) under 慈溪
    assert enterprise.path == "0001.0001.0002.0002.0001"
    assert enterprise.parent == street_a
    # The old branch no longer contains it; nothing else moved.
    county_subtree = Organization.objects.filter(path__startswith=tree["county"].path)
    assert set(county_subtree.values_list("code", flat=True)) == {"330281", "330281002"}
    tree["street_b"].refresh_from_db()
    assert tree["street_b"].path == "0001.0001.0001.0002"


def test_a_moved_union_gets_a_fresh_segment_so_paths_stay_unique(tree):
    services.organization_move(organization=tree["street_b"], new_parent=tree["sibling_county"])
    new_child = OrganizationFactory(kind=OrganizationKind.TOWNSHIP, parent=tree["sibling_county"])
    paths = list(Organization.objects.values_list("path", flat=True))
    assert len(paths) == len(set(paths))
    assert new_child.path == "0001.0001.0002.0003"


def test_it_refuses_to_move_a_union_under_its_own_branch(tree):
    with pytest.raises(services.InvalidTreeChange):
        services.organization_move(organization=tree["county"], new_parent=tree["street_a"])
    tree["county"].refresh_from_db()
    assert tree["county"].path == "0001.0001.0001"


def test_it_refuses_to_move_a_county_under_a_county(tree):
    with pytest.raises(services.InvalidTreeChange):
        services.organization_move(organization=tree["county"], new_parent=tree["sibling_county"])


def test_moving_to_the_same_parent_changes_nothing(tree):
    before = tree["street_a"].path
    services.organization_move(organization=tree["street_a"], new_parent=tree["county"])
    tree["street_a"].refresh_from_db()
    assert tree["street_a"].path == before


def test_model_validation_explains_a_bad_parent_in_chinese(tree):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    union = Organization(name="x", code="x2", kind=OrganizationKind.CITY, parent=tree["county"])
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        union.clean()
    assert "不能" in str(error.value)
