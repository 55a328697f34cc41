"""Real Debian packages the lab's package repository serves beside its test packages (suite ``debian/``).

The lab image has neither AIDE nor chrony, and its hosts reach no package source that has them (the
filtering proxy passes the Debian mirror, but the hosts keep no index and the tests must not depend on
the mirror at every run). `harden_linux` installs them from "the host's own package source" for
L3-CES1-26 (AIDE) and L3-CES1-13 (chrony): in the lab that source is the lab repository.

They are fetched on the controller with ``apt-get download NAME/bookworm`` — the Debian release the lab
image is debootstrapped from (`rootfs.SUITE`), so the libraries they link against are the image's — and
kept under ``<lab cache>/debian-debs/bookworm/``: a later `lab up` (any lab id) copies them from there and
downloads nothing. The first version fetched stays until the cache is removed (`MANIFEST` lists them).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from courtops.lab import rootfs
from courtops.lab.config import LabConfig
from courtops.lab.util import LabError, progress

#: the packages hardening installs, and the dependencies of theirs the lab image lacks
#: (aide → libmhash2; aide-common → liblockfile1 → liblockfile-bin; chrony's are all in the image)
PACKAGES = ("aide", "aide-common", "chrony", "libmhash2", "liblockfile1", "liblockfile-bin")
#: what the cache holds: one `<name> <version> <file>` line per package
MANIFEST = "MANIFEST"


def cache_dir(cfg: LabConfig) -> Path:
    return cfg.cache_dir / "debian-debs" / rootfs.SUITE


def cached(directory: Path, name: str) -> Path | None:
    """The cached .deb of `name` (file names are `<name>_<version>_<arch>.deb`), if any."""
    found = sorted(directory.glob(f"{name}_*.deb"))
    return found[0] if found else None


def _download(name: str, dest: Path) -> Path:
    if shutil.which("apt-get") is None:
        raise LabError(f"cannot fetch the Debian package {name} for the lab repository: apt-get is missing")
    with tempfile.TemporaryDirectory(prefix="courtops-debpkg-") as tmp:
        proc = subprocess.run(
            ["apt-get", "download", "-q", f"{name}/{rootfs.SUITE}"],
            cwd=tmp, capture_output=True, text=True, check=False,
        )  # fmt: skip
        debs = sorted(Path(tmp).glob(f"{name}_*.deb"))
        if proc.returncode != 0 or not debs:
            raise LabError(
                f"cannot fetch the Debian package {name} ({rootfs.SUITE}) for the lab repository "
                f"(apt-get download {name}/{rootfs.SUITE}, rc {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[-400:]} — the controller needs a Debian "
                f"{rootfs.SUITE} source in /etc/apt/sources.list(.d) and its index (apt-get update)"
            )
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / debs[0].name
        shutil.move(str(debs[0]), target)
    return target


def fetch(cfg: LabConfig) -> list[Path]:
    """Every package of `PACKAGES` from the cache, downloading those not there yet."""
    directory = cache_dir(cfg)
    out = []
    for name in PACKAGES:
        deb = cached(directory, name)
        if deb is None:
            progress(f"fetching the Debian package {name} ({rootfs.SUITE}) into {directory}")
            deb = _download(name, directory)
        out.append(deb)
    (directory / MANIFEST).write_text(
        "".join(f"{p.name.split('_')[0]} {p.name.split('_')[1]} {p.name}\n" for p in out), encoding="utf-8"
    )
    return out
