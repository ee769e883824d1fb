"""The benchmark: how fast opskb builds synthetic knowledge bases, next to plain Material.

``python -m bench.build 1000 5000 10000`` writes a knowledge base of each size
into a temporary folder and prints, per size: our own stages (load, validate,
catalogue, render) in documents per second, a cold ``opskb build``, a plain
``mkdocs build`` with Material of the same Markdown files under a short nav,
their ratio, peak memory, a rebuild after one edited runbook, and the time
``opskb serve`` takes from that edit to the rewritten page. Every build runs in
its own process so that its peak memory is its own. A fixed Python loop is
timed before each size's stages: on a shared machine, its time tells how fast
the machine was when the row was measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.synthetic import MKDOCS_YML, SyntheticKB, write_kb

__all__ = ["Figures", "main", "measure"]

TARGET_RATIO = 0.6  # a cold build against plain Material: two cores can at best halve one
TARGET_REBUILD = 0.08  # a rebuild after one edit, as a share of the cold build
TARGET_PREVIEW = 0.04  # ``opskb serve``: a saved edit on screen, as a share of the cold build
TARGET_MB = 1_000  # peak memory of a build (10,000 documents is the size that matters)
SERVE_TIMEOUT = 900.0  # seconds an edit may take to show before the run gives up


@dataclass
class Figures:
    documents: int
    load_seconds: float  # load, validate, catalogue
    related_seconds: float  # related documents and past incidents (search index)
    render_seconds: float  # every page's Markdown
    build_seconds: float
    build_cpu_seconds: float  # with the work it left running (the terminal search index)
    build_settled_seconds: float  # until that work was done too
    peak_mb: float
    plain_seconds: float
    plain_cpu_seconds: float
    rebuild_seconds: float
    serve_reload_seconds: float | None
    reference_seconds: float = 0.0  # a fixed Python loop, timed before the stages

    @property
    def stages_rate(self) -> float:
        """Documents per second through load, validate, catalogue and render."""
        return self.documents / (self.load_seconds + self.render_seconds)

    @property
    def all_stages_rate(self) -> float:
        """The same, with related documents computed too (everything before MkDocs)."""
        return self.documents / (self.load_seconds + self.related_seconds + self.render_seconds)

    @property
    def ratio(self) -> float:
        return self.build_seconds / self.plain_seconds

    @property
    def rebuild_share(self) -> float:
        """A rebuild after one edit, as a share of the cold build."""
        return self.rebuild_seconds / self.build_seconds

    @property
    def preview_share(self) -> float | None:
        """``opskb serve`` from a saved edit to the page, as a share of the cold build."""
        if self.serve_reload_seconds is None:
            return None
        return self.serve_reload_seconds / self.build_seconds

    def targets(self) -> list[tuple[str, bool]]:
        """Each speed target and whether this size meets it (see README → Performance)."""
        met = [
            (f"cold build ≤ {TARGET_RATIO:.2f}× plain Material", self.ratio <= TARGET_RATIO),
            (f"rebuild ≤ {TARGET_REBUILD:.0%} of cold", self.rebuild_share <= TARGET_REBUILD),
            (f"peak memory < {TARGET_MB:,} MB", self.peak_mb < TARGET_MB),
        ]
        if self.preview_share is not None:
            met.insert(
                2, (f"preview ≤ {TARGET_PREVIEW:.0%} of cold", self.preview_share <= TARGET_PREVIEW)
            )
        return met


_STAGES = """
import json, sys, time
from pathlib import Path
from opskb.pipeline import load_kb
from opskb.pages import render_site
from opskb.search.related import similar_documents
from opskb.executor import available_cpus
root = Path(sys.argv[1])
start = time.perf_counter()
total = 0
for number in range(5_000_000):  # the machine's speed now, to compare runs by
    total += number
reference = time.perf_counter() - start
start = time.perf_counter()
kb = load_kb(root, workers=None)  # as `opskb build` does
loaded = time.perf_counter()
workers = available_cpus()
similar = similar_documents(root, kb.catalog, workers=workers) if sys.argv[2] == "1" else None
related = time.perf_counter()
site = render_site(kb.catalog, similar, workers=workers)
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "related": related - loaded, "render": done - related,
                  "reference": reference}))
