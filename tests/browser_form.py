"""The GET forms of a page, and what a browser sends when one is submitted as rendered: every field at its default."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_LIKE = {"text", "search", "hidden", "number", "date", "email", "tel", "url", "month", "week", "password"}


@dataclass
class RenderedForm:
    action: str
    method: str
    testid: str
    data: list[tuple[str, str]] = field(default_factory=list)
    button: tuple[str, str] | None = None  # the first submit button, sent when it has a name


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[RenderedForm] = []
        self._form: RenderedForm | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = RenderedForm(
                action=attrs.get("action", ""), method=(attrs.get("method") or "get").lower(),
                testid=attrs.get("data-testid", ""),
            )  # fmt: skip
            self.forms.append(self._form)
        if self._form is None or "disabled" in attrs:
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("type", "submit") == "submit" and self._form.button is None:
            self._form.button = (attrs.get("name", ""), attrs.get("value", ""))
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        name = attrs.get("name")
        if not name:
            if kind == "submit" and self._form.button is None:
                self._form.button = ("", "")
            return
        if kind in TEXT_LIKE:
            self._form.data.append((name, attrs.get("value", "")))
        elif kind in ("checkbox", "radio") and "checked" in attrs:
            self._form.data.append((name, attrs.get("value", "on")))
        elif kind == "submit" and self._form.button is None:
            self._form.button = (name, attrs.get("value", ""))

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._close_select()
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea["name"]:
                self._form.data.append((self._textarea["name"], self._textarea["text"].lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _close_select(self):
        select, self._select = self._select, None
        if not select["name"] or not select["options"]:
            return
        chosen = [option for option in select["options"] if option["selected"]]
        if not select["multiple"]:
            chosen = chosen[-1:] or select["options"][:1]  # a browser shows the first option when none is selected
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"].strip()
            self._form.data.append((select["name"], value))


def rendered_forms(html: str) -> list[RenderedForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def submitted_data(form: RenderedForm) -> dict[str, list[str]]:
    """The form's fields as a browser sends them on a press of its first button."""
    data: dict[str, list[str]] = {}
    pairs = [*form.data, *([form.button] if form.button and form.button[0] else [])]
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data
