"""Which of a server's worker processes holds which connection, read from the kernel.

Linux only (``/proc``): the load bench samples it at saturation, to show how the
keep-alive connections are spread over the workers, and the tests of ``survey serve
--workers`` check the spread with it. The parent process holds only listening sockets,
so it never counts; neither does a helper process without sockets.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

PROC = Path("/proc")
ESTABLISHED = "01"  # the state column of /proc/net/tcp


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def sockets_of(pid: int) -> set[int]:
    """The inodes of the sockets that process ``pid`` holds open."""
    inodes = set()
    try:
        for fd in (PROC / str(pid) / "fd").iterdir():
            link = os.readlink(fd)
            if link.startswith("socket:["):
                inodes.add(int(link[8:-1]))
    except OSError:
        pass
    return inodes


def worker_pids(server_pid: int) -> list[int]:
    """The server's worker processes: its children that hold a socket."""
    return sorted(pid for pid in children(server_pid) if sockets_of(pid))


def connections_per_worker(server_pid: int, port: int) -> Counter[int]:
    """How many established connections to ``port`` each worker holds (0 included)."""
    pids = worker_pids(server_pid)
    owner = {inode: pid for pid in pids for inode in sockets_of(pid)}
    held: Counter[int] = Counter(dict.fromkeys(pids, 0))
    for line in (PROC / "net" / "tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        inode = int(fields[9])
        if local_port == port and fields[3] == ESTABLISHED and inode in owner:
            held[owner[inode]] += 1
    return held
