"""Property-based tests of the loader and validator: any input loads or is a Problem.

Whatever bytes, text or YAML-ish front matter a file holds, loading and
validating it either yields documents or yields our :class:`Problem` type;
never another exception. A knowledge base that loads without errors also
renders.

The default profile is small and derandomised so CI stays quick and stable;
``python3 dev.py fuzz`` runs the same properties with many more random
examples (profile ``fuzz``, chosen by ``OPSKB_HYPOTHESIS_PROFILE``).
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from opskb.check.validate import validate_document
from opskb.config import Settings, load_settings
from opskb.model import Tier
from opskb.pages import RenderMemo
from opskb.pages.memo import MemoPass
from opskb.pages.render import header_meta, page_header
from opskb.pipeline import load_kb
from opskb.problems import Problem, Problems, format_problems
from opskb.sources.load import load_document, parse_text

from tests.conftest import MKDOCS_YML, SYSTEM_VPN, write_kb

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "opskb-ci", max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=_QUIET,
)  # fmt: skip
settings.register_profile(
    "fuzz", max_examples=5_000, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
PROFILE = settings.get_profile(os.environ.get("OPSKB_HYPOTHESIS_PROFILE", "opskb-ci"))
FEW = settings(PROFILE, max_examples=max(PROFILE.max_examples // 10, 8))  # whole-KB properties

KEYS = [
    "title", "kind", "tier", "systems", "system", "tags", "owner", "status",
    "last_reviewed", "review_every", "related", "symptoms", "escalate_when",
    "escalate_to", "prerequisites", "estimated_time", "alerts", "date", "severity",
    "detected_at", "resolved_at", "root_cause", "root_cause_category", "runbooks",
    "workaround", "action_items", "id", "depends_on", "escalation",
]  # fmt: skip
INNER_KEYS = ["L1", "L2", "L4", "L9", "team", "contact", "hours", "response", "vendor",
              "portal", "title", "owner", "due", "done"]  # fmt: skip
TRICKY = [
    "L1", "L4", "L5", "SEV1", "SEV9", "open", "resolved", "draft", "retired", "15m", "4h",
    "forever", "2026-02-30", "9999-12-31", "2026-05-01T10:00:00Z", "../../etc/passwd",
    "/etc/passwd", "vpn", "runbooks/vpn/reset-token.md", "{{ 7*7 }}", "<script>x</script>",
    "javascript:alert(1)", "change", "", " ", "9" * 5000,
]  # fmt: skip
PATHS = [
    "runbooks/vpn/x.md",
    "runbooks/vpn/deep/y.md",
    "content/incidents/2026-01-01-x.md",
    "content/systems/x.md",
    "content/articles/x.md",
    "content/index.md",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.sampled_from(TRICKY),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(INNER_KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
front_matters = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=10)
FRAGMENTS = [
    "title", "tier", "systems", "escalation", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "\t",
    "[", "]", "{", "}", ", ", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "!!set ",
    "!!python/object/apply:os.system ", "'", '"', "#", "---", "...", "? ", "|", ">", "%YAML 1.1",
    "L1", "2026-01-01", "2026-02-30", "1e999", "0x1F", ".nan", "~", "null", "\ufeff", "\r\n",
    "\x00", "\u2028", "\U0001f525",
]  # fmt: skip
yamlish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=40).map("".join)
bodies = st.text(max_size=200) | st.sampled_from(
    ["Severity: high\n\nx", "# Title\n\nx", "[a](../../../etc/passwd)", "{{ $labels.job }}"]
)


def _settings() -> Settings:
    return Settings(root=Path("/nonexistent-kb"))


def _assert_problems(problems: list[Problem] | Problems) -> None:
    """Every problem is ours and complete enough to show a user."""
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path and problem.message and problem.line >= 0
    items = list(problems)
    json.loads(format_problems(items, "json"))
    format_problems(items, "text")
    format_problems(items, "github")


def _load_and_validate(path: str, text: str) -> None:
    raw, found = parse_text(path, text)
    problems = Problems(found)
    document = validate_document(raw, _settings(), problems)
    _assert_problems(problems)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    assert all(p.line <= lines for p in problems), "a problem points at a line of the file"
    if document is not None:
        assert document.title and document.path == path
    elif not problems.errors:
        raise AssertionError("a document was dropped without an error")


@PROFILE
@given(path=st.sampled_from(PATHS), text=st.text(max_size=400))
def test_any_text_loads_or_is_a_problem(path: str, text: str) -> None:
    _load_and_validate(path, text)


@PROFILE
@given(path=st.sampled_from(PATHS), front=yamlish, body=bodies)
def test_yamlish_front_matter_loads_or_is_a_problem(path: str, front: str, body: str) -> None:
    _load_and_validate(path, f"---\n{front}\n---\n{body}")


@PROFILE
@given(path=st.sampled_from(PATHS), front=front_matters, body=bodies)
def test_any_front_matter_values_validate_or_are_problems(
    path: str, front: dict, body: str
) -> None:
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    _load_and_validate(path, f"---\n{text}---\n{body}")


_FOLDER = Path(tempfile.mkdtemp(prefix="opskb-properties-"))
atexit.register(shutil.rmtree, _FOLDER, True)


@PROFILE
@given(data=st.binary(max_size=600) | yamlish.map(lambda t: f"---\n{t}\n---\n".encode()))
def test_any_bytes_load_or_are_a_problem(data: bytes) -> None:
    file = _FOLDER / "runbooks" / "vpn" / "x.md"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data)
    raw, found = load_document(_FOLDER, file)
    _assert_problems(found)
    problems = Problems(found)
    validate_document(raw, _settings(), problems)
    _assert_problems(problems)
    assert file.read_bytes() == data  # loading never writes


@PROFILE
@given(config=yamlish | front_matters.map(yaml.safe_dump))
def test_any_mkdocs_yml_loads_or_is_a_problem(config: str) -> None:
    folder = _FOLDER / "config"
    folder.mkdir(exist_ok=True)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8", errors="surrogatepass")
    settings_, problems = load_settings(folder)
    _assert_problems(problems)
    assert isinstance(settings_.review_every, int)


@FEW
@given(
    documents=st.lists(
        st.tuples(st.sampled_from(PATHS), front_matters, bodies), min_size=1, max_size=3
    )
)
def test_a_knowledge_base_of_random_documents_loads_and_renders(documents) -> None:
    from opskb.pages import render_site

    root = Path(tempfile.mkdtemp(prefix="kb-", dir=_FOLDER))
    files = {"content/systems/vpn.md": SYSTEM_VPN}
    for path, front, body in documents:
        files[path] = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    write_kb(root, files, config=MKDOCS_YML)
    kb = load_kb(root)
    _assert_problems(kb.problems)
    if not kb.problems.errors:
        site = render_site(kb.catalog)
        assert {p.src_uri for p in site.pages} >= {d.src_uri for d in kb.catalog.published}


# --- flat front matter: read without the YAML loader, to the same values ---------------

FLAT_KEYS = ["title", "tier", "systems", "a", "x-y", "y", "yes", "No", "on", "null", "Null"]
FLAT_SCALARS = [
    "L1", "Reset a password", "yes", "No", "on", "OFF", "true", "~", "null", "NULL", "0",
    "-1", "+1", "0x1F", "0o17", "017", "0b101", "1_000", "1:20", "190:20:30", "1.5", "1e3",
    "1.0e+3", ".inf", "-.INF", ".NaN", "6.8523015e+5", "2026-02-25", "2026-02-30",
    "2026-05-01T10:00:00Z", "2026-05-01 10:00:00.5 +02:00", "2026-5-1", "15m", "<<", "=",
    "a: b", "a #b", "a#b", "http://x.y/z#w", "a:", "a::b", "x, y", "x]", "[x]", "{x: 1}",
    "'q'", '"q"', "'it''s'", '"a\\tb"', "&a x", "*a", "!!str 1", "|", ">", "%x", "@x",
    "`x`", "- x", "-x", "?x", "? x", "a  b", "a\tb", "a\xa0b", "\u2028", "\ufeff", "\x85",
]  # fmt: skip
flat_values = st.sampled_from(FLAT_SCALARS) | st.text(
    alphabet=st.sampled_from("aZ09 .:#-'\"[]{},&*!|>%@`~<=_/\\\t\xa0"), max_size=8
)
flat_values = (
    st.sampled_from(
        ["a", "L1", "Reset a password", "1", "yes", "2026-02-25", "x-y", "~", "'q: r'", '"a, b"']
    )
    | flat_values
)  # half the values are ones most front matter holds
flat_lines = st.one_of(
    st.tuples(
        st.sampled_from(FLAT_KEYS), st.sampled_from([": ", ":", ":  ", " : "]), flat_values
    ).map("".join),
    st.sampled_from(FLAT_KEYS).map(lambda key: key + ":"),
    st.tuples(
        st.sampled_from(["", " ", "  ", "   "]), st.sampled_from(["- ", "-  ", "-"]), flat_values
    ).map("".join),
    st.sampled_from(["", "  ", "# note", " # note", "---", "...", "\t"]),
    flat_values,
    st.tuples(  # a key and its list of items
        st.sampled_from(FLAT_KEYS), st.sampled_from(["", "  "]), st.lists(flat_values, max_size=3)
    ).map(lambda t: "\n".join([t[0] + ":", *(f"{t[1]}- {item}" for item in t[2])])),
    st.tuples(  # a key and a one-line list
        st.sampled_from(FLAT_KEYS), st.lists(flat_values, max_size=3), st.sampled_from([", ", ","])
    ).map(lambda t: f"{t[0]}: [{t[2].join(t[1])}]"),
)
flat_sources = st.lists(flat_lines, min_size=1, max_size=8).map("\n".join)
# nested: any of those lines, or a list item holding an entry, at any of a few indents
nested_lines = st.tuples(
    st.sampled_from(["", " ", "  ", "   ", "    ", "      "]),
    flat_lines
    | st.tuples(
        st.sampled_from(["- ", "-  ", "-"]),
        st.sampled_from(FLAT_KEYS),
        st.sampled_from([": ", ":", ":  "]),
        flat_values | st.just(""),
    ).map("".join),
).map("".join)
nested_sources = st.lists(nested_lines, min_size=1, max_size=10).map("\n".join)


@st.composite
def block_sources(draw, depth: int = 0, indent: int = 0) -> str:
    """Well-formed block YAML (mappings, lists, lists of mappings) with any values in it."""
    pad = " " * indent
    lines = []
    for key in draw(st.lists(st.sampled_from(FLAT_KEYS), min_size=1, max_size=4)):
        shape = draw(st.sampled_from(["value", "list", "mapping"] if depth < 3 else ["value"]))
        if shape == "value":
            lines.append(f"{pad}{key}: {draw(flat_values)}")
            continue
        lines.append(f"{pad}{key}:")
        inner = indent + draw(st.sampled_from([1, 2, 4]))
        if shape == "mapping":
            lines.append(draw(block_sources(depth + 1, inner)))
            continue
        dash = " " * draw(st.sampled_from([indent, inner]))  # "key:\n- item" or indented
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                lines.append(f"{dash}- {draw(flat_values)}")
            else:  # - key: value, then its other keys under the first
                first, *rest = draw(block_sources(depth + 1, len(dash) + 2)).split("\n")
                lines += [f"{dash}- {first.lstrip(' ')}", *rest]
    return "\n".join(lines)


def _typed(value: object) -> object:
    """A value with every type spelled out: ``1``, ``1.0`` and ``True`` are not the same."""
    if isinstance(value, dict):
        return [(_typed(k), _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, float) and value != value:
        return (float, "nan")
    return (type(value), value)


@settings(PROFILE, max_examples=PROFILE.max_examples * 20)
@given(source=flat_sources | nested_sources | block_sources())
def test_simple_front_matter_reads_as_the_yaml_loader_does(source: str) -> None:
    """Whatever read_simple accepts, the loader reads to the same values, types and key
    order; whatever the loader refuses, read_simple leaves to it."""
    from opskb.sources.yaml_reader import FrontMatterLoader, read_simple

    simple = read_simple(source)
    if simple is None:
        return
    assert _typed(simple) == _typed(yaml.load(source, Loader=FrontMatterLoader))


def test_simple_front_matter_is_read_without_the_loader_for_usual_documents(
    tmp_path: Path,
) -> None:
    """Front matter is mostly simple: the fast reader takes nearly all of the sample's
    runbooks and every synthetic document, nested ladders and action items included, to
    the values the loader gives. Flow mappings ({team: …}) are the loader's."""
    from opskb.sources.load import split
    from opskb.sources.yaml_reader import FrontMatterLoader, read_simple

    from bench.synthetic import write_kb as write_synthetic_kb

    root = Path(__file__).resolve().parents[2]
    synthetic = write_synthetic_kb(tmp_path / "kb", documents=300, seed=3).root
    sample = sorted((root / "runbooks").rglob("*.md")) + sorted((root / "content").rglob("*.md"))
    read: dict[str, int] = {}
    for file in [*sample, *sorted(synthetic.rglob("*.md"))]:
        front = split(file.read_text(encoding="utf-8"))[0]
        value = read_simple(front) if front else None
        if value is not None:
            assert _typed(value) == _typed(yaml.load(front, Loader=FrontMatterLoader))
            kind = "synthetic" if synthetic in file.parents else file.relative_to(root).parts[0]
            read[kind] = read.get(kind, 0) + 1
        elif synthetic in file.parents:
            raise AssertionError(f"{file.name} went to the loader:\n{front}")
    assert read["runbooks"] >= len(list((root / "runbooks").rglob("*.md"))) - 1 >= 30
    assert read["synthetic"] >= 300
    nested = ("escalation:\n  L1:", "action_items:\n- title:")
    assert all(any(n in split(f.read_text())[0] for f in synthetic.rglob("*.md")) for n in nested)


