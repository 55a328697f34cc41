"""Serve the lab's simulated network devices with fakenos (run by devices.py inside the lab's
device namespace): one FakeNOS instance per device, each bound to its own address on port 22.

One instance per device because fakenos refuses two hosts on the same port in one instance.
Usage: python -m courtops.lab.fakenos_runner <devices.json>
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path

from fakenos import FakeNOS


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    nets = []
    for dev in spec["devices"]:
        inventory = {
            "hosts": {
                dev["name"]: {
                    "username": spec["username"],
                    "password": spec["password"],
                    "port": 22,
                    "server": {
                        "plugin": "ParamikoSshServer",
                        "configuration": {
                            "address": dev["address"],
                            "ssh_key_file": dev["host_key"],
                            "ssh_banner": dev["banner"],
                            "timeout": 10,
                        },
                    },
                    "nos": {"plugin": dev["nos_file"]},
                }
            }
        }
        net = FakeNOS(inventory=inventory)
        net.start()
        nets.append(net)
    print(f"fakenos: {len(nets)} device(s) up", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for net in nets:
        net.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
