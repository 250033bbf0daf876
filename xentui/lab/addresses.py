"""Where a lab lives on loopback: a /24 of its own, so labs side by side never collide.

Hosts take .1, .2, ... (their relocation servers, and the source address of their migrations),
the guest takes .200 (its SSH and its stream); 8002 and 8888 are kept when free.
"""

from __future__ import annotations

import random
import socket

GUEST_OCTET = 200
RELOCATION_PORT = 8002
STREAM_PORT = 8888


def free_block() -> str:
    """A 127.A.B.0/24 block no other lab uses now: hosts at .1.., the guest at .200."""
    for _ in range(50):
        base = f"127.{random.randint(100, 250)}.{random.randint(1, 250)}"
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind((f"{base}.{GUEST_OCTET}", STREAM_PORT))
        except OSError:
            continue
        finally:
            probe.close()
        return base
    raise RuntimeError("no free loopback block for the lab")


def port_free(ip: str, port: int) -> bool:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def pick_port(ips: list[str], wanted: int) -> int:
    """The wanted port if every address has it free, else one free port on all of them."""
    if all(port_free(ip, wanted) for ip in ips):
        return wanted
    for _ in range(100):
        s = socket.socket()
        s.bind((ips[0], 0))
        port = s.getsockname()[1]
        s.close()
        if all(port_free(ip, port) for ip in ips):
            return port
    raise RuntimeError(f"no port free on {ips}")
