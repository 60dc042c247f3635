from django import forms
from django.forms.renderers import TemplatesSetting


class BangfuFormRenderer(TemplatesSetting):
    """Renders `{{ field.as_field_group }}` with Bootstrap markup, large enough for a thumb."""

    field_template_name = "_partials/field.html"


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
            else:
                css = "form-control"
            if not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
