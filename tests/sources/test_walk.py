"""Sources: one walk decides which files a knowledge base holds, for every stage.

Special files, symbolic-link loops and names that are not UTF-8 each get one
clear problem while check, build and serve finish; search indexes only what
the loader reads; links count only files the site publishes; every suffix
MkDocs reads as Markdown is a document in the catalogue and a page at the
same URL on the site.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from mkdocs.utils import markdown_extensions

from tests.conftest import SUITE_EPOCH, page, run_cli
from tests.engines.mkdocs.test_watching import free_port, wait_for
from tests.whole_site.test_hostile import opskb


def problems_of(result: subprocess.CompletedProcess[str], path: str) -> list[dict]:
    return [p for p in json.loads(result.stdout) if p["path"] == path]


def test_special_files_are_skipped_unopened_with_one_warning_each(make_kb, monkeypatch):
    root = make_kb({"content/articles/note.md": "---\ntitle: Note\n---\nA note.\n"})
    specials = {
        "content/articles/fifo.md": "named pipe",
        "content/notes.txt": "named pipe",
        "runbooks/vpn/pipe.txt": "named pipe",
        "content/articles/control.sock": "socket",
    }
    for path, what in specials.items():
        if what == "named pipe":
            os.mkfifo(root / path)
    monkeypatch.chdir(root / "content/articles")  # a socket's path has a short length limit
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("control.sock")

    check = opskb("check", "--kb", root, "--format", "json")
    assert check.returncode == 0, check.stdout + check.stderr
    for path, what in specials.items():
        (problem,) = problems_of(check, path)
        assert problem["level"] == "warning" and what in problem["message"], problem
        assert problem["hint"]

    build = opskb("build", "--kb", root)
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    for path in specials:
        assert build.stderr.count(f"{path}: warning") == 1, build.stderr
    site = root / "site"
    assert "A note." in page(site, "articles/note/")
    assert not (site / "notes.txt").exists() and not (site / "runbooks/vpn/pipe.txt").exists()


def test_a_symbolic_link_loop_is_one_warning_and_check_and_build_finish(make_kb):
    root = make_kb()
    (root / "content/self").symlink_to(".", target_is_directory=True)
    (root / "runbooks/vpn/up").symlink_to("..", target_is_directory=True)

    build = opskb("build", "--kb", root)
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr and "content/self: warning" in build.stderr
    site = root / "site"
    assert "Resync the token." in page(site, "runbooks/vpn/reset-token/")
    assert not (site / "self").exists() and not (site / "runbooks/vpn/up").exists()

    check = opskb("check", "--kb", root, "--format", "json")
    assert check.returncode == 0, check.stdout + check.stderr
    for path in ("content/self", "runbooks/vpn/up"):
        (problem,) = problems_of(check, path)
        assert problem["level"] == "warning" and "loop" in problem["message"], problem
        assert "remove the link" in problem["hint"]


def test_serve_previews_a_knowledge_base_holding_a_symbolic_link_loop(make_kb, tmp_path):
    root = make_kb()
    (root / "content/self").symlink_to(".", target_is_directory=True)
    port = free_port()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": SUITE_EPOCH, "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "opskb.cli", "serve", "--kb", str(root), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/runbooks/vpn/reset-token/"
        assert wait_for(url, "Resync the token.", process)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=20)
    assert "Traceback" not in errors
    assert "content/self: warning" in errors


def test_a_name_that_is_not_utf8_is_one_error_naming_it(make_kb):
    root = make_kb()
    articles = os.fsencode(root / "content/articles")
    os.makedirs(articles)
    with open(articles + b"/caf\xe9.md", "w") as file:
        file.write("---\ntitle: Cafe\n---\nCoffee.\n")
    os.makedirs(articles + b"/d\xfcr")
    with open(articles + b"/d\xfcr/inside.md", "w") as file:
        file.write("---\ntitle: Inside\n---\nInside.\n")
    names = {"content/articles/caf\\xe9.md": "file", "content/articles/d\\xfcr": "folder"}

    check = opskb("check", "--kb", root, "--format", "json")
    assert check.returncode == 1 and "Traceback" not in check.stderr
    for path, what in names.items():
        (problem,) = problems_of(check, path)
        assert problem["level"] == "error" and "not UTF-8" in problem["message"], problem
        assert what in problem["message"] and "rename" in problem["hint"]

    text = opskb("check", "--kb", root)
    build = opskb("build", "--kb", root)
    for result, output in ((text, text.stdout), (build, build.stderr)):
        assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
        for path in names:
            assert f"{path}: error" in output
    assert "previous site is untouched" in build.stderr


def test_search_indexes_only_what_the_loader_reads(make_kb, tmp_path):
    """The search index stamps sources to refresh only the files that changed: it must
    find the same files the loader does, and never a link out of the knowledge base."""
    root = make_kb()
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Not ours\n---\nThe xyzzy secret.\n")
    assert "Reset VPN token" in run_cli("search", "token", "--kb", root).stdout  # indexed
    (root / "content/articles").mkdir()
    (root / "content/articles/secret.md").symlink_to(outside)
    os.mkfifo(root / "content/articles/fifo.md")
    result = run_cli("search", "xyzzy", "--kb", root, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_links_count_only_files_the_site_publishes(make_kb):
    root = make_kb(
        {
            "content/articles/links.md": (
                "---\ntitle: Links\n---\n"
                "See [the config](../../mkdocs.yml), [the pipe](pipe.txt) and [a note](note.txt).\n"
            ),
            "content/articles/note.txt": "A plain attachment.\n",
        }
    )
    os.mkfifo(root / "content/articles/pipe.txt")
    result = run_cli("check", "--kb", root, "--format", "json")
    warned = [
        p["message"]
        for p in json.loads(result.stdout)
        if p["path"] == "content/articles/links.md" and p["code"] == "broken-link"
    ]
    assert len(warned) == 2, warned
    assert any("../../mkdocs.yml" in m for m in warned) and any("pipe.txt" in m for m in warned)


def test_every_suffix_mkdocs_reads_as_markdown_is_a_document_and_a_page(make_kb, build):
    """MkDocs builds ``.markdown``, ``.mdown``, ``.mkdn`` and ``.mkd`` files as pages: the
    catalogue holds them too, at the URL the site has them (a README is its folder's page)."""
    files = {
        f"content/articles/from{suffix.replace('.', '-')}{suffix}": (
            f"---\ntitle: Written as {suffix}\n---\nBody of {suffix}.\n"
        )
        for suffix in markdown_extensions
    }
    runbook = "---\ntitle: Resync by hand\ntier: L1\nsystems: [vpn]\nescalate_when: [x]\n---\nx\n"
    files["runbooks/vpn/resync.mkd"] = runbook
    files["content/guide/README.md"] = "---\ntitle: The guide\n---\nGuide text.\n"
    root = make_kb(files)
    site = build(root)
    catalog = json.loads((site / "api/catalog.json").read_text(encoding="utf-8"))
    urls = {entry["source"]: entry["url"] for entry in catalog["documents"]}
    for path, text in files.items():
        assert path in urls, path
        shown = page(site, urls[path])
        assert text.split("\n")[1].removeprefix("title: ") in shown
    assert urls["content/guide/README.md"] == "guide/"
    assert urls["runbooks/vpn/resync.mkd"] == "runbooks/vpn/resync/"
    assert "../../runbooks/vpn/resync/" in page(site, "systems/vpn/")


def test_a_folder_beside_the_sources_is_walked_as_the_sources_are(tmp_path):
    """A theme's custom_dir, copied into the staged tree and stamped for reuse, takes the
    files and links the walk of the sources takes: a link inside the knowledge base is
    read, one out of it or to nothing is not, and no hidden file."""
    from opskb.sources.walk import walk_folder

    root = tmp_path / "kb"
    theme = root / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "main.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    (root / "shared.html").write_text("<footer></footer>", encoding="utf-8")
    (theme / "partials" / "footer.html").symlink_to(root / "shared.html")
    (tmp_path / "secret.txt").write_text("not the theme's", encoding="utf-8")
    (theme / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (theme / "gone.html").symlink_to(theme / "missing.html")
    (theme / ".hidden").write_text("", encoding="utf-8")
    found = walk_folder(theme, root=root)
    assert [f.rel for f in found] == ["main.html", "partials/footer.html"]
    assert found[1].path.read_text(encoding="utf-8") == "<footer></footer>"
    assert [f.rel for f in walk_folder(theme)] == ["main.html"]  # links may not leave it
    assert walk_folder(tmp_path / "absent") == []
