"""The suite runs from any clone: no test module or fixture names a path outside the repository.

Real Okta recordings and the OpenAPI spec live in tests/fixtures/ (with their licences); a test
that reached for `../shared`, a home folder or one machine's absolute path would pass here and
fail everywhere else. The scan reads every test module and every text fixture as text, so a
path in a comment counts too (it is how such a path usually starts its life).

A line may say why what looks like a path is none the suite reads, with the marker
`# path-ok: <reason>` (an attack payload such as `../etc/passwd`, the system's Python for a
process run as another user, the X server's sockets): the reason is then for a reviewer to judge.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
# First components of absolute paths on Linux and macOS machines. /dev, /proc and /sys are the
# kernel's interfaces (a test may write to /dev/null), not somebody's files.
ROOTS = (
    "work", "home", "Users", "root", "tmp", "var", "etc", "opt", "srv", "mnt", "media", "usr",
    "private", "Volumes", "shared", "farm", "old_root",
)  # fmt: skip
_ROOT = "|".join(ROOTS)
ABSOLUTE = re.compile(
    rf"""(?:^|[\s"'(=,\[])(/(?:{_ROOT})(?:/[^\s"')\]]*)?)(?=$|[\s"')\],])""", re.M
)
WINDOWS = re.compile(r"""["']([A-Za-z]:(?:\\{1,2}[\w .-]+){2,})""")  # "C:\\Users\\ci"
ESCAPES = (
    re.compile(r"\.\./"),  # a relative path out of the tree, e.g. ../shared
    re.compile(r"\.\.\\"),
    re.compile(r"(?<![\w.])~/"),  # a home folder
    re.compile(r"Path\.home\(|expanduser\("),
    re.compile(r"\bREPO\.parent\b|\.parent\.parent\.parent"),
)
PARENTS = re.compile(r"__file__\)\.resolve\(\)\.parents\[(\d+)\]")
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".md", ".txt", ".svg", ".toml", ".cfg", ".ini"}


MARKER = re.compile(r"#\s*path-ok:\s*\S")


def problems_in(text: str, depth: int) -> list[str]:
    """What in `text` names a place outside the repository; `depth` is how many folders the
    file sits below the repository root (so `parents[depth]` is the root itself). Lines with
    the `# path-ok: <reason>` marker are left out."""
    text = "\n".join(line for line in text.splitlines() if not MARKER.search(line))
    found = [f"absolute path {m.group(1)!r}" for m in ABSOLUTE.finditer(text)]
    found += [f"absolute path {m.group(1)!r}" for m in WINDOWS.finditer(text)]
    for pattern in ESCAPES:
        found += [f"{m.group(0)!r} leaves the repository" for m in pattern.finditer(text)]
    for m in PARENTS.finditer(text):
        if int(m.group(1)) > depth:
            found.append(f"parents[{m.group(1)}] is above the repository")
    return found


def scanned_files() -> list[Path]:
    """Every text file under tests/, except this one (it spells out what it looks for)."""
    files = [p for p in TESTS.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    here = Path(__file__).resolve()
    return sorted(p for p in files if "__pycache__" not in p.parts and p.resolve() != here)


def test_no_test_module_or_fixture_names_a_path_outside_the_repository() -> None:
    files = scanned_files()
    assert any(p.suffix == ".py" for p in files) and any("fixtures" in p.parts for p in files)
    report = []
    for path in files:
        depth = len(path.relative_to(REPO).parts) - 1
        text = path.read_text(encoding="utf-8", errors="replace")
        report += [f"{path.relative_to(REPO)}: {p}" for p in problems_in(text, depth)]
    assert report == []


def test_fixtures_say_where_they_came_from() -> None:
    fixtures = TESTS / "fixtures" / "okta-reference"
    readme = (fixtures / "README.md").read_text(encoding="utf-8")
    for name in ("LICENSE-okta-sdk-python.md", "LICENSE-terraform-provider-okta.txt"):
        assert (fixtures / name).is_file() and name in readme
    assert "okta/okta-sdk-python" in readme and "okta/terraform-provider-okta" in readme
    assert "scripts/trim_okta_spec.py" in readme


def test_the_scan_finds_what_it_looks_for() -> None:
    """Each kind of escape is reported (built from pieces, so this file itself stays clean)."""
    up = ".."
    samples = {
        f'REFERENCE = Path("{up}/shared/okta-reference")': "leaves the repository",
        'SPEC = Path("/' + 'work/shared/okta-reference/management-api.yaml")': "absolute path",
        "cassettes: /" + "home/ci/okta/cassettes": "absolute path",
        'Path(__file__).resolve().parents[3] / "shared"': "above the repository",
        "key = Path.home() / '.okta'": "leaves the repository",
        r'CASSETTES = "C:\\Users\\ci\\okta"': "absolute path",
    }
    for text, expected in samples.items():
        found = problems_in(text, depth=2)
        assert any(expected in f for f in found), (text, found)
    clean = (
        'REPO = Path(__file__).resolve().parents[2]\nurl = "https://x.okta.com/home/app"\n'
        'resp = okta.get("/api/v1/apps")\nopen("/dev/null")\n'
    )
    assert problems_in(clean, depth=2) == []
    marked = 'bad_id = "0oa1/' + up + '/x"  # path-ok: an id that tries to climb out of a URL'
    assert problems_in(marked, depth=2) == []
    no_reason = marked.split("# path-ok")[0] + "# path-ok:"
    assert problems_in(no_reason, depth=2) != []  # a marker must give its reason
