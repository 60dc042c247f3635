"""QuickSelect writes exactly the HTML of Django's Select, only faster."""

import pytest
from django import forms
from django.test.html import parse_html

from accounts.forms import BootstrapMixin, QuickSelect
from accounts.models import Organization

CHOICES = [("", "---------"), ("a", "Alpha & <b>"), ("b", '"Beta"'), ("Group", [("c", "Gamma"), ("d", "Delta")])]


@pytest.mark.parametrize("value", [None, "a", "d", "nothing"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "required": True, "disabled": False, "data-x": "<&>"}])
def test_same_html_as_djangos_select(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("field", value, attrs=dict(attrs, id="id_field"))
    django = forms.Select(choices=CHOICES).render("field", value, attrs=dict(attrs, id="id_field"))
    assert parse_html(ours) == parse_html(django)
    assert "<b>" not in ours and "&lt;b&gt;" in ours


class UnionForm(BootstrapMixin, forms.Form):
    union = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False)
    several = forms.MultipleChoiceField(choices=[("x", "X")], required=False)


@pytest.mark.django_db
def test_bootstrap_forms_use_it_for_plain_selects_only(tree):
    form = UnionForm(data={"union": tree["county"].pk})
    assert type(form.fields["union"].widget) is QuickSelect
    assert type(form.fields["several"].widget) is forms.SelectMultiple
    html = str(form["union"])
    assert f'<option value="{tree["county"].pk}" selected>{tree["county"].name}</option>' in html
    assert 'class="form-select"' in html
    assert form.is_valid(), form.errors
