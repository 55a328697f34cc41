"""The vendor registry: one module per network OS, found by platform code.

    from courtops import vendors
    vendors.get("vrp").interfaces(text)       # the VRP parser of `display interface brief`
    vendors.platforms()                        # ("comware", "ios", "vrp", …): the network_cli family

Built-in vendors are the modules listed in ``BUILTIN``. More vendors (a court's Ruijie or ZTE gear)
are added without touching this package: put a module defining ``VENDOR = Vendor(...)`` in a
directory and name that directory in the environment variable ``COURTOPS_VENDOR_PATH`` (several
directories separated by ``:``). docs/vendors.md describes the steps.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from courtops.vendors.base import Interface, SoftwareVersion, Vendor

__all__ = [
    "ANY",
    "GROUP",
    "Interface",
    "SoftwareVersion",
    "Vendor",
    "VendorError",
    "connection_vars",
    "find",
    "get",
    "parsers",
    "platforms",
    "registry",
]

#: The inventory group of every host whose platform is a vendor's (courtops_ledger and the lab emit it).
GROUP = "network_cli"
BUILTIN = ("courtops.vendors.vrp", "courtops.vendors.comware", "courtops.vendors.ios")
PATH_VARIABLE = "COURTOPS_VENDOR_PATH"


class VendorError(LookupError):
    """An unknown platform, or an extra vendor module that cannot be used."""


def _load_file(path: Path) -> Vendor:
    name = f"courtops_vendor_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise VendorError(f"{path}: 无法作为 Python 模块加载")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the message names the file: a broken extra vendor is a setup error
        raise VendorError(f"{path}: 厂商模块加载失败：{type(exc).__name__}: {exc}") from exc
    vendor = getattr(module, "VENDOR", None)
    if not isinstance(vendor, Vendor):
        raise VendorError(f"{path}: 缺少 VENDOR = Vendor(...) 定义")
    return vendor


def _extra_files() -> list[Path]:
    files: list[Path] = []
    for entry in os.environ.get(PATH_VARIABLE, "").split(os.pathsep):
        if entry.strip():
            directory = Path(entry)
            if not directory.is_dir():
                raise VendorError(f"{PATH_VARIABLE}: {directory} 不是目录")
            files += sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))
    return files


@cache
def _registry(extra_path: str) -> dict[str, Vendor]:
    found: dict[str, Vendor] = {}
    vendors = [importlib.import_module(m).VENDOR for m in BUILTIN] + [_load_file(p) for p in _extra_files()]
    for vendor in vendors:
        if vendor.platform in found:
            raise VendorError(f"厂商平台 {vendor.platform} 重复定义")
        found[vendor.platform] = vendor
    return dict(sorted(found.items()))


def registry() -> dict[str, Vendor]:
    """Every vendor, by platform (read again when ``COURTOPS_VENDOR_PATH`` changes)."""
    return _registry(os.environ.get(PATH_VARIABLE, ""))


def platforms() -> tuple[str, ...]:
    """The platforms of the network_cli family, sorted."""
    return tuple(registry())


def find(platform: str | None) -> Vendor | None:
    return registry().get(platform or "")


def get(platform: str) -> Vendor:
    vendor = find(platform)
    if vendor is None:
        raise VendorError(f"未知的网络设备平台 {platform!r}（已知：{', '.join(platforms())}）")
    return vendor


def _first(attribute: str) -> Callable[[str], Any]:
    """A parser that asks every vendor in turn and keeps the first answer that is not None."""

    def parse(text: str) -> Any:
        for vendor in registry().values():
            value = getattr(vendor, attribute)(text)
            if value is not None:
                return value
        return None

    parse.__name__ = attribute
    return parse


#: For readings whose platform is not known: each parser tries every vendor's parser of that
#: output; a vendor's parser answers None for another vendor's format, so the first answer wins.
ANY = Vendor(
    platform="",
    title="未知厂商",
    network_os="",
    version=_first("version"),
    interfaces=_first("interfaces"),
    cpu_pct=_first("cpu_pct"),
    memory_pct=_first("memory_pct"),
    uptime_seconds=_first("uptime_seconds"),
    ntp_synchronized=_first("ntp_synchronized"),
    environment_problems=_first("environment_problems"),
    alarms=_first("alarms"),
)


def connection_vars(platform: str) -> dict[str, str]:
    """The Ansible connection variables every device of this vendor needs (not credentials)."""
    return {
        "ansible_connection": "ansible.netcommon.network_cli",
        "ansible_network_os": get(platform).network_os,
    }


def parsers(platform: str | None) -> Vendor:
    """The vendor of ``platform``; ANY when the platform is not given or not a network platform."""
    return find(platform) or ANY
