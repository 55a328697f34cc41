# -*- coding: utf-8 -*-
"""Concurrent device probes for inspection: ICMP, TCP ports and SNMP status reads.

Runs on the control node (pysnmp 7 from the courtops virtualenv), many devices at once with
asyncio, so 750 printers, cameras and NVRs cost one module call instead of 750. Read-only: SNMP
GET / GETNEXT only, TCP connect-and-close, one ICMP echo.
"""

import asyncio
import time

# Standard MIB objects read (RFC 1213 / 2790 HOST-RESOURCES / 3805 Printer-MIB).
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
HR_DEVICE_TYPE = "1.3.6.1.2.1.25.3.2.1.2"
HR_DEVICE_DESCR = "1.3.6.1.2.1.25.3.2.1.3"
HR_DEVICE_STATUS = "1.3.6.1.2.1.25.3.2.1.5"
HR_PRINTER_STATUS = "1.3.6.1.2.1.25.3.5.1.1"
HR_PRINTER_ERRORS = "1.3.6.1.2.1.25.3.5.1.2"
HR_DISK_STORAGE = "1.3.6.1.2.1.25.3.1.6"
PRT_SUPPLY_DESCR = "1.3.6.1.2.1.43.11.1.1.6"
PRT_SUPPLY_MAX = "1.3.6.1.2.1.43.11.1.1.8"
PRT_SUPPLY_LEVEL = "1.3.6.1.2.1.43.11.1.1.9"
PRT_ALERT_SEVERITY = "1.3.6.1.2.1.43.18.1.1.2"
PRT_ALERT_DESCR = "1.3.6.1.2.1.43.18.1.1.8"
PRT_LIFE_COUNT = "1.3.6.1.2.1.43.10.2.1.4"

DEVICE_STATUS = {1: "unknown", 2: "running", 3: "warning", 4: "testing", 5: "down"}
PRINTER_STATUS = {1: "other", 2: "unknown", 3: "idle", 4: "printing", 5: "warmup"}
ALERT_SEVERITY = {1: "other", 2: "critical", 3: "warning", 4: "warningBinaryChangeEvent"}
# hrPrinterDetectedErrorState bits, most significant bit of the first octet first (RFC 2790).
ERROR_BITS = (
    "lowPaper",
    "noPaper",
    "lowToner",
    "noToner",
    "doorOpen",
    "jammed",
    "offline",
    "serviceRequested",
    "inputTrayMissing",
    "outputTrayMissing",
    "markerSupplyMissing",
    "outputNearFull",
    "outputFull",
    "inputTrayEmpty",
    "overduePreventMaint",
)


def decode_error_state(raw):
    """hrPrinterDetectedErrorState (an OCTET STRING bit mask) → list of flag names."""
    # printable octets (0x20, lowToner, is a space) arrive as text
    data = raw.encode("latin-1") if isinstance(raw, str) else bytes(raw)
    flags = []
    for index, name in enumerate(ERROR_BITS):
        byte, bit = divmod(index, 8)
        if byte < len(data) and data[byte] & (0x80 >> bit):
            flags.append(name)
    return flags


def printer_view(values):
    """Walked Printer-MIB / HOST-RESOURCES columns → the printer reading the judge reads."""
    status = values.get(HR_PRINTER_STATUS, {})
    errors = values.get(HR_PRINTER_ERRORS, {})
    device = values.get(HR_DEVICE_STATUS, {})
    index = sorted(status)[0] if status else None
    supplies = []
    for suffix in sorted(values.get(PRT_SUPPLY_LEVEL, {}), key=lambda s: [int(x) for x in s.split(".")]):
        supplies.append(
            {
                "name": str(values.get(PRT_SUPPLY_DESCR, {}).get(suffix, suffix)),
                "level": int(values[PRT_SUPPLY_LEVEL][suffix]),
                "max": int(values.get(PRT_SUPPLY_MAX, {}).get(suffix, -2)),
            }
        )
    alerts = []
    for suffix, severity in sorted(values.get(PRT_ALERT_SEVERITY, {}).items()):
        alerts.append(
            {
                "index": suffix,
                "severity": ALERT_SEVERITY.get(int(severity), "other"),
                "description": str(values.get(PRT_ALERT_DESCR, {}).get(suffix, "")),
            }
        )
    life = values.get(PRT_LIFE_COUNT, {})
    return {
        "printer": {
            "printer_status": PRINTER_STATUS.get(int(status[index]), "unknown") if index else "unknown",
            "device_status": DEVICE_STATUS.get(int(device.get(index, 1)), "unknown") if index else "unknown",
            "errors": decode_error_state(errors[index]) if index and index in errors else [],
        },
        "supplies": supplies,
        "alerts": alerts,
        "page_count": int(life[sorted(life)[0]]) if life else None,
    }


