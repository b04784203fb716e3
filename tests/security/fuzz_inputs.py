"""What the fuzz test sends: every route of the app, and hypothesis strategies for hostile
values in its path, query string, form fields (text or files) and headers.

Field and parameter names are read from the code (form classes, ``request.args.get``
calls, templates), so a new form or route is fuzzed without editing this list.
"""

from __future__ import annotations

import enum
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
SOURCE_NAMES = (
    re.compile(r"^\s+(\w+) = \w*Field\(", re.M),  # WTForms fields
    re.compile(r"(?:args|form|values)\.get(?:list)?\(\s*\"(\w+)\""),  # read by hand
    re.compile(r"\bname=\"(\w+)\""),  # templates
)
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "3",
    "007",
    str(2**31 - 1),
    str(2**31),
    str(2**63),
    str(2**64),
    "9" * 60,
    "1e9",
    "NaN",
    "-0",
    "None",
    "null",
    "true",
    "²",
    "١٢",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\r\n",
    "/c/x\r\nSet-Cookie: owned=1",
    "/\t/evil.example",
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "//[",
    "http://[::1",
    "%00",
    "%%",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "working",
    "statement:1:pending",
    "comment:999999999999999999999:pending",
    "x" * 5000,
    "字" * 3000,
    "\ud7ff\ufffe\U0010ffff",
    "e\u0301" * 50,
    "2026-13-45T25:61",
]


# A form most views accept (each reads its own fields): fuzzing changes one or two of
# them, so a single bad value gets past validation of the rest and deep into a service.
BASELINE = {
    "body": "A fair point.",
    "stance": "support",
    "proposed_text": "Better words.",
    "text": "Evaluations should be published.",
    "text_en": "Clause text.",
    "heading_en": "Heading",
    "title_en": "A title",
    "summary_en": "A summary.",
    "languages": ["en", "zh"],
    "moderation_mode": "pre",
    "choice": "agree",
    "action": "approve",
    "seen_state": "pending",
    "reason": "Checked.",
    "outcome": "noted",
    "decision": "verified",
    "note": "Seen.",
    "role": "moderator",
    "language": "en",
    "change_summary": "Changes.",
    "slug": "fuzzed",
    "parent_id": "1",
    "statement_id": "1",
    "status": "open",
    "email": "someone@example.org",
    "display_name": "Someone",
    "sector": "academia",
    "country": "KE",
}


@dataclass(frozen=True)
class Route:
    rule: str
    method: str
    arguments: tuple[str, ...]
    numeric: frozenset[str]  # the ``int`` arguments


