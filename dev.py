#!/usr/bin/env python3
"""One-command set-up for opskb on a fresh machine with Python 3.11+.

    python3 dev.py site           # install, then build the sample knowledge base into site/
    python3 dev.py serve          # install, then serve it with live reload on 127.0.0.1:8000
    python3 dev.py test           # install everything the tests need, then run the whole suite
    python3 dev.py test --latest  # the same against the newest allowed versions, in .venv-latest/
    python3 dev.py lock           # refresh requirements-dev.lock from pyproject.toml, then test
    python3 dev.py fuzz           # run the property-based tests with many random examples

.venv/ beside this file holds exactly what requirements-dev.lock pins (each
package at its version, checked against its hashes) and opskb itself, so
these commands give the same environment on every machine and every month.
Nothing is installed globally except Debian's chromium, nodejs and npm for the
browser tests (when missing and run as root); axe-core, which the accessibility
tests inject into pages, is installed by `npm ci` from tests/axe/package-lock.json
into tests/axe/node_modules/. Extra arguments go to pytest (test, fuzz) or
to opskb (site, serve).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOCK = ROOT / "requirements-dev.lock"
VENV = ROOT / ".venv"
AXE = ROOT / "tests" / "axe"  # package.json + package-lock.json pinning axe-core
LATEST = ROOT / ".venv-latest"
EXTRAS = ("test", "dev")  # what the lock holds beside opskb's own dependencies
KEEP = {"pip", "opskb"}  # in every environment, never pinned by the lock
PIP = ("-m", "pip", "--disable-pip-version-check", "-q")


def run(*cmd: str | Path, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def python(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / "python"


def tool(env: Path, name: str) -> Path:
    return python(env).with_name(name)


# run by the environment's own Python, whose packaging (pinned in the lock) reads the markers
_WANTED = r"""
import json, re, sys
from packaging.markers import Marker
from packaging.utils import canonicalize_name
pin = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;([^\\]*))?")
wanted = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = pin.match(line)
    if m and (not (m[3] or "").strip() or Marker(m[3]).evaluate()):
        wanted[canonicalize_name(m[1])] = m[2]
