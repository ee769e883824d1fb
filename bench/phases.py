"""Where a build's time goes: ``opskb build`` with a timer round each of its phases.

``python -m bench.phases KB [--plain PROJECT] [--edit] [--workers N]`` builds the
knowledge base at ``KB`` in a child process whose phases (load, validate,
catalogue, search records, related documents, page Markdown, MkDocs' Markdown
conversion, the theme, writing, Pagefind, offline copies, the swap…) are timed
as they run, in the first process and in each build worker it forks. It prints,
per process, each phase's calls, wall-clock and CPU seconds, page faults and when it started
and ended (seconds after the build started), so that what runs in one process
while the other CPU idles shows. ``--plain`` times a plain ``mkdocs build`` of
that project right after, as the benchmark compares (on a shared machine only
figures measured side by side compare). ``--edit`` appends a line to one
runbook first (a rebuild after one edit); ``--cold`` removes the cache folder
and the site first.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

#: (module, attribute) of each function timed, and the phase it is reported as. A
#: name imported into a module is patched there, where it is called from.
PHASES = [
    ("opskb.engines.mkdocs.build", "load_kb", "load_kb (all)"),
    ("opskb.pipeline", "walk_sources", "load: walk"),
    ("opskb.pipeline", "load_all", "load: read+validate+links"),
    ("opskb.pipeline", "build_catalog", "load: catalogue"),
    ("opskb.pipeline", "last_changes", "load: git history"),
    ("opskb.pipeline", "rewrite_links", "load: rewrite links"),
    ("opskb.pipeline", "check_governance", "load: governance"),
    ("opskb.pipeline", "read_alert_rules", "load: alert rules"),
    ("opskb.pipeline", "search_records", "render_kb: search records"),
    ("opskb.search.related", "similar_documents", "render_kb: related documents"),
    ("opskb.pipeline", "render_site", "render_kb: page Markdown"),
    ("opskb.engines.mkdocs.plugin", "render_kb", "render_kb (all)"),
    ("opskb.engines.mkdocs.plugin", "catalog_json", "catalogue JSON"),
    ("opskb.engines.mkdocs.plugin", "hand_over", "on_files: hand over"),
    ("opskb.engines.mkdocs.plugin", "build_record", "on_files: build record"),
    ("opskb.engines.mkdocs.plugin", "write_offline_copies", "post: offline copies"),
    ("opskb.engines.mkdocs.plugin", "write_service_worker", "post: service worker"),
    ("opskb.engines.mkdocs.build", "swap_into_place", "swap into place"),
    ("opskb.engines.mkdocs.build", "load_record", "reuse record: load"),
    ("opskb.engines.mkdocs.build", "save_record", "reuse record: save"),
    ("opskb.engines.mkdocs.search_jobs", "SiteIndexJob", "pagefind: start job"),
    ("opskb.search.site_index", "SiteIndexJob.finish", "pagefind: finish (wait+move)"),
    ("opskb.search.site_index", "SiteIndexJob._wait", "pagefind: wait"),
    ("opskb.search.background", "start_index_update", "whoosh: start (fork)"),
    ("opskb.engines.mkdocs.search_jobs", "SearchJobs.finish", "post: search index"),
    ("opskb.engines.mkdocs.pages", "PagePlan.plan_reuse", "on_files: plan reuse"),
    ("opskb.engines.mkdocs.pages", "PagePlan.put_in_place", "pages: reused put in place"),
    ("opskb.engines.mkdocs.plugin", "OpskbPlugin._put_reused_in_place", "pages: reused (all)"),
    ("opskb.executor", "BuildWorkers.start", "workers: fork"),
    ("opskb.executor", "BuildWorkers.wait", "workers: wait for others"),
    ("mkdocs.config", "load_config", "mkdocs: load config"),
    ("mkdocs.commands.build", "build", "mkdocs build (all)"),
    ("mkdocs.commands.build", "get_files", "mkdocs: get files"),
    ("mkdocs.commands.build", "get_navigation", "mkdocs: navigation"),
    ("mkdocs.commands.build", "_populate_page", "mkdocs: populate pages (all)"),
    ("mkdocs.structure.pages", "Page.read_source", "mkdocs: read source"),
    ("mkdocs.structure.pages", "Page.render", "mkdocs: Markdown→HTML"),
    ("mkdocs.structure.files", "Files.copy_static_files", "mkdocs: copy static files"),
    ("mkdocs.commands.build", "_build_theme_template", "mkdocs: static templates"),
    ("mkdocs.commands.build", "_build_page", "mkdocs: build pages (all)"),
    ("mkdocs.commands.build", "get_context", "mkdocs: page context"),
    ("jinja2.environment", "Template.render", "theme: Jinja render"),
    ("mkdocs.utils", "write_file", "mkdocs: write file"),
    ("mkdocs.structure.pages", "Page.validate_anchor_links", "mkdocs: anchor links"),
    ("mkdocs.plugins", "PluginCollection.run_event", "event"),
]

_CHILD = """
import sys
from bench.phases import timed_build
timed_build(sys.argv[1:])
"""


class _Clock:
    """Calls, wall and CPU seconds, first start and last end, of each phase in one process."""

    def __init__(self, origin: float) -> None:
        self.origin = origin
        self.phases: dict[str, list[float]] = {}
        self.depth: dict[str, int] = {}

    def wrap(self, name: str, func):
        @functools.wraps(func)
        def timed(*args, **kwargs):
            label = f"event {args[1]}" if name == "event" else name
            outer = self.depth.get(label, 0) == 0  # a recursive call counts once
            self.depth[label] = self.depth.get(label, 0) + 1
            wall, cpu, faults = time.perf_counter(), time.process_time(), _faults()
            try:
                return func(*args, **kwargs)
            finally:
                self.depth[label] -= 1
                if outer:
                    now = time.perf_counter()
                    row = self.phases.setdefault(
                        label, [0, 0.0, 0.0, now - self.origin, 0.0, 0.0, 0]
                    )
                    row[0] += 1
                    row[1] += now - wall
                    row[2] += time.process_time() - cpu
                    row[3] = min(row[3], wall - self.origin)
                    row[4] = now - self.origin
                    row[5] = wall - self.origin  # the last call's start
                    row[6] += _faults() - faults

        return timed

    def dump(self, role: str) -> None:
        out = Path(os.environ["OPSKB_PHASES_OUT"]) / f"{role}-{os.getpid()}.json"
        children = os.times()
        out.write_text(
            json.dumps(
                {
                    "role": role,
                    "phases": self.phases,
                    "cpu": time.process_time(),
                    "faults": _faults(),
                    "children_faults": resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt,
                    "children_cpu": children.children_user + children.children_system,
                    "end": time.perf_counter() - self.origin,
                    "origin": self.origin,
                }
            )
        )


def _faults() -> int:
    """Page faults of this process so far that read nothing from disk (a page first
    touched, or copied after a fork)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _patch(clock: _Clock) -> None:
    for module_name, attribute, name in PHASES:
        module = importlib.import_module(module_name)
        owner, _, method = attribute.partition(".")
        if method:
            cls = getattr(module, owner)
            setattr(cls, method, clock.wrap(name, cls.__dict__[method]))
        else:
            setattr(module, owner, clock.wrap(name, getattr(module, owner)))


