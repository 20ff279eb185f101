"""Leaving the network: a process moves into a new, empty network namespace, where no connection can be opened.

The service reads a local dataset and never needs to call out; both engines it builds on would (Oxigraph for
SERVICE). So `ilokg serve` binds its listening socket first, then moves the whole server process (and every
process it starts later: the query workers) into an empty network namespace. The listening socket keeps
belonging to the namespace it was made in, so clients still reach the service, while any connection the
process tries to open finds no interface but a loopback that is down. Where the system refuses namespaces
(a container under a default seccomp profile) the service says so at start and in /health.
"""

from __future__ import annotations

import ctypes
import os
from enum import StrEnum

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


class Isolation(StrEnum):
    """Whether a process can open connections, as /health reports it."""

    ISOLATED = "isolated"  # in an empty network namespace: no outbound connection is possible
    REFUSED = "not-allowed"  # the system refused a network namespace: the reader alone keeps SERVICE out
    OFF = "off"  # turned off by the settings (ILOKG_ISOLATE_NETWORK=false), or a remote store needs the network


def leave_network() -> bool:
    """Move this process into a new network namespace with no usable interface; False when not allowed.

    Call it while the process has one thread: a new user namespace (the unprivileged way) requires it, and the
    threads started afterwards are in the new namespaces too. The user's own ids are mapped into the user
    namespace, so files keep their owner and permissions."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    unshare = getattr(libc, "unshare", None)
    if unshare is None:
        return False
    if unshare(_CLONE_NEWNET) == 0:  # privileged: a network namespace alone
        return True
    uid, gid = os.getuid(), os.getgid()
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    try:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as handle:
                handle.write(text)
    except OSError:
        pass  # the namespaces are left all the same; ids then show as the overflow id inside
    return True
