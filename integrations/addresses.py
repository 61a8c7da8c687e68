"""Where a webhook may go (Product §8.3): http or https only, and never to an address inside
the network Keeper runs in, which an admin's URL must not be able to reach (SSRF).

A host is resolved and every address it names is checked; a delivery then connects to the
address that was checked, sending the host name in ``Host`` (and in TLS as SNI, so the
certificate is still verified for the name), so a name that resolves differently a moment
later (DNS rebinding) cannot redirect it. The check runs when an endpoint is saved and again
before every attempt, since what a name resolves to changes.

Refused always: unspecified (0.0.0.0, ::), multicast, link-local (169.254.0.0/16, where clouds
serve instance credentials; fe80::/10) and reserved addresses. Refused unless
WEBHOOKS_ALLOW_PRIVATE is true (tests, a receiver on the same machine or network): loopback and
private addresses (RFC 1918, fc00::/7, the shared 100.64.0.0/10). Anything else that is not
globally routable (documentation ranges, benchmarking, …) is refused too."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from django.conf import settings

SCHEMES = ("http", "https")
PRIVATE = [
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(ValueError):
    """A URL Keeper will not send to; the message says why, in words for an admin."""


@dataclass(frozen=True)
class Target:
    """A checked destination: ``url`` names the address itself, ``host`` is the Host header,
    ``sni_hostname`` the name TLS verifies (None for plain http or an address literal)."""

    url: str
    host: str
    sni_hostname: str | None
    address: str


def address_problem(address: Address, *, allow_private: bool) -> str | None:
    """Why Keeper will not send to ``address``, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return f"{address} is an unspecified address"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if address.is_link_local:
        return f"{address} is a link-local address"
    if address.is_loopback:
        return None if allow_private else f"{address} is a loopback address"
    if any(address in network for network in PRIVATE if network.version == address.version):
        return None if allow_private else f"{address} is a private address"
    if address.is_reserved:
        return f"{address} is a reserved address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def _parts(url: str) -> tuple[SplitResult, str, int]:
    """The URL's parts, its host name in ASCII and its port; raises UnsafeTarget."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeTarget(f"The URL is not valid: {error}.") from None
    if parts.scheme.lower() not in SCHEMES:
        raise UnsafeTarget("Only http and https URLs are accepted.")
    if not parts.hostname:
        raise UnsafeTarget("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("Credentials in the URL are not accepted; the signature authenticates Keeper.")
    try:
        host = parts.hostname.encode("idna").decode("ascii") if not _literal(parts.hostname) else parts.hostname
    except UnicodeError:
        raise UnsafeTarget("The host is not a valid name.") from None
    return parts, host, port or (443 if parts.scheme.lower() == "https" else 80)


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _addresses(host: str, port: int) -> list[Address]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeTarget(f"{host} names no address Keeper can find.") from None
    addresses = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeTarget(f"{host} names no address Keeper can find.")
    return addresses


def target_resolve(url: str, *, allow_private: bool | None = None) -> Target:
    """Check ``url`` and pin it to the first address its host names. Raises UnsafeTarget when
    the URL is not http(s), or any address of its host is one Keeper does not send to."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    parts, host, port = _parts(url)
    addresses = _addresses(host, port)
    for address in addresses:
        if problem := address_problem(address, allow_private=allow_private):
            named = "" if _literal(host) else f"{host} resolves to "
            message = f"{named}{problem}; Keeper does not send webhooks there."
            raise UnsafeTarget(message[0].upper() + message[1:])
    chosen = addresses[0]
    shown = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    default_port = 443 if parts.scheme.lower() == "https" else 80
    host_header = host if _literal(host) is None else (f"[{host}]" if ":" in host else host)
    if parts.port and parts.port != default_port:
        host_header = f"{host_header}:{parts.port}"
    pinned = urlunsplit(
        (parts.scheme.lower(), f"{shown}:{port}", parts.path or "/", parts.query, "")  # no fragment is sent
    )
    sni = host if parts.scheme.lower() == "https" and _literal(host) is None else None
    return Target(url=pinned, host=host_header, sni_hostname=sni, address=str(chosen))
