"""A throw-away PostgreSQL server for the test suite (Debian's `postgresql` package).

``initdb`` and ``pg_ctl`` in a temporary directory, on a free loopback port, trust auth;
as the ``postgres`` user when the suite runs as root (PostgreSQL refuses to run as root).
Stopped and removed at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def bindir() -> str | None:
    """Where initdb and pg_ctl are (the newest installed major version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(keep: str | None = None) -> Iterator[str]:
    """Run a server; yield a ``postgresql://`` URL to its ``postgres`` database.

    ``keep``: a directory whose cluster is reused (made when missing) and kept (benchmarks
    that load a large memory once); by default the cluster is thrown away.
    """
    bins = bindir()
    if bins is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/setup.sh --test installs it)")
    root = os.path.abspath(keep) if keep else tempfile.mkdtemp(prefix="omset-pg-")
    os.makedirs(root, exist_ok=True)
    prefix: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(root, "data")
    port = _free_port()
    log = os.path.join(root, "log")
    try:
        if not os.path.isdir(data):
            subprocess.run([*prefix, f"{bins}/initdb", "-D", data, "-A", "trust", "-U",
                            "postgres", "-E", "UTF8", "--no-sync"], check=True,
                           capture_output=True)
        subprocess.run([*prefix, f"{bins}/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60",
                        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "start"], check=True, capture_output=True)
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*prefix, f"{bins}/pg_ctl", "-D", data, "-m", "immediate", "-w",
                            "stop"], check=False, capture_output=True)
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
