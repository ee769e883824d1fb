"""Alerts: which runbook each alert leads to, and what leads nowhere.

``check_alert_rules`` tells, with the rules file and line (``alert_rules.py``
reads them), an alert no runbook handles, a ``runbook_url`` into this site
that leads to no page or no heading, and a runbook's ``alerts:`` entry that
no rules file defines. ``handlers`` gives every alert its runbook, for the
alert pages and the alert map.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Settings
from ..model import Document
from ..problems import Problems
from ..sources.alert_rules import AlertRule, alert_page_uri
from ..sources.markdown_lines import lines_outside_code

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["alert_pages", "anchors_of", "check_alert_rules", "handlers", "site_pages"]

_LABEL_TEMPLATE = re.compile(r"\{\{\s*(?:\$labels|\.Labels)\.alertname\s*\}\}")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_HTML_ID = re.compile(r"""\bid=["']([^"']+)["']""")


def _slug(text: str) -> str:
    """A heading's id as Python-Markdown's ``toc`` makes it by default: accents dropped,
    only word characters, spaces and hyphens kept, lower case, runs of them one hyphen."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^\w\s-]", "", plain).strip().lower()
    return re.sub(r"[-\s]+", "-", plain)


def anchors_of(body: str) -> set[str]:
    """The ids a document's page has: its headings' (as Python-Markdown's toc makes them,
    or written ``{#id}``), raw HTML ids, and the escalation card's."""
    found = {"escalate"}
    for _, line, in_code in lines_outside_code(body):
        if in_code:
            continue
        heading = _HEADING.match(line)
        if heading:
            text = heading.group(1)
            given = _ATTR_ID.search(text)
            found.add(given.group(1) if given else _slug(_ATTR_ID.sub("", text)))
        found.update(_HTML_ID.findall(line))
    return found


@dataclass(frozen=True)
class _Target:
    path: str  # the site path the URL asks for, without its fragment
    fragment: str


def _into_site(url: str, settings: Settings, name: str) -> _Target | None:
    """Where in this site a ``runbook_url`` leads, or ``None`` for a URL elsewhere."""
    url = _LABEL_TEMPLATE.sub(name, url)
    if "{{" in url:
        return None  # another template: cannot be followed
    parts = urllib.parse.urlsplit(url)
    site = urllib.parse.urlsplit(str(settings.raw.get("site_url") or ""))
    path = parts.path
    base = site.path if site.path.endswith("/") else site.path + "/"
    if parts.scheme or parts.netloc:
        if not site.netloc or (parts.netloc.lower(), parts.scheme) != (
            site.netloc.lower(),
            site.scheme or parts.scheme,
        ):
            return None
        if not (path + "/").startswith(base):
            return None
        path = path[len(base) :]
    elif path.startswith("/") and (path + "/").startswith(base):
        path = path[len(base) :]  # from the host's root: the site's own path first
    path = urllib.parse.unquote(path).lstrip("/")
    return _Target(posixpath.normpath(path) if path else "", parts.fragment)


def _site_path(url: str) -> str:
    """A page's URL as a comparable site path: ``a/b/`` and ``a/b.html`` → ``a/b``."""
    url = url.rstrip("/")
    for end in ("/index.html", ".html", "/index"):
        if url.endswith(end):
            url = url[: -len(end)]
    return "" if url in (".", "index.html") else url


#: Pages the site generates, by site path, besides documents' and alerts'.
GENERATED = (
    "",
    "escalation",
    "playbooks/l1",
    "playbooks/l2",
    "playbooks/l3",
    "playbooks/l4",
    "systems",
    "incidents",
    "known-issues",
    "review",
    "search",
    "alerts",
)


def site_pages(catalog: Catalog) -> dict[str, Document | None]:
    """Every page of the site by site path (``_site_path``), with its document if any."""
    pages: dict[str, Document | None] = dict.fromkeys(GENERATED)
    for name in alert_pages(catalog.alert_rules, catalog.runbooks):
        pages[_site_path(f"alerts/{name}/")] = None
    for doc in catalog.published:
        pages[_site_path(doc.url)] = doc
    return pages


