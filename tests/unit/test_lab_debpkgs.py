"""The lab repository's real Debian packages (courtops/lab/debpkgs.py): fetched once into the cache,
taken from there afterwards, a failed fetch a clear error naming the package."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from courtops.lab import debpkgs, rootfs
from courtops.lab.config import LabConfig
from courtops.lab.util import LabError


def cfg(tmp_path: Path) -> LabConfig:
    return LabConfig(lab_id=2, state_root=tmp_path / "state", cache_dir=tmp_path / "cache")


def fake_apt_get(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """An apt-get on PATH that logs its arguments and runs `body` (in the download directory)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "apt-get.log"
    script = bin_dir / "apt-get"
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\n{body}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_the_packages_name_what_hardening_installs_and_the_image_lacks() -> None:
    assert {"aide", "aide-common", "chrony"} <= set(debpkgs.PACKAGES)
    # aide-common → liblockfile1 → liblockfile-bin; aide → libmhash2 (not in lab/rootfs-packages.txt)
    assert {"liblockfile1", "liblockfile-bin", "libmhash2"} <= set(debpkgs.PACKAGES)
    assert len(set(debpkgs.PACKAGES)) == len(debpkgs.PACKAGES)


def test_fetch_downloads_from_the_image_release_once_then_uses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the fake writes <name>_1.0_all.deb for the NAME/SUITE it is asked for
    log = fake_apt_get(tmp_path, monkeypatch, 'n=${3%%/*}; touch "${n}_1.0_all.deb"')
    c = cfg(tmp_path)
    debs = debpkgs.fetch(c)
    assert [d.name for d in debs] == [f"{n}_1.0_all.deb" for n in debpkgs.PACKAGES]
    assert all(d.parent == c.cache_dir / "debian-debs" / rootfs.SUITE for d in debs)
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls == [f"download -q {n}/{rootfs.SUITE}" for n in debpkgs.PACKAGES]
    manifest = (debs[0].parent / debpkgs.MANIFEST).read_text(encoding="utf-8").splitlines()
    assert manifest[0] == f"{debpkgs.PACKAGES[0]} 1.0 {debpkgs.PACKAGES[0]}_1.0_all.deb"
    # a second lab up downloads nothing
    log.unlink()
    assert debpkgs.fetch(c) == debs
    assert not log.exists()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("echo \"E: Can't find a source to download version for '$3'\" >&2; exit 100", "Can't find a source"),
        ("exit 0", "rc 0"),  # apt-get says nothing went wrong but leaves no .deb
    ],
)
def test_a_failed_fetch_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, why: str
) -> None:
    fake_apt_get(tmp_path, monkeypatch, body)
    with pytest.raises(LabError) as err:
        debpkgs.fetch(cfg(tmp_path))
    first = debpkgs.PACKAGES[0]
    assert f"Debian package {first} ({rootfs.SUITE})" in str(err.value)
    assert why in str(err.value)
    assert not list((tmp_path / "cache").rglob("*.deb"))


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("linux_deb", True), ("linux_rpm", True), ("vrp", False), ("snmp_device", False)],
)
def test_the_lab_inventory_gives_linux_hosts_the_bridge_as_time_source(
    tmp_path: Path, platform: str, expected: bool
) -> None:
    from courtops.lab import harden_vars, inventory

    c = cfg(tmp_path)
    assert ("harden_linux_ntp_servers" in harden_vars.linux_harden_vars(c, platform)) is expected
    got = inventory._platform_vars(c, platform).get("harden_linux_ntp_servers")
    assert got == ([c.gateway] if expected else None)