"""


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                queue += [int(c) for c in task.read_text().split()]
    return found


def _memory_mb(pid: int) -> float:
    """Memory of a process tree now: the sum of its proportional set sizes (shared pages
    counted once across the processes that share them, as forked build workers do)."""
    return _pss_mb(_tree(pid))


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for member in pids:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


class _PeakMemory(threading.Thread):
    """Samples the memory of every process below this one until stopped; ``peak`` in MB.

    That includes work a build detached (see ``_adopting_orphans``).
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self._done = 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak = max(self.peak, _pss_mb(_tree(os.getpid())[1:]))

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak


@contextlib.contextmanager
def _adopting_orphans():
    """Meanwhile, become the parent of processes our children detach (Linux), so that
    their time and memory are counted: a build leaves its terminal search index to one."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):
        prctl = None
    pr_set_child_subreaper = 36
    if prctl is not None:
        prctl(pr_set_child_subreaper, 1, 0, 0, 0)
    try:
        yield
    finally:
        if prctl is not None:
            prctl(pr_set_child_subreaper, 0, 0, 0, 0)


@dataclass
class _Run:
    wall: float  # seconds until the command returned
    cpu: float  # CPU seconds of it, its workers and what it left running
    peak_mb: float
    out: str
    settled: float  # seconds until what it left running (detached) was done too


def _child(args: list[str], cwd: Path) -> _Run:
    """Run a command and measure it, with its workers and what it leaves running.

    The child is reaped with ``wait4`` so its CPU time is its own (and its
    workers'), not that of every child the benchmark ran before. Peak memory
    is sampled from ``/proc`` across every process below the benchmark where
    that is readable, else the largest process's peak resident size.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        sampler = _PeakMemory()
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        while True:  # processes it detached, adopted by this one
            try:
                _, _, left = os.wait4(-1, 0)
            except ChildProcessError:
                break
            cpu += left.ru_utime + left.ru_stime
        settled = time.perf_counter() - started
        sampled = sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read()[-3000:]}")
        peak = sampled if sampled > 0 else usage.ru_maxrss / 1024
        return _Run(wall, cpu, peak, out.read(), settled)


