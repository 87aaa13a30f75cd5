"""Where a request comes from: the client's address, seen through trusted reverse proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(raw: str) -> Address | None:
    try:
        return ipaddress.ip_address(raw.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent the request.

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES: then X-Forwarded-For is read from the
    right, each trusted proxy appending the address it received the request from, and the first
    address that is not a trusted proxy is the client. Anything left of it was written by the
    client itself and is ignored, so a client cannot pass for another by sending the header.
    """
    remote = parse_address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    client = remote
    if is_trusted_proxy(remote):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = parse_address(hop)
            if address is None:
                # Not written by a proxy we trust: the nearest trusted hop stands for the client.
                break
            client = address
            if not is_trusted_proxy(address):
                break
    return str(client)