def disks_view(values):
    """hrDeviceTable rows of type hrDeviceDiskStorage → [{name, status}]."""
    out = []
    types = values.get(HR_DEVICE_TYPE, {})
    for suffix in sorted(types, key=int):
        if str(types[suffix]) != HR_DISK_STORAGE:
            continue
        out.append(
            {
                "name": str(values.get(HR_DEVICE_DESCR, {}).get(suffix, suffix)),
                "status": DEVICE_STATUS.get(int(values.get(HR_DEVICE_STATUS, {}).get(suffix, 1)), "unknown"),
            }
        )
    return {"disks": out}


WALKS = {
    "printer": (
        HR_DEVICE_STATUS,
        HR_PRINTER_STATUS,
        HR_PRINTER_ERRORS,
        PRT_SUPPLY_DESCR,
        PRT_SUPPLY_MAX,
        PRT_SUPPLY_LEVEL,
        PRT_ALERT_SEVERITY,
        PRT_ALERT_DESCR,
        PRT_LIFE_COUNT,
    ),
    "nvr": (HR_DEVICE_TYPE, HR_DEVICE_DESCR, HR_DEVICE_STATUS),
}
VIEWS = {"printer": printer_view, "nvr": disks_view}


async def _icmp(address, timeout):
    started = time.monotonic()
    try:
        proc = await asyncio.create_subprocess_exec(
            "ping",
            "-n",
            "-q",
            "-c",
            "1",
            "-W",
            str(max(1, int(timeout))),
            address,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        rc = await proc.wait()
    except OSError as exc:
        return {"error": "ping: %s" % exc}
    if rc != 0:
        return {"error": "no echo reply"}
    return {"rtt_ms": round((time.monotonic() - started) * 1000, 1)}


async def _tcp(address, port, timeout):
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(address, port), timeout)
    except (OSError, asyncio.TimeoutError):
        return False
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return True


def _plain(value):
    """A pysnmp value → int / str / bytes / dotted OID."""
    name = value.__class__.__name__
    if name == "ObjectIdentifier":
        return str(value)
    if name == "OctetString":
        raw = bytes(value)
        try:
            text = raw.decode("utf-8")
            return text if text.isprintable() else raw
        except UnicodeDecodeError:
            return raw
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


class SnmpConfigError(ValueError):
    """The inventory does not say how to talk SNMP to a device: the reading is 未检, never a guess."""


#: SNMPv3 USM protocols by the names the inventory uses (courtops_snmp_v3_auth_protocol / _priv_protocol).
AUTH_PROTOCOLS = {
    "md5": "usmHMACMD5AuthProtocol",
    "sha": "usmHMACSHAAuthProtocol",
    "sha224": "usmHMAC128SHA224AuthProtocol",
    "sha256": "usmHMAC192SHA256AuthProtocol",
    "sha384": "usmHMAC256SHA384AuthProtocol",
    "sha512": "usmHMAC384SHA512AuthProtocol",
}
PRIV_PROTOCOLS = {
    "des": "usmDESPrivProtocol",
    "3des": "usm3DESEDEPrivProtocol",
    "aes": "usmAesCfb128Protocol",
    "aes128": "usmAesCfb128Protocol",
    "aes192": "usmAesCfb192Protocol",
    "aes256": "usmAesCfb256Protocol",
}


def snmp_auth(snmp):
    """(auth data, context) for the device's SNMP settings, exactly as configured.

    Version 3: USM authPriv with the user, keys and protocols given (no key: an error, not a downgrade).
    Version 1 / 2c: the configured community; none configured is an error, never an implicit `public`.
    """
    from pysnmp.hlapi.v3arch import asyncio as hlapi

    version = str(snmp.get("version") or "").strip().lower().lstrip("v")
    if version == "3":
        user, auth_key, priv_key = (str(snmp.get(k) or "") for k in ("user", "auth_key", "priv_key"))
        missing = [n for n, v in (("用户名", user), ("认证密钥", auth_key), ("加密密钥", priv_key)) if not v]
        if missing:
            raise SnmpConfigError("SNMPv3 未配置%s（需 authPriv）" % "、".join(missing))
        auth_name = str(snmp.get("auth_protocol") or "sha").lower()
        priv_name = str(snmp.get("priv_protocol") or "aes").lower()
        if auth_name not in AUTH_PROTOCOLS or priv_name not in PRIV_PROTOCOLS:
            raise SnmpConfigError("SNMPv3 协议不支持：%s / %s" % (auth_name, priv_name))
        auth = hlapi.UsmUserData(
            user,
            authKey=auth_key,
            privKey=priv_key,
            authProtocol=getattr(hlapi, AUTH_PROTOCOLS[auth_name]),
            privProtocol=getattr(hlapi, PRIV_PROTOCOLS[priv_name]),
        )
        return auth, hlapi.ContextData(contextName=str(snmp.get("context") or ""))
    if version in ("1", "2c", "2"):
        community = str(snmp.get("community") or "")
        if not community:
            raise SnmpConfigError("未配置 SNMP v%s 团体名（不使用默认 public）" % version)
        return hlapi.CommunityData(community, mpModel=0 if version == "1" else 1), hlapi.ContextData()
    raise SnmpConfigError("未配置 SNMP 版本（courtops_snmp_version 应为 3、2c 或 1）")


