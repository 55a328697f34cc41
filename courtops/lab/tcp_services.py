"""TCP services of the lab's system members (courtops.lab.systems): what a port scan and the
inspection's service_ports check see on a meeting terminal, an access controller or a firewall.

HTTP ports answer a request with the 401 a device's web console gives; 443 (and any other port)
accepts the connection and closes it, as a TLS console does for a client that sends nothing.
Run inside the lab's device namespace.
Usage: python -m courtops.lab.tcp_services <address>:<port> ... [--lab-state=<dir>]
"""

from __future__ import annotations

import asyncio
import sys

HTTP_PORTS = frozenset({80, 8080})
HTTP_REPLY = (
    b"HTTP/1.1 401 Unauthorized\r\nServer: webserver\r\nContent-Type: text/html\r\n"
    b'WWW-Authenticate: Basic realm="device"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
)


async def _http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        writer.write(HTTP_REPLY)
        await writer.drain()
    except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def _accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


def parse(args: list[str]) -> list[tuple[str, int]]:
    out = []
    for arg in args:
        if arg.startswith("--"):
            continue  # --lab-state=<dir> only marks the process as this lab's (so `lab down` finds it)
        address, _, port = arg.rpartition(":")
        if not address or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise SystemExit(f"{arg}: expected <address>:<port>")
        out.append((address, int(port)))
    return out


async def main(endpoints: list[tuple[str, int]]) -> None:
    servers = [
        await asyncio.start_server(_http if port in HTTP_PORTS else _accept, address, port)
        for address, port in endpoints
    ]
    print(f"{len(servers)} TCP services up", file=sys.stderr, flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