def _no_runbook(rule: AlertRule, unpublished: dict[str, str], problems: Problems) -> None:
    hidden = unpublished.get(rule.name)
    if hidden is not None:
        message = f"alert '{rule.name}' is handled only by {hidden}, which the site does not show"
        hint = "publish that runbook (its `status:`), or list the alert in a published one"
    elif rule.runbook_url:
        message = (
            f"alert '{rule.name}' has no runbook: its page `alerts/{rule.name}/` can only say so"
        )
        hint = (
            f"list it in the front matter of the runbook that handles it (`alerts: [{rule.name}]`)"
        )
    else:
        message = f"alert '{rule.name}' has no runbook"
        hint = (
            f"list it in a runbook's front matter (`alerts: [{rule.name}]`), or give the rule "
            "a `runbook_url` annotation"
        )
    problems.warning(rule.path, rule.line, message, hint, key="alert", code="alert-without-runbook")


def _dead_url(rule: AlertRule, what: str, hint: str, problems: Problems) -> None:
    problems.warning(
        rule.path,
        rule.line,
        f"alert '{rule.name}': runbook_url '{rule.runbook_url}' {what}",
        hint,
        key="runbook_url",
        code="dead-runbook-url",
    )


def check_alert_rules(catalog: Catalog, problems: Problems, alerts_line: dict[str, int]) -> None:
    """Report each alert that leads nowhere, and each ``alerts:`` entry no rule defines.

    ``alerts_line``: each runbook's line of its ``alerts:`` key.
    """
    rules = catalog.alert_rules
    if not rules:
        return
    handled = {alert for doc in catalog.runbooks for alert in doc.runbook.alerts}
    shown = {doc.path for doc in catalog.runbooks}
    unpublished = {
        alert: doc.path
        for doc in reversed(catalog.documents)
        if doc.runbook and doc.path not in shown
        for alert in doc.runbook.alerts
    }
    pages = site_pages(catalog)
    for rule in rules:
        target = (
            _into_site(rule.runbook_url, catalog.settings, rule.name) if rule.runbook_url else None
        )
        if target is None:
            if rule.name not in handled and not rule.runbook_url:
                _no_runbook(rule, unpublished, problems)
            continue  # handled, or a runbook elsewhere that cannot be followed from here
        where = _site_path(target.path)
        if where == _site_path(f"alerts/{rule.name}/"):
            if rule.name not in handled:
                _no_runbook(rule, unpublished, problems)
        elif where not in pages:
            _dead_url(
                rule,
                "leads to no page",
                f"point it at `alerts/{rule.name}/` (the page that always leads to the "
                f"runbook listing '{rule.name}' in `alerts:`), or at the runbook's page",
                problems,
            )
        elif target.fragment and pages[where] is not None:
            doc = pages[where]
            if target.fragment not in anchors_of(catalog.bodies.get(doc.path, "")):
                _dead_url(
                    rule,
                    f"names a heading '{target.fragment}' that {doc.path} does not have",
                    "link to a heading the page has, or to the page alone",
                    problems,
                )
    defined = {rule.name for rule in rules}
    for doc in sorted(catalog.runbooks, key=lambda d: d.path):
        for alert in doc.runbook.alerts:
            if alert not in defined:
                problems.warning(
                    doc.path,
                    alerts_line.get(doc.path, 0),
                    f"alert '{alert}' is defined in no rules file of `alert_rules`",
                    "check the alert's name against the rules, or remove it from `alerts:`",
                    key="alerts",
                    code="unknown-alert",
                )


def handlers(catalog: Catalog) -> dict[str, Document | None]:
    """Each alert's runbook: the first by path listing it in ``alerts:``, else the page
    its ``runbook_url`` leads to in this site; ``None`` when neither."""
    found: dict[str, Document | None] = {}
    for doc in sorted(catalog.runbooks, key=lambda d: d.path):
        for alert in doc.runbook.alerts:
            found.setdefault(alert, doc)
    pages = None
    for rule in catalog.alert_rules:
        if found.get(rule.name) is not None or not rule.runbook_url:
            found.setdefault(rule.name, None)
            continue
        target = _into_site(rule.runbook_url, catalog.settings, rule.name)
        if target is not None:
            pages = pages if pages is not None else site_pages(catalog)
            found[rule.name] = pages.get(_site_path(target.path))
        else:
            found.setdefault(rule.name, None)
    return dict(sorted(found.items()))


def alert_pages(rules: list[AlertRule], runbooks: list[Document]) -> list[str]:
    """Every alert that gets a stable page: named by a rule or a runbook's ``alerts:``."""
    names = {rule.name for rule in rules} | {a for doc in runbooks for a in doc.runbook.alerts}
    return sorted(name for name in names if alert_page_uri(name) is not None)
