"""Read a rendered form as a user does: the message next to a field, and what is still typed into it."""

import re

GROUP_START = re.compile(r'<div class="(?:form-check )?mb-3">')


def field_group(html: str, name: str) -> str:
    """The field group (label, input, help, errors) of the input named `name`, as `_partials/field.html` renders it."""
    at = html.index(f'name="{name}"')
    start = [match.start() for match in GROUP_START.finditer(html, 0, at)][-1]
    following = GROUP_START.search(html, at)
    return html[start : following.start() if following else len(html)]


def error_at(html: str, name: str) -> str:
    """The error messages shown at the field, joined; empty when there are none."""
    return " ".join(re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', field_group(html, name), re.S))


def value_in(html: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}"[^>]*?value="([^"]*)"', field_group(html, name))
    return match.group(1) if match else None
