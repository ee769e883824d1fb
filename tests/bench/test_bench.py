"""The benchmark: it measures every figure on a tiny knowledge base (no timings asserted)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bench.build import edit_runbook, main, plain_project
from bench.synthetic import write_kb


def test_the_plain_project_holds_the_same_markdown_under_a_short_nav(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", documents=30)
    plain = plain_project(kb, tmp_path / "plain")
    config = yaml.safe_load((plain / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["name"] == "material" and config["plugins"] == ["search"]
    assert len(config["nav"]) == 2
    copied = sorted(p.relative_to(plain / "docs").as_posix() for p in plain.rglob("*.md"))
    assert copied == sorted(p.removeprefix("content/") for p in kb.paths)


def test_an_edit_lands_in_a_published_l1_runbook(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", documents=30)
    path, url = edit_runbook(kb, "benchmark-marker")
    assert path in kb.published_runbooks and kb.tiers[path] == "L1"
    assert (kb.root / path).read_text(encoding="utf-8").rstrip().endswith("benchmark-marker")
    assert url == path.removesuffix(".md") + "/"


def test_the_benchmark_prints_a_row_of_figures(tmp_path: Path, capsys) -> None:
    assert main(["20", "--no-serve", "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| 2"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 12 and cells[-2] == "—" and cells[-1].endswith(" s")
    assert cells[3].endswith(" s") and cells[5].endswith("×") and cells[6].endswith(" MB")
    rebuild, cold = float(cells[7].removesuffix(" s")), float(cells[3].removesuffix(" s"))
    share = float(cells[9].removesuffix("%")) / 100  # the cells round to 0.1 s
    assert cells[8] == "—" and (rebuild - 0.05) / (cold + 0.05) <= share + 0.001
    assert share - 0.001 <= (rebuild + 0.05) / (cold - 0.05), "rebuild as a share of cold"
    targets = next(line for line in out.splitlines() if line.startswith("targets at 2"))
    assert "plain Material: " in targets and "rebuild ≤ 8% of cold: " in targets
    assert "preview" not in targets, "no preview was measured"
    assert "related documents" in out
    loop = re.search(r"a fixed Python loop took (\d+\.\d\d) s", out)
    assert loop and float(loop.group(1)) > 0, "the machine's speed, to compare runs by"
    assert (tmp_path / "kb-20" / "kb" / "site" / "index.html").is_file()


def test_peak_memory_counts_the_workers_of_a_build(tmp_path: Path) -> None:
    """Build workers are forked processes: their memory is part of the build's."""
    import subprocess
    import sys

    from bench.build import _memory_mb, _tree

    ready = tmp_path / "ready"
    script = (
        "import os, sys, time\n"
        "own = b'p' * (120 << 20)\n"
        "if os.fork() == 0:\n"
        "    more = b'w' * (90 << 20)\n"
        f"    open({str(ready)!r}, 'w').close()\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(600):  # wait for the worker's allocation; bounded, not timed
            if ready.exists() and len(_tree(proc.pid)) == 2:
                break
            subprocess.run([sys.executable, "-c", "pass"], check=True)  # let them run
        assert len(_tree(proc.pid)) == 2
        parent_only = _memory_mb(proc.pid) - _memory_mb(_tree(proc.pid)[1])
        assert _memory_mb(proc.pid) > 200  # 120 MB of its own + 90 MB of the worker's
        assert parent_only < 200
    finally:
        for pid in reversed(_tree(proc.pid)):
            subprocess.run(["kill", str(pid)], check=False)
        proc.wait()


def test_a_run_waits_for_and_counts_what_the_command_detached(tmp_path: Path) -> None:
    """A build leaves its terminal search index to a detached process: its memory and
    the end of its work are part of the figures."""
    import sys

    from bench.build import _adopting_orphans, _child

    done = tmp_path / "done"
    script = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        held = b'd' * (150 << 20)\n"
        "        time.sleep(0.5)\n"
        f"        open({str(done)!r}, 'w').close()\n"
        "    os._exit(0)\n"
        "os.wait()\n"
        "print('returned')\n"
    )
    with _adopting_orphans():
        run = _child([sys.executable, "-c", script], tmp_path)
    assert run.out.strip() == "returned"
    assert done.exists()  # the detached grandchild was waited for
    assert run.peak_mb > 150