async def _snmp(engine, device, kinds, timeout, retries):
    from pysnmp.hlapi.v3arch.asyncio import (
        ObjectIdentity,
        ObjectType,
        UdpTransportTarget,
        get_cmd,
        walk_cmd,
    )

    snmp = device.get("snmp") or {}
    try:
        auth, context = snmp_auth(snmp)
    except SnmpConfigError as exc:
        return {"error": str(exc), "unconfigured": True}
    target = await UdpTransportTarget.create(
        (device["address"], int(snmp.get("port", 161))), timeout=timeout, retries=retries
    )
    error, status, _, binds = await get_cmd(
        engine,
        auth,
        target,
        context,
        ObjectType(ObjectIdentity(SYS_DESCR)),
        ObjectType(ObjectIdentity(SYS_UPTIME)),
        ObjectType(ObjectIdentity(SYS_NAME)),
    )
    if error or status:
        return {"error": str(error or status.prettyPrint())}
    system = [_plain(v) for _, v in binds]
    out = {"sysDescr": system[0], "sysUpTime": system[1], "sysName": system[2]}
    for kind in kinds:
        values = {}
        for column in WALKS.get(kind, ()):
            rows = {}
            async for error, status, _, binds in walk_cmd(
                engine,
                auth,
                target,
                context,
                ObjectType(ObjectIdentity(column)),
                lexicographicMode=False,
            ):
                if error or status:
                    break
                for oid, value in binds:
                    rows[str(oid)[len(column) + 1 :]] = _plain(value)
            values[column] = rows
        out.update(VIEWS[kind](values))
    for key, value in list(out.items()):
        if isinstance(value, bytes):
            out[key] = value.hex()
    return out


async def _bounded(coroutine, deadline):
    """The answer of one probe, or an error naming the time limit when it has none by then."""
    try:
        return await asyncio.wait_for(coroutine, deadline)
    except asyncio.TimeoutError:
        return {"error": "超时：%g 秒内未完成" % deadline}


async def probe_all(devices, timeout=2.0, retries=1, concurrency=64, deadline=60.0):
    """Probe every device; returns {name: {"icmp": …, "tcp": {port: bool}, "snmp": …}}.

    Each probe of a device (ICMP, a port, the SNMP tables) ends within ``deadline`` seconds: a device
    that keeps answering slowly cannot hold up the others or the play.
    """
    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

    engine = SnmpEngine()
    gate = asyncio.Semaphore(concurrency)

    async def one(device, phase):
        async with gate:
            tasks = {}
            if phase == "reach":
                if device.get("icmp", True):
                    tasks["icmp"] = _icmp(device["address"], timeout)
                for port in [int(p) for p in device.get("ports") or []]:
                    tasks["tcp/%d" % port] = _tcp(device["address"], port, timeout)
            elif device.get("snmp") is not None:
                tasks["snmp"] = _snmp(engine, device, device.get("mibs") or [], timeout, retries)
            names = list(tasks)
            answers = await asyncio.gather(
                *(_bounded(t, deadline) for t in tasks.values()), return_exceptions=True
            )
            result = results[device["name"]]
            for name, answer in zip(names, answers):
                if isinstance(answer, Exception):  # garbage from a device is a finding, not a crash
                    answer = {"error": "%s: %s" % (type(answer).__name__, answer)}
                if name.startswith("tcp/"):
                    result["tcp"][name[4:]] = answer is True
                else:
                    result[name] = answer

    results = {d["name"]: {"address": d["address"], "tcp": {}} for d in devices}
    try:
        # ICMP and TCP first, SNMP after: SNMPv3 key localisation is CPU work that would otherwise delay
        # the event loop under a concurrent connect and turn an open port into a timeout
        await asyncio.gather(*(one(d, "reach") for d in devices))
        await asyncio.gather(*(one(d, "snmp") for d in devices))
        return results
    finally:
        engine.close_dispatcher()
