"""The Chinese catalogue is complete, compiled, and the pages show no untranslated English."""

import ast
import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
SOURCE_DIRS = ["accounts", "cases", "programs", "assessment", "reports", "hardship", "templates"]


def read_po(path: Path) -> list[dict]:
    """A small .po reader: entries with msgid, msgid_plural, msgstr(s) and flags."""
    entries, current, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"flags": "", "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = json.loads(line)
            if field[0] == "msgstr":
                current["msgstr"][field[1]] += value
            else:
                current[field[0]] += value
        else:
            keyword, value = line.split(" ", 1)
            value = json.loads(value)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                current["msgstr"][index] = value
                field = ("msgstr", index)
            else:
                current[keyword] = value
                field = (keyword, None)
    return [entry for entry in entries if entry.get("msgid")]


CATALOGUE = read_po(LOCALE / "django.po")
# gettext's own key for a string with a context (pgettext): "context\x04msgid".
MSGIDS = {f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"] for entry in CATALOGUE}


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [e["msgid"] for e in CATALOGUE if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in CATALOGUE if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_the_committed_mo_matches_the_po():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in CATALOGUE:
        if "msgctxt" in entry:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        elif "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


TEMPLATE_STRING = re.compile(r"""{%\s*translate\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")
BLOCK = re.compile(r"{%\s*blocktranslate(.*?)%}(.*?){%\s*endblocktranslate\s*%}", re.S)
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT_NAMES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def python_strings(source: str) -> set[str]:
    """First arguments of gettext calls, with implicit string concatenation resolved by the parser."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_NAMES and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in PGETTEXT_NAMES and len(node.args) > 1:
            context, message = node.args[0], node.args[1]
            if all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in (context, message)):
                found.add(f"{context.value}\x04{message.value}")
    return found


def marked_strings() -> set[str]:
    found = set()
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if "migrations" in path.parts or path.suffix not in {".py", ".html", ".txt"}:
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".py":
                found |= python_strings(text)
            else:
                found |= {
                    f"{match[3]}\x04{match[1]}" if match[3] else match[1] for match in TEMPLATE_STRING.findall(text)
                }
                for options, body in BLOCK.findall(text):
                    if "trimmed" in options:
                        body = " ".join(body.split())
                    singular = re.split(r"{%\s*plural\s*%}", body)[0]
                    found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", singular))
    return found


def test_every_marked_string_is_in_the_catalogue():
    assert marked_strings(), "the scan found no strings at all"
    assert sorted(marked_strings() - MSGIDS) == []


class VisibleText(HTMLParser):
    """Collects the text a person reads: element text, titles, placeholders, button labels."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        for name, value in attrs:
            if name in {"placeholder", "title", "aria-label", "alt"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


# Words that are right in any language: the language's own name, demo logins, Bangfu's ASCII bits.
ALLOWED_ENGLISH = re.compile(
    r"English|demo_\w+|caseworker|approver|leader|union_admin|outsider|[\w.-]+\.(?:png|jpe?g|pdf|webp)"
)
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[ ,.'-]+[A-Za-z]{2,})+")


def english_phrases(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = ALLOWED_ENGLISH.sub("", " | ".join(parser.parts))
    return ENGLISH_PHRASE.findall(text)


@pytest.mark.parametrize("path", ["/accounts/login/"])
def test_anonymous_pages_have_no_english_left(client, db, path):
    assert english_phrases(client.get(path).content.decode()) == []


@pytest.mark.parametrize("fixture", ["caseworker", "approver", "leader", "union_admin"])
@pytest.mark.parametrize("path", ["/", "/accounts/password/"])
def test_signed_in_pages_have_no_english_left(db, client, request, fixture, path):
    client.force_login(request.getfixturevalue(fixture))
    assert english_phrases(client.get(path).content.decode()) == []


def test_the_failed_login_page_has_no_english_left(client, caseworker):
    html = client.post("/accounts/login/", {"username": "caseworker", "password": "x"}).content.decode()
    assert english_phrases(html) == []


def test_the_check_itself_catches_english(client, caseworker):
    client.force_login(caseworker)
    client.cookies.load({"django_language": "en"})
    phrases = english_phrases(client.get("/").content.decode())
    assert "My work" in phrases