def timed_build(argv: list[str]) -> None:
    """``opskb build --kb KB`` (``argv``: ``opskb KB``), or ``mkdocs build -f FILE``
    (``argv``: ``mkdocs FILE``), with its phases timed."""
    origin = time.perf_counter()
    import opskb.engines.mkdocs.plugin  # noqa: F401  (what is patched must be imported)
    from mkdocs.__main__ import cli as mkdocs_cli
    from opskb.cli import main as opskb_cli
    from opskb.executor import BuildWorkers

    tool, path, *port = argv
    if tool == "opskb":
        cli, sys.argv = opskb_cli, ["opskb", "build", "--kb", path, "-q"]
    elif tool == "serve":
        cli, sys.argv = opskb_cli, ["opskb", "serve", "--kb", path, "--dev-addr", *port]
    else:
        cli, sys.argv = mkdocs_cli, ["mkdocs", "build", "-q", "-f", path]

    clock = _Clock(origin)
    _patch(clock)
    imported = time.perf_counter() - origin
    clock.phases["imports"] = [1, imported, time.process_time(), 0.0, imported, 0.0, _faults()]
    finish = BuildWorkers.finish

    def finished(self, **kwargs):
        clock.dump(f"worker{self.index}")
        finish(self, **kwargs)

    BuildWorkers.finish = finished
    snapshots = iter(range(1, 1_000))
    signal.signal(signal.SIGUSR1, lambda *_: clock.dump(f"snapshot{next(snapshots):03}"))
    try:
        cli.main(standalone_mode=False)
    finally:
        clock.dump("first")


def _table(report: dict) -> str:
    lines = [
        f"## {report['role']}: CPU {report['cpu']:.2f} s, children's CPU "
        f"{report['children_cpu']:.2f} s, ended at {report['end']:.2f} s; page faults "
        f"{report['faults']:,}, children's {report['children_faults']:,}",
        f"| {'phase':<38} | calls | wall s | cpu s | from s | to s | faults |",
        f"|{'-' * 40}|------:|-------:|------:|-------:|-----:|-------:|",
    ]
    rows = sorted(report["phases"].items(), key=lambda item: (item[1][4], item[1][3]))
    for name, (calls, wall, cpu, start, end, _, faults) in rows:
        lines.append(
            f"| {name:<38} | {calls:>5.0f} | {wall:>6.2f} | {cpu:>5.2f} | {start:>6.2f} | "
            f"{end:>4.2f} | {faults:>6,} |"
        )
    return "\n".join(lines)


