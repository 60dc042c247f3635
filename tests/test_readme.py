"""The README works from a clone: its links resolve, and it names every demo login seed_demo creates (issue 13)."""

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils import translation

from accounts.demo import DEMO_UNIONS, DEMO_USERS

ROOT = Path(__file__).resolve().parents[1]
# [text](target) and ![alt](target); a reference-style definition `[label]: target` too.
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def relative_targets(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    targets = INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)
    return [target for target in targets if not urlsplit(target).scheme and not target.startswith(("#", "//"))]


def test_it_finds_the_links_it_checks():
    assert "docs/screenshot-home.png" in relative_targets(ROOT / "README.md")
    assert "docs/ARCHITECTURE.md" in relative_targets(ROOT / "README.md")


def test_it_resolves_every_relative_link_of_the_readme_and_the_docs_inside_the_repository():
    broken = []
    for path in markdown_files():
        for target in relative_targets(path):
            resolved = (path.parent / unquote(urlsplit(target).path)).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


def test_it_shows_a_small_png_screenshot_of_the_caseworkers_home_page():
    screenshot = ROOT / "docs" / "screenshot-home.png"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size < 300_000
    assert "caseworker's home page (`demo_caseworker`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_it_keeps_the_design_notes_in_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text
    for name in ("ARCHITECTURE.md", "DOMAIN.md", "STYLE.md"):
        assert (ROOT / "docs" / name).is_file()
        assert f"(docs/{name})" in text


def demo_logins_table() -> dict[str, tuple[str, str]]:
    """username -> (role cell, union cell) of the README's demo login table."""
    rows = re.findall(r"^\| `(demo_\w+)` \| ([^|]+) \| ([^|]+) \|$", (ROOT / "README.md").read_text(), re.MULTILINE)
    return {username: (role.strip(), union.strip()) for username, role, union in rows}


def test_it_lists_every_demo_user_with_the_role_and_union_seed_demo_gives_them():
    table = demo_logins_table()
    unions = {code: name for code, name, _kind, _parent in DEMO_UNIONS}
    assert set(table) == {username for username, _name, _role, _union in DEMO_USERS}
    for username, _name, role, union_code in DEMO_USERS:
        role_cell, union_cell = table[username]
        with translation.override("zh-hans"):
            assert str(role.label) in role_cell, username
        assert union_cell == unions[union_code], username


def make_run_commands(*variables: str) -> str:
    # -n prints the recipe without running it; -B so a missing virtualenv prints its creation too, never runs it.
    return subprocess.run(
        ["make", "-n", "-B", "run", *variables], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_it_serves_make_run_on_the_port_and_host_given():
    commands = make_run_commands("PORT=8001", "HOST=0.0.0.0")
    assert "runserver 0.0.0.0:8001" in commands
    assert "http://0.0.0.0:8001/" in commands


def test_it_serves_make_run_on_port_8000_of_the_loopback_by_default():
    commands = make_run_commands()
    assert "runserver 127.0.0.1:8000" in commands
    assert "http://127.0.0.1:8000/" in commands