def routes(app) -> list[Route]:
    """Every (rule, method) of the app; logging out comes last (it ends the session)."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            numeric = frozenset(re.findall(r"<int:(\w+)>", rule.rule))
            found.append(Route(rule.rule, method, tuple(ARGUMENT.findall(rule.rule)), numeric))
    return sorted(found, key=lambda r: (r.rule == "/logout", r.rule, r.method))


def field_names(app) -> list[str]:
    """Names the app reads from forms and query strings, found in its code and templates."""
    names = set()
    files = [*(ROOT / "consult").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in SOURCE_NAMES:
            names.update(pattern.findall(text))
    for lang in app.config.get("LANGUAGES", ["en"]):
        names.update(f"{prefix}_{lang}" for prefix in ("title", "summary", "heading", "text"))
    names.discard("csrf_token")
    return sorted(names)


def choice_values() -> list[str]:
    """Every value of the app's enums (stances, states, roles...): plausible form values."""
    import consult.models  # noqa: F401  (every model, and so every enum, imported)

    values, pending = set(), list(enum.Enum.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("consult"):
            values.update(str(m.value) for m in cls if isinstance(m.value, str | int))
    extra = ["agree", "disagree", "pass", "withdraw", "approve", "reject", "duplicate"]
    extra += ["dismiss", "publish", "unpublish", "en", "zh", "statements", "comments"]
    return sorted(values | set(extra))


def hostile_text(plausible: list[str]) -> st.SearchStrategy[str]:
    """Mostly values a view accepts or must refuse politely; now and then control
    characters (which the input guard refuses before any view runs)."""
    printable = st.characters(blacklist_categories=("Cc", "Cs"))
    return st.one_of(
        st.sampled_from(plausible),
        st.sampled_from(plausible),
        st.sampled_from(HOSTILE),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(printable, max_size=40),
        st.text(max_size=20),  # any code point but surrogates: NUL and controls too
    )


BOUNDARY_IDS = [0, -1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]


def segment(real: list[str], plausible: list[str], *, numeric: bool) -> st.SearchStrategy[str]:
    """A path segment: mostly a real value (so the view runs), else anything, quoted;
    for an ``int`` argument, often an id at or past a column type's bounds."""
    anything = hostile_text(plausible).map(lambda v: quote(v, safe="") or "x")
    choices = [st.sampled_from(real)] * 3 if real else []
    if numeric:
        choices += [st.sampled_from(BOUNDARY_IDS).map(str)] * 2
    return st.one_of(*choices, anything)


def upload() -> st.SearchStrategy[tuple]:
    return st.sampled_from(
        [
            (b"%PDF-1.4 evil", "evil.pdf"),
            (b"", ""),
            (b"\x00\x01binary", "x.bin"),
            (b"name,value\n", "../../x.csv"),
        ]
    ).map(lambda pair: (io.BytesIO(pair[0]), pair[1]))


def form_values(names: list[str], plausible: list[str], *, files: bool):
    """A form: some of ``names`` with hostile text, lists, or (for posts) a file."""
    text = hostile_text(plausible)
    value = st.one_of(text, text, st.lists(text, min_size=2, max_size=3))
    if files:
        value = st.one_of(*[value] * 4, upload())
    anything = st.dictionaries(st.sampled_from(names), value, max_size=6)
    fields = st.one_of(st.sampled_from(sorted(BASELINE)), st.sampled_from(names))
    one_off = st.dictionaries(fields, value, min_size=1, max_size=2)
    modes = [anything, one_off.map(lambda changed: {**BASELINE, **changed})]
    if files:  # files in place of many text fields at once, so one lands where it is read
        keys = st.sets(st.sampled_from(sorted(BASELINE)), min_size=5, max_size=15)
        modes.append(keys.flatmap(lambda ks: st.fixed_dictionaries({k: upload() for k in ks})))
        modes[-1] = modes[-1].map(lambda uploads: {**BASELINE, **uploads})
    return st.one_of(*modes)


def query_values(names: list[str], plausible: list[str]):
    """A query string: often none, else a few of ``names``."""
    some = st.dictionaries(st.sampled_from(names), hostile_text(plausible), max_size=3)
    return st.one_of(st.just({}), some)


def headers(plausible: list[str]) -> st.SearchStrategy[dict]:
    text = st.sampled_from([*HOSTILE[:30], "http://[", "http://localhost/c/x?next=//evil"])
    return st.fixed_dictionaries(
        {},
        optional={
            "HX-Request": st.sampled_from(["true", "false", ""]),
            "HX-History-Restore-Request": st.just("true"),
            "HX-Current-URL": text,
            "Referer": text,
            "Accept-Language": st.sampled_from(["zh", "xx;q=2", "*;q=nan", ",,,", "en-GB"]),
        },
    ).map(lambda h: {k: v for k, v in h.items() if _sendable(v)})


def _sendable(header: str) -> bool:
    """HTTP carries Latin-1 header values without control characters (servers refuse
    others before the app sees them)."""
    return header.isprintable() and all(ord(c) < 256 for c in header)


def fill(route: Route, values: dict[str, str]) -> str:
    """``route``'s path with ``values`` in place of its arguments."""
    return ARGUMENT.sub(lambda m: values[m.group(1)], route.rule)