def test_simple_front_matter_nested_too_deep_is_left_to_the_loader() -> None:
    """Chains of nested lists and mappings deeper than the fast reader goes are read by
    the loader (and its depth check), never by recursion here; shallower ones are read."""
    from opskb.sources.yaml_reader import MAX_SIMPLE_DEPTH, read_simple, read_yaml

    def lists(levels: int) -> str:  # k0:\n- k1:\n  - k2: x
        return "\n".join(["k0:", *(" " * (2 * n - 2) + f"- k{n}:" for n in range(1, levels))])

    def mappings(levels: int) -> str:  # k0:\n  k1:\n    k2: x
        return "\n".join(" " * (2 * n) + f"k{n}:" for n in range(levels))

    for chain in (lists, mappings):
        assert read_simple(chain(5) + " x") == yaml.safe_load(chain(5) + " x")
        assert read_simple(chain(MAX_SIMPLE_DEPTH // 2) + " x") is not None
        assert read_simple(chain(5000) + " x") is None
        value, problem = read_yaml("deep.md", chain(5000) + " x", 2)
        assert value is None and "levels deep" in problem.message


@settings(PROFILE, max_examples=PROFILE.max_examples * 5)
@given(value=st.text(max_size=40) | st.sampled_from(["a  b", " a", "a\u3000b", "x*y", "plain"]))
def test_escaped_text_is_the_one_table_applied_to_folded_whitespace(value: str) -> None:
    """The fast paths (no syntax, no odd spaces, seen before) give what the plain
    definition gives: whitespace runs folded to one space, then every syntax character
    as an entity and every other control character as U+FFFD."""
    from opskb.pages.render import _CONTROLS, _MD_ENTITIES, escape_md

    expected = " ".join(value.split()).translate(str.maketrans({**_MD_ENTITIES, **_CONTROLS}))
    assert escape_md(value) == expected
    assert escape_md(value) == expected  # again, from what was escaped before


# The render memo keys a template's context: two contexts share a key exactly when
# every value in them is the same value of the same type (memo.py).
_memo_scalars = (
    st.text(max_size=12)
    | st.text(max_size=12).map(Markup)
    | st.integers(-3, 3)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False, width=16)
    | st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 4))
    | st.sampled_from(list(Tier))
    | st.frozensets(st.sampled_from(["a", "b", "ab"]))
)
_memo_values = st.recursive(
    _memo_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


def _identity(value) -> object:
    """A value with its type all the way down: equal exactly when the values are the same."""
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_identity(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((_identity(k), _identity(v)) for k, v in value.items()))
    if isinstance(value, frozenset):
        return ("frozenset", tuple(sorted(value)))
    return (type(value).__name__, repr(value))


@settings(PROFILE, max_examples=PROFILE.max_examples * 10)
@given(first=_memo_values, second=_memo_values)
def test_two_contexts_share_a_memo_key_exactly_when_their_values_are_the_same(
    first, second
) -> None:
    memo = MemoPass(RenderMemo())
    keys = [memo.key("page.md.j2", {"value": value}) for value in (first, second)]
    assert None not in keys
    assert (keys[0] == keys[1]) == (_identity(first) == _identity(second))
    assert keys[0] == memo.key("page.md.j2", {"value": first})
    assert keys[0] != memo.key("other.md.j2", {"value": first})


@settings(PROFILE, max_examples=PROFILE.max_examples * 5)
@given(
    title=st.text(max_size=30),
    meta=st.dictionaries(
        st.sampled_from(["opskb_kind", "opskb_tier", "n"]),
        st.text(max_size=10) | st.integers() | st.booleans(),
        max_size=3,
    ),
)
def test_a_page_header_reads_back_as_yaml_reads_it(title: str, meta: dict) -> None:
    header = page_header(title, **meta)
    assert header_meta(header + "# Body\n") == yaml.safe_load(header.strip().strip("-"))


# --- links in our HTML: relative, quoted, nothing left for HTML to escape --------------

_segments = st.text(alphabet=st.sampled_from("ab9-_.~ #?%&<>\"'é/"), min_size=1, max_size=6)
_site_paths = st.lists(_segments, min_size=1, max_size=3).map("/".join)


@settings(PROFILE, max_examples=PROFILE.max_examples * 5)
@given(
    target=_site_paths,
    from_uri=_site_paths.map(lambda p: p + ".md") | _site_paths.map(lambda p: p + "/index.md"),
    slash=st.booleans(),
    directory_urls=st.booleans(),
)
def test_relative_links_are_the_plain_definition_and_need_no_html_escape(
    target: str, from_uri: str, slash: bool, directory_urls: bool
) -> None:
    """The fast paths (the starting folder kept, already-safe links left unquoted) give
    what posixpath.relpath and quote give, and a link is safe in an HTML attribute as
    it is: the filters put it there without escaping."""
    import html
    import posixpath
    from urllib.parse import quote

    from opskb.urls import page_url, relative_url

    target = target + "/" if slash else target
    here = page_url(from_uri, directory_urls)
    base = here.rstrip("/") if here.endswith("/") else posixpath.dirname(here)
    rel = posixpath.relpath(target.strip("/") or ".", base or ".")
    rel = "" if rel == "." else rel
    if target.endswith("/"):
        rel = (rel + "/") if rel else "./"
    link = relative_url(target, from_uri, directory_urls)
    assert link == quote(rel, safe="/.-_~")
    assert html.escape(link) == link


@st.composite
def flow_values(draw, depth: int = 0) -> str:
    """A flow value: plain words, quoted text holding brackets, or a nested [ ] / { }."""
    if depth >= 6 or draw(st.booleans()):
        return draw(st.sampled_from(["a", "b c", '"[{x"', "'}] it''s'", '"q\\" ["', "a-b", "1"]))
    items = draw(st.lists(flow_values(depth + 1), max_size=3))
    if draw(st.booleans()):
        return "[" + ", ".join(items) + "]"
    return "{" + ", ".join(f"k{n}: {item}" for n, item in enumerate(items)) + "}"


def _event_depth(source: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


@settings(PROFILE)
@given(value=flow_values(), comment=st.sampled_from(["", " # [[[[ not counted"]))
def test_the_text_depth_check_counts_what_yaml_nests(value: str, comment: str) -> None:
    """The depth check that runs before any parser counts exactly the flow nesting YAML
    reads: brackets in quotes, plain words and comments are not counted."""
    from opskb.sources.yaml_reader import _flow_too_deep

    source = f"title: x\ntags: {value}{comment}\n"
    nested = _event_depth(source) - 1  # the front matter's own mapping is not flow
    assert _flow_too_deep(source, nested) is None
    if nested:
        assert _flow_too_deep(source, nested - 1) == 1


def test_the_text_depth_check_skips_block_scalars_and_reports_the_line() -> None:
    from opskb.sources.yaml_reader import MAX_DEPTH, read_yaml

    brackets = "[" * (MAX_DEPTH + 10)
    block = f"title: x\nnotes: |\n  {brackets}\n  more\nowner: Ops\n"
    assert read_yaml("a.md", block, 2)[1] is None
    plain = f"title: x{brackets}\n"
    assert read_yaml("a.md", plain, 2)[1] is None
    deep = f"title: x\nowner: Ops\ntags: {brackets}{']' * len(brackets)}\n"
    value, problem = read_yaml("a.md", deep, 2)
    assert value is None and problem.line == 4
    assert f"more than {MAX_DEPTH} levels deep" in problem.message
