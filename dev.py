#!/usr/bin/env python3
"""One-command set-up for opskb on a fresh machine with Python 3.11+.

    python3 dev.py site      # install, then build the sample knowledge base into site/
    python3 dev.py serve     # install, then serve it with live reload on 127.0.0.1:8000
    python3 dev.py test      # install everything the tests need, then run the whole suite
    python3 dev.py fuzz      # run the property-based tests with many random examples

Everything goes into .venv/ beside this file; nothing is installed globally
except Debian's chromium for the browser tests (when missing and run as root).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*cmd: str | Path, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def install(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under any python3
        sys.exit("opskb needs Python 3.11 or newer")
    if not PY.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("installing opskb and its dependencies …", flush=True)
    run(PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e",
        f".[{extras}]" if extras else ".")
    stamp.write_text(digest)


def ensure_chromium() -> None:
    if shutil.which("chromium"):
        return
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's chromium for the browser tests …", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", env=env)
    else:
        print("note: chromium is not installed; browser tests will be skipped "
              "(install Debian's 'chromium' package to run them)", flush=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command == "site":
        install("")
        code = subprocess.call([BIN / "opskb", "build", "--strict", *rest], cwd=ROOT)
        if code == 0:
            print("built the sample knowledge base into site/; "
                  "`python3 dev.py serve` previews it at http://127.0.0.1:8000/")
        return code
    if command == "serve":
        install("")
        return subprocess.call([BIN / "opskb", "serve", *rest], cwd=ROOT)
    if command == "test":
        install("test")
        ensure_chromium()
        lint = subprocess.call([BIN / "ruff", "check", "."], cwd=ROOT)
        tests = subprocess.call([PY, "-m", "pytest", "-n", "auto", "-q", *rest], cwd=ROOT)
        return tests or lint
    if command == "fuzz":
        install("test")
        env = {**os.environ, "OPSKB_HYPOTHESIS_PROFILE": "fuzz"}
        tests = [PY, "-m", "pytest", "-q", "-n", "auto", "tests/test_properties.py", *rest]
        return subprocess.call(tests, cwd=ROOT, env=env)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
