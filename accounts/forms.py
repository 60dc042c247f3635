from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


class BangfuFormRenderer(TemplatesSetting):
    """Renders `{{ field.as_field_group }}` with Bootstrap markup, large enough for a thumb."""

    field_template_name = "_partials/field.html"


def _html_attrs(attrs: dict) -> str:
    """As Django's `attrs.html`: `False` leaves the attribute out, `True` writes it bare."""
    return format_html_join(
        "", "{}", ((format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
                   for name, value in attrs.items() if value is not False)
    )  # fmt: skip


class QuickSelect(forms.Select):
    """A select that writes its options in Python instead of one template per option: the same HTML as
    `forms.Select`, but a province's list of 300 unions renders in a millisecond instead of 40
    (docs/PERFORMANCE.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "", "<option value=\"{}\"{}>{}</option>",
                ((option["value"], _html_attrs(option["attrs"]), option["label"]) for option in options),
            )  # fmt: skip
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _html_attrs(widget["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),
        )


class BootstrapMixin:
    """Gives every widget the Bootstrap class it needs; forms stay plain Django forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
                if type(widget) is forms.Select:
                    widget.__class__ = QuickSelect  # adds no state, only a faster render
            else:
                css = "form-control"
            if not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DEFAULT_EMPTY_LABEL = "---------"


class FilterForm(BootstrapMixin, forms.Form):
    """A list's filter form. Every optional select starts empty ("All"), so the form submitted as rendered filters
    nothing; only a select with an initial value (a year chooser whose default is the page's own) starts there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or field.required:
                continue
            if field.initial is not None:
                continue
            # ModelChoiceField and django-filter's ChoiceField name their empty choice; a plain ChoiceField lists it.
            if hasattr(field, "empty_label"):
                if field.empty_label in (None, DEFAULT_EMPTY_LABEL):
                    field.empty_label = _("All")
                    field.widget.choices = field.choices
            elif not any(value == "" for value, _label in field.choices):
                field.choices = [("", _("All")), *field.choices]