def _run(args: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (with its children) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def _edit(kb: Path, marker: str) -> str:
    """Append ``marker`` to the first runbook; the address of its page."""
    runbook = sorted((kb / "runbooks").rglob("*.md"))[0]
    with runbook.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited for the phases: {marker}\n")
    return runbook.relative_to(kb).as_posix().removesuffix(".md") + "/"


def _serve(kb: Path, out: Path, env: dict) -> int:
    """``opskb serve``: the first build, then an edit until its page is served; the
    phases of the rebuild alone (the difference of the server's counts before and after)."""
    from bench.build import _fetch, _free_port

    port = _free_port()
    url = f"http://127.0.0.1:{port}/" + _edit(kb, f"before-{time.time()}")
    command = [sys.executable, "-c", _CHILD, "serve", str(kb), f"127.0.0.1:{port}"]
    log = (out / "serve.log").open("wb")
    proc = subprocess.Popen(command, cwd=kb, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.perf_counter()
        while "Edited for the phases: before" not in (_fetch(url) or ""):
            if proc.poll() is not None:
                raise SystemExit("opskb serve ended:\n" + (out / "serve.log").read_text()[-3000:])
            time.sleep(0.2)
        print(f"first build served after {time.perf_counter() - started:.2f} s")
        time.sleep(2.0)
        proc.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        marker = f"after-{time.time()}"
        edited = time.perf_counter()
        _edit(kb, marker)
        while marker not in (_fetch(url) or ""):
            time.sleep(0.05)
        print(f"edit → page served: {time.perf_counter() - edited:.2f} s")
        time.sleep(0.5)
        proc.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    before, after = (json.loads(p.read_text()) for p in sorted(out.glob("snapshot*.json")))
    phases = {}
    shift = after["origin"] - edited  # the server's times, as seconds after the edit
    for name, (calls, wall, cpu, _, end, last, faults) in after["phases"].items():
        old = before["phases"].get(name, [0, 0.0, 0.0, 0.0, 0.0, 0.0, 0])
        if calls > old[0]:
            start = last + shift if calls - old[0] == 1 else float("nan")
            phases[name] = [
                *(calls - old[0], wall - old[1], cpu - old[2]),
                *(start, end + shift, last, faults - old[6]),
            ]
    report = {**after, "role": "the rebuild after the edit (from s: after the edit)"}
    report["phases"] = phases
    report["cpu"] -= before["cpu"]
    report["faults"] -= before["faults"]
    print(_table(report))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.phases", description=__doc__)
    parser.add_argument("kb", type=Path, help="the knowledge base to build")
    parser.add_argument("--plain", type=Path, help="a plain Material project to time after")
    parser.add_argument("--edit", action="store_true", help="edit one runbook first")
    parser.add_argument("--cold", action="store_true", help="remove the cache and site first")
    parser.add_argument(
        "--serve", action="store_true", help="time `opskb serve` from an edit to the page instead"
    )
    args = parser.parse_args(argv)
    kb = args.kb.resolve()
    if args.cold:
        shutil.rmtree(kb / ".opskb-cache", ignore_errors=True)
        shutil.rmtree(kb / "site", ignore_errors=True)
    if args.edit:
        _edit(kb, "edited")
    with tempfile.TemporaryDirectory(prefix="opskb-phases-") as out:
        env = {**os.environ, "OPSKB_PHASES_OUT": out, "NO_MKDOCS_2_WARNING": "1"}
        env["PYTHONPATH"] = os.pathsep.join(
            [str(Path(__file__).parents[1]), env.get("PYTHONPATH", "")]
        )
        if args.serve:
            return _serve(kb, Path(out), env)
        runs = [("opskb build", ["opskb", str(kb)], kb)]
        if args.plain:
            plain = args.plain.resolve()
            shutil.rmtree(plain / "site", ignore_errors=True)
            runs.append(("plain mkdocs build", ["mkdocs", str(plain / "mkdocs.yml")], plain))
        for title, command, cwd in runs:
            for old in Path(out).glob("*.json"):
                old.unlink()
            wall, cpu = _run([sys.executable, "-c", _CHILD, *command], cwd, env)
            print(f"# {title}: {wall:.2f} s wall, {cpu:.2f} s CPU (with its children)")
            for report in sorted(Path(out).glob("*.json")):
                print()
                print(_table(json.loads(report.read_text())))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
