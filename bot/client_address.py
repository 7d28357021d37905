"""Who is on the other end of a request: the peer address, or - behind a proxy the
shop trusts - the client address that proxy reports (plain Python).

Used wherever limits are kept per address (the console's login throttling, the
chat channels' rate limits). A forwarding header is believed only when the
request comes from a trusted proxy; otherwise anyone could pick their address.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, List, Optional, Sequence, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def trusted_networks(spec: Union[str, Iterable[str], None]) -> List[Network]:
    """'127.0.0.1, 10.0.0.0/8' -> networks; ValueError names an entry that is not an address."""
    if spec is None:
        return []
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    networks = []
    for item in (i.strip() for i in items):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                raise ValueError(f"not an address or network: {item!r}") from exc
    return networks


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: Optional[str], forwarded: Optional[str], networks: Sequence[Network]) -> str:
    """The peer, unless it is a trusted proxy: then the right-most address in the
    forwarding header that is not itself a trusted proxy (each proxy appends the
    address it saw, so everything left of that may be made up by the client)."""
    peer = (peer or "").strip() or "unknown"
    if not forwarded or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer          # garbage in the header: count it against the proxy
    return hops[0] if hops else peer