def _opskb() -> list[str]:
    script = Path(sys.executable).with_name("opskb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "opskb.cli"]


def plain_project(kb: SyntheticKB, folder: Path) -> Path:
    """The same Markdown files as a plain Material project with a short nav."""
    docs = folder / "docs"
    shutil.copytree(kb.root / "content", docs)
    shutil.copytree(kb.root / "runbooks", docs / "runbooks")
    config = MKDOCS_YML.split("plugins:")[0].replace("docs_dir: content", "docs_dir: docs")
    first_system = next(iter(kb.systems.values())).removeprefix("content/")
    nav = f"nav:\n  - Home: index.md\n  - Systems:\n    - {first_system}\n"
    (folder / "mkdocs.yml").write_text(
        config.format(name="Plain", review_every=0, extra="") + "plugins:\n  - search\n" + nav,
        encoding="utf-8",
    )
    return folder


def edit_runbook(kb: SyntheticKB, marker: str) -> tuple[str, str]:
    """Append a line holding ``marker`` to one published L1 runbook; (path, page URL)."""
    path = next(iter(sorted(kb.l1_runbook.values())))
    with (kb.root / path).open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited for the benchmark: {marker}\n")
    return path, path.removesuffix(".md") + "/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def serve_reload(kb: SyntheticKB) -> float | None:
    """Seconds from an edit to ``opskb serve`` serving the rewritten page (``None``: gave up)."""
    port = _free_port()
    _, url = edit_runbook(kb, "before-serve")  # the page whose rewrite we time, before start
    log = (kb.root.parent / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*_opskb(), "serve", "--kb", str(kb.root), "--dev-addr", f"127.0.0.1:{port}"],
        cwd=kb.root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + SERVE_TIMEOUT
        while time.monotonic() < deadline and "before-serve" not in (_fetch(base + url) or ""):
            if proc.poll() is not None:
                return None
            time.sleep(0.5)
        time.sleep(1.5)  # let the watcher settle after the first build
        edited = time.perf_counter()
        edit_runbook(kb, "after-serve-edit")
        while time.monotonic() < deadline:
            if "after-serve-edit" in (_fetch(base + url) or ""):
                return time.perf_counter() - edited
            if proc.poll() is not None:
                return None
            time.sleep(0.1)
        return None
    finally:
        log.close()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(documents: int, workdir: Path, *, serve: bool = True, related: bool = True) -> Figures:
    """Every figure for one size, measured now on this machine."""
    folder = workdir / f"kb-{documents}"
    shutil.rmtree(folder, ignore_errors=True)
    kb = write_kb(folder / "kb", documents=documents, related=related)
    plain = plain_project(kb, folder / "plain")
    stages = json.loads(
        _child([sys.executable, "-c", _STAGES, str(kb.root), str(int(related))], kb.root).out
    )
    shutil.rmtree(kb.root / ".opskb-cache", ignore_errors=True)  # the build below starts cold
    build = _child([*_opskb(), "build", "--kb", str(kb.root), "-q"], kb.root)
    plain_run = _child(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml")], plain
    )
    edit_runbook(kb, "rebuild-edit")
    rebuild = _child([*_opskb(), "build", "--kb", str(kb.root), "-q"], kb.root)
    reload = serve_reload(kb) if serve else None
    return Figures(
        documents=len(kb.paths),
        load_seconds=stages["load"],
        related_seconds=stages["related"],
        render_seconds=stages["render"],
        build_seconds=build.wall,
        build_cpu_seconds=build.cpu,
        build_settled_seconds=build.settled,
        peak_mb=build.peak_mb,
        plain_seconds=plain_run.wall,
        plain_cpu_seconds=plain_run.cpu,
        rebuild_seconds=rebuild.wall,
        serve_reload_seconds=reload,
        reference_seconds=stages["reference"],
    )


HEADER = (
    "| documents | our stages (docs/s) | + related (docs/s) | opskb build | plain Material "
    "| ratio | peak memory | rebuild after 1 edit | serve: edit → page | rebuild / cold "
    "| preview / cold | loop |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(f: Figures) -> str:
    reload = f"{f.serve_reload_seconds:.1f} s" if f.serve_reload_seconds is not None else "—"
    preview = f"{f.preview_share:.1%}" if f.preview_share is not None else "—"
    return (
        f"| {f.documents:,} | {f.stages_rate:,.0f} | {f.all_stages_rate:,.0f} "
        f"| {f.build_seconds:.1f} s "
        f"| {f.plain_seconds:.1f} s | {f.ratio:.2f}× | {f.peak_mb:,.0f} MB "
        f"| {f.rebuild_seconds:.1f} s | {reload} | {f.rebuild_share:.1%} | {preview} "
        f"| {f.reference_seconds:.2f} s |"
    )


def detail(f: Figures) -> str:
    """Where the time goes, for the closing notes."""
    return (
        f"{f.documents:,} documents: load+validate+catalogue {f.load_seconds:.2f} s, "
        f"related documents {f.related_seconds:.2f} s, render {f.render_seconds:.2f} s; "
        f"CPU time: opskb build {f.build_cpu_seconds:.1f} s, "
        f"plain Material {f.plain_cpu_seconds:.1f} s; "
        f"the terminal search index was ready {f.build_settled_seconds:.1f} s after the build "
        f"started; the machine's speed: a fixed Python loop took {f.reference_seconds:.2f} s "
        "(runs on a shared machine compare by it)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build", description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[300], help="documents per run")
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview figure")
    parser.add_argument(
        "--without-related",
        action="store_true",
        help="build with 'related: false' (no related documents or similar past incidents)",
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="write the knowledge bases here and keep them"
    )
    args = parser.parse_args(argv)
    related = "without" if args.without_related else "with"
    print(
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {related} related documents",
        flush=True,
    )
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="opskb-bench-") as scratch:
        workdir = Path(args.keep) if args.keep else Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        figures = []
        with _adopting_orphans():
            for size in args.sizes:
                serve, related_docs = not args.no_serve, not args.without_related
                figures.append(measure(size, workdir, serve=serve, related=related_docs))
                print(row(figures[-1]), flush=True)
    print()
    for f in figures:
        print(detail(f))
    for f in figures:
        said = ", ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in f.targets())
        print(f"targets at {f.documents:,} documents: {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
