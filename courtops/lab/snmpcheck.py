"""Minimal SNMP v2c GET / WALK on pysnmp 7 (used to wait for the lab's agents and by tests)."""

from __future__ import annotations

import asyncio

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
    walk_cmd,
)

SYS_NAME = "1.3.6.1.2.1.1.5.0"


async def _get(address: str, oids: list[str], community: str, timeout: float) -> dict[str, str]:
    engine = SnmpEngine()
    target = await UdpTransportTarget.create((address, 161), timeout=timeout, retries=0)
    err, status, _, binds = await get_cmd(
        engine, CommunityData(community, mpModel=1), target, ContextData(),
        *(ObjectType(ObjectIdentity(o)) for o in oids),
    )  # fmt: skip
    engine.close_dispatcher()
    if err or status:
        raise RuntimeError(str(err or status.prettyPrint()))
    return {str(name): value.prettyPrint() for name, value in binds}


async def _walk(address: str, oid: str, community: str, timeout: float) -> dict[str, str]:
    engine = SnmpEngine()
    target = await UdpTransportTarget.create((address, 161), timeout=timeout, retries=1)
    out: dict[str, str] = {}
    async for err, status, _, binds in walk_cmd(
        engine, CommunityData(community, mpModel=1), target, ContextData(),
        ObjectType(ObjectIdentity(oid)), lexicographicMode=False,
    ):  # fmt: skip
        if err or status:
            raise RuntimeError(str(err or status.prettyPrint()))
        out.update({str(name): value.prettyPrint() for name, value in binds})
    engine.close_dispatcher()
    return out


def get(address: str, oids: list[str], community: str = "public", timeout: float = 2) -> dict[str, str]:
    return asyncio.run(_get(address, oids, community, timeout))


def walk(address: str, oid: str, community: str = "public", timeout: float = 2) -> dict[str, str]:
    return asyncio.run(_walk(address, oid, community, timeout))


def get_sys_name(address: str) -> str | None:
    try:
        return get(address, [SYS_NAME], timeout=1).get(SYS_NAME)
    except Exception:
        return None
