"""Files that hold customer data or secrets are readable by their owner only (0600).

SQLite creates a database with the process's umask (usually world-readable), and
its -wal/-shm/-journal files with the database file's own mode, so creating the
file 0600 before SQLite opens it is enough. Plain Python (standard library).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

SQLITE_PREFIX = "sqlite:///"


def private_file(path: os.PathLike) -> Path:
    """Create `path` (and missing parent directories, 0700) empty with mode 0600, or
    make an existing file 0600."""
    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def sqlite_path(url: str) -> Optional[Path]:
    """The file of a sqlite:///... URL (None for other databases and in-memory SQLite)."""
    if not url.startswith(SQLITE_PREFIX):
        return None
    name = url[len(SQLITE_PREFIX):].split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def private_sqlite(url: str) -> str:
    """Make the SQLite file behind `url` private before it is opened; the URL unchanged."""
    path = sqlite_path(url)
    if path is not None:
        private_file(path)
        for suffix in ("-wal", "-shm", "-journal"):     # left by an earlier version, maybe readable
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                os.chmod(companion, 0o600)
    return url
