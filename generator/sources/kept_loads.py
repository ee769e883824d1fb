"""Loads kept between commands: each command reads again only the files that changed.

Reading and checking every document is most of what ``opskb check`` costs,
and a seventh of a rebuild (1.5 s of each at 5,000 documents). What the
last command loaded (``LoadCache``: each file's stat, what reading and
checking it gave, and each body with other tools' Markdown read) is saved in
the knowledge base's cache folder; the next command reuses an entry while its
file's size, times, inode and folder defaults are unchanged, under the same
settings and date (a body's reading while its text is).

The file is a pickle, which runs code when read; so it is signed with a key
of the user's own (in their cache folder, readable by them alone) and read
only when the signature holds. A cache folder that came with a repository,
or was written by other code (another opskb version or Python), is passed
over and written anew.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path

from ..executor import detach
from ..packs import code_digest
from .load import LoadCache

__all__ = ["KEPT_FILE", "keep_for_next", "read_kept_loads", "save_kept_loads"]

KEPT_FILE = "loaded.pickle"  # in the knowledge base's cache folder
KEY_FILE = "opskb/key"  # in the user's cache folder: the key that signs kept loads
SAVE_NICE = 19  # the command's own work first
_PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def _code() -> str:
    """Every module of ours: what a kept load was made by, and holds objects of."""
    return code_digest("loaded-1", _PACKAGE.rglob("*.py"))


def _user_key() -> bytes | None:
    """The user's signing key, made on first use; ``None`` if it cannot be kept."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(home) / KEY_FILE
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another command made it meanwhile
            key = path.read_bytes() if path.is_file() else b""
        except OSError:
            return None
        else:
            key = secrets.token_bytes(32)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(key)
    except OSError:
        return None
    return key if len(key) == 32 else None


def _signature(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.blake2b).digest()


def read_kept_loads(folder: Path) -> LoadCache:
    """What the last command saved in ``folder`` (``save_kept_loads``); empty if nothing
    signed by this user's key and made by this code is there."""
    cache = LoadCache()
    key = _user_key()
    try:
        data = (folder / KEPT_FILE).read_bytes() if key is not None else b""
    except OSError:
        data = b""
    size = hashlib.blake2b().digest_size
    signature, data = data[:size], data[size:]
    if key is None or not data or not hmac.compare_digest(signature, _signature(key, data)):
        return cache
    try:
        code, made_under, files, flavoured = pickle.loads(data)
    except Exception:  # signed by us, yet unreadable: an older format, say
        return cache
    if code == _code():
        cache.made_under, cache.files, cache.flavoured = made_under, files, flavoured
    return cache


def save_kept_loads(cache: LoadCache, folder: Path) -> None:
    """Keep ``cache`` in ``folder`` for the next command, if it changed since it was read;
    nothing is kept where nothing can be written."""
    key = _user_key()
    if key is None or not cache.changed:
        return
    kept = (_code(), cache.made_under, cache.files, cache.flavoured)
    data = pickle.dumps(kept, pickle.HIGHEST_PROTOCOL)
    temp = folder / f".{KEPT_FILE}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(_signature(key, data) + data)
        os.replace(temp, folder / KEPT_FILE)  # a command reading it sees one file, whole
        cache.changed = False
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def keep_for_next(cache: LoadCache, folder: Path) -> None:
    """``save_kept_loads`` in a process of its own where it can (0.25 s at 5,000
    documents the command does not wait for), else here."""
    if cache.changed and not detach(lambda: save_kept_loads(cache, folder), nice=SAVE_NICE):
        save_kept_loads(cache, folder)