print(json.dumps(wanted))
"""


def wanted(env: Path) -> dict[str, str]:
    """``{name: version}`` of what the lock pins for this environment's Python and platform."""
    out = subprocess.run(
        [python(env), "-c", _WANTED, LOCK], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(out)


def installed(env: Path) -> dict[str, str]:
    code = (
        "import json, importlib.metadata as m; from packaging.utils import canonicalize_name as c;"
        " print(json.dumps({c(d.metadata['Name']): d.version for d in m.distributions()}))"
    )
    out = subprocess.run(
        [python(env), "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def new_env(env: Path) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under any python3
        sys.exit("opskb needs Python 3.11 or newer")
    if not python(env).exists():
        print(f"creating {env.name}/ …", flush=True)
        venv.EnvBuilder(with_pip=True).create(env)


def sync(env: Path = VENV) -> None:
    """Make ``env`` hold exactly what the lock pins, plus opskb itself (editable)."""
    new_env(env)
    stamp = env / ".installed"
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("installing opskb and its locked dependencies …", flush=True)
    run(python(env), *PIP, "install", "--require-hashes", "--no-deps", "-r", LOCK)
    pinned = wanted(env)
    extra = sorted(set(installed(env)) - set(pinned) - KEEP)
    if extra:  # left from an earlier lock, or installed by hand
        run(python(env), *PIP, "uninstall", "-y", *extra)
    # the build tools are in the lock too, so nothing unpinned is fetched to build opskb
    run(python(env), *PIP, "install", "--no-deps", "--no-build-isolation", "-e", ".")
    have = installed(env)
    wrong = sorted(n for n in set(pinned) | set(have) - KEEP if have.get(n) != pinned.get(n))
    if wrong:
        sys.exit(f"{env.name}/ does not hold what {LOCK.name} pins: {', '.join(wrong)}")
    stamp.write_text(digest)


def apt_install(*packages: str) -> bool:
    """Install Debian packages when run as root on Debian; False when that cannot be done."""
    if not (os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get")):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", *packages, env=env)
    return True


def ensure_chromium() -> None:
    if shutil.which("chromium"):
        return
    print("installing Debian's chromium for the browser tests …", flush=True)
    if not apt_install("chromium"):
        print(
            "note: chromium is not installed; browser tests will be skipped "
            "(install Debian's 'chromium' package to run them)",
            flush=True,
        )


def ensure_axe() -> None:
    """axe-core at the version ``tests/axe/package-lock.json`` pins, for the accessibility tests."""
    lock, installed_lock = AXE / "package-lock.json", AXE / "node_modules" / ".package-lock.json"
    if installed_lock.is_file() and installed_lock.stat().st_mtime >= lock.stat().st_mtime:
        return
    if not shutil.which("npm"):
        print("installing Debian's nodejs and npm for the accessibility tests …", flush=True)
        if not apt_install("nodejs", "npm"):
            print(
                "note: npm is not installed; the accessibility tests will fail "
                "(install Debian's 'npm' package, then run `python3 dev.py test`)",
                flush=True,
            )
            return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], check=True, cwd=AXE
    )


def suite(env: Path, args: list[str]) -> int:
    ensure_chromium()
    ensure_axe()
    lint = subprocess.call([tool(env, "ruff"), "check", "."], cwd=ROOT)
    tests = subprocess.call([python(env), "-m", "pytest", "-n", "auto", "-q", *args], cwd=ROOT)
    return tests or lint


def latest() -> None:
    """``.venv-latest/``: opskb with the newest versions ``pyproject.toml`` allows."""
    new_env(LATEST)
    print("installing the newest allowed versions into .venv-latest/ …", flush=True)
    extras = ",".join(EXTRAS)
    run(
        python(LATEST),
        *PIP,
        "install",
        "--upgrade",
        "--upgrade-strategy",
        "eager",
        "-e",
        f".[{extras}]",
    )
    pinned, have = wanted(LATEST), installed(LATEST)
    newer = [
        f"{n} {have[n]} (locked {pinned[n]})"
        for n in sorted(have)
        if n in pinned and have[n] != pinned[n]
    ] + [f"{n} {have[n]} (not locked)" for n in sorted(have) if n not in pinned and n not in KEEP]
    print("newer than the lock: " + (", ".join(newer) or "nothing"), flush=True)


def lock() -> int:
    """Compile the lock anew from ``pyproject.toml`` and keep it only if the suite passes."""
    sync()
    before = LOCK.read_bytes()
    extras = [arg for extra in EXTRAS for arg in ("--extra", extra)]
    run(
        tool(VENV, "uv"),
        "pip",
        "compile",
        "pyproject.toml",
        *extras,
        "--upgrade",
        "--universal",
        "--generate-hashes",
        "--quiet",
        "-o",
        LOCK.name,
    )
    if LOCK.read_bytes() == before:
        print(f"{LOCK.name} is up to date")
        return 0
    sync()
    code = suite(VENV, [])
    if code:
        LOCK.write_bytes(before)
        sync()
        print(
            f"the suite fails on the refreshed versions; {LOCK.name} is left as it was", flush=True
        )
        return code
    print(f"refreshed {LOCK.name}; the suite passes on it: commit it")
    return 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command == "site":
        sync()
        code = subprocess.call([tool(VENV, "opskb"), "build", "--strict", *rest], cwd=ROOT)
        if code == 0:
            print(
                "built the sample knowledge base into site/; "
                "`python3 dev.py serve` previews it at http://127.0.0.1:8000/"
            )
        return code
    if command == "serve":
        sync()
        return subprocess.call([tool(VENV, "opskb"), "serve", *rest], cwd=ROOT)
    if command == "test":
        if "--latest" in rest:
            latest()
            return suite(LATEST, [arg for arg in rest if arg != "--latest"])
        sync()
        return suite(VENV, rest)
    if command == "lock":
        return lock()
    if command == "fuzz":
        sync()
        env = {**os.environ, "OPSKB_HYPOTHESIS_PROFILE": "fuzz"}
        tests = [
            python(VENV),
            "-m",
            "pytest",
            "-q",
            "-n",
            "auto",
            "tests/sources/test_properties.py",
            *rest,
        ]
        return subprocess.call(tests, cwd=ROOT, env=env)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
