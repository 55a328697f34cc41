"""Camera service ports for the lab: RTSP (TCP 554) and HTTP (TCP 80) on each camera address.

Real enough for inventory and inspection checks (a port scan, an RTSP OPTIONS, an HTTP HEAD see
what a Hikvision-style camera answers); no video is served. Run inside the lab's SNMP namespace.
Usage: python -m courtops.lab.camera_server <address> [<address> ...]
"""

from __future__ import annotations

import asyncio
import re
import sys

HTTP_REPLY = (
    "HTTP/1.1 401 Unauthorized\r\nServer: webserver\r\nContent-Type: text/html\r\n"
    'WWW-Authenticate: Digest realm="IP Camera", qop="auth", nonce="courtopslab"\r\n'
    "Content-Length: 0\r\nConnection: close\r\n\r\n"
)


async def _rtsp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)).decode("latin-1")
        cseq = re.search(r"CSeq:\s*(\d+)", request, re.I)
        writer.write(
            (
                f"RTSP/1.0 200 OK\r\nCSeq: {cseq.group(1) if cseq else 0}\r\n"
                "Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\n"
                "Server: Rtsp Server/3.0\r\n\r\n"
            ).encode()
        )
        await writer.drain()
    except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        writer.write(HTTP_REPLY.encode())
        await writer.drain()
    except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(addresses: list[str]) -> None:
    servers = []
    for addr in addresses:
        servers.append(await asyncio.start_server(_rtsp, addr, 554))
        servers.append(await asyncio.start_server(_http, addr, 80))
    print(f"camera ports up on {', '.join(addresses)}", file=sys.stderr, flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    # --lab-state=<dir> only marks the process as this lab's (so `lab down` finds it)
    asyncio.run(main([a for a in sys.argv[1:] if not a.startswith("--")]))
