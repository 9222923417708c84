"""This computer's addresses on the school network (no internet needed)."""

from __future__ import annotations

import ipaddress
import socket

# Connecting a UDP socket sends nothing; it only asks the system which of its
# addresses it would use to reach these private ranges.
_PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255")


def lan_addresses() -> list[str]:
    """IPv4 addresses of this computer on a local network, the likeliest first."""
    found: list[str] = []

    def add(address: str) -> None:
        try:
            ip = ipaddress.IPv4Address(address)
        except ValueError:
            return
        if not ip.is_loopback and not ip.is_unspecified and address not in found:
            found.append(address)

    for probe in _PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe_socket:
                probe_socket.connect((probe, 9))
                add(probe_socket.getsockname()[0])
        except OSError:
            continue
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            add(str(info[4][0]))
    except OSError:
        pass
    return found


def host_names() -> list[str]:
    """This computer's own names ("classroom-pc", "classroom-pc.local"), lower case."""
    name = socket.gethostname().lower().rstrip(".")
    if not name:
        return []
    short = name.split(".")[0]
    return sorted({name, short, f"{short}.local"})
