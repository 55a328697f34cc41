"""`courtops lab up|down|status|device|host`: the local test estate (see courtops/lab/ and lab/README.md)."""

from __future__ import annotations

import argparse
import json

from courtops.cli import UserError


def _size(value: str) -> int:
    n = int(value)
    if not 0 <= n <= 254:
        raise argparse.ArgumentTypeError("must be between 0 and 254")
    return n


def register(sub: argparse._SubParsersAction) -> None:
    from courtops.lab.lab import DEFAULT_LINUX, DEFAULT_NETWORK, DEFAULT_SNMP

    parser = sub.add_parser(
        "lab",
        help="本地实验环境 / the local lab (Linux hosts, network and SNMP devices; root)",
        description="Build, inspect or remove the local lab. Lab id from COURTOPS_LAB_ID (default 0).",
    )
    lab_sub = parser.add_subparsers(dest="lab_command", metavar="ACTION", required=True)
    up = lab_sub.add_parser("up", help="start the lab (idempotent)")
    up.add_argument(
        "--linux", type=_size, default=DEFAULT_LINUX, help=f"Linux hosts (default {DEFAULT_LINUX})"
    )
    up.add_argument(
        "--network", type=_size, default=DEFAULT_NETWORK, help=f"network devices (default {DEFAULT_NETWORK})"
    )
    up.add_argument("--snmp", type=_size, default=DEFAULT_SNMP, help=f"SNMP devices (default {DEFAULT_SNMP})")
    up.set_defaults(func=_run)
    down = lab_sub.add_parser("down", help="remove everything this lab id created (also after a crash)")
    down.set_defaults(func=_run)
    status = lab_sub.add_parser("status", help="show what is running")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=_run)
    device = lab_sub.add_parser(
        "device",
        help="act on a simulated network device: misbehave, reboot, show its state",
        description="Without options: print the device's lab state. Changes apply at its next command.",
    )
    device.add_argument("host", help="a network device or spare of this lab, e.g. lab-vrp-01")
    device.add_argument(
        "--misbehave",
        choices=["none", "truncate", "error", "timeout"],
        help="truncate: config output cut before its end marker; error: config commands print the "
        "vendor's CLI error; timeout: config output never completes; none: behave again",
    )
    device.add_argument("--reboot", action="store_true", help="restart it: running := startup configuration")
    device.add_argument(
        "--reset", action="store_true", help="back to its seeded (spares: factory) configuration"
    )
    device.set_defaults(func=_run)
    host = lab_sub.add_parser(
        "host",
        help="act on a Linux lab host: --reset boots it again from the image (a fresh install)",
        description="--reset: discard everything the host wrote and boot it again from the lab image, "
        "with a new machine-id and SSH host key, its profile and the base packages (as `lab up` made it).",
    )
    host.add_argument("host", help="a Linux host of this lab, e.g. lab-pc-007")
    host.add_argument("--reset", action="store_true", required=True, help="back to the image's state")
    host.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from courtops.lab import lab
    from courtops.lab.config import LabConfig, LabConfigError
    from courtops.lab.util import LabError

    try:
        cfg = LabConfig.from_env()
        if args.lab_command == "up":
            lab.up(cfg, args.linux, args.network, args.snmp)
        elif args.lab_command == "down":
            lab.down(cfg)
        elif args.lab_command == "device":
            from courtops.lab.device_control import control

            st = control(cfg, args.host, misbehave=args.misbehave, reboot=args.reboot, reset_state=args.reset)
            print(json.dumps(st, ensure_ascii=False, indent=2))
        elif args.lab_command == "host":
            from courtops.lab.hostreset import reset

            print(json.dumps(reset(cfg, args.host), ensure_ascii=False, indent=2))
        else:
            st = lab.status(cfg)
            if args.json:
                print(json.dumps(st, ensure_ascii=False, indent=2))
            else:
                for key, value in st.items():
                    print(f"{key:15} {value}")
            return 0 if st["up"] else 1
    except (LabError, LabConfigError) as exc:
        raise UserError(str(exc)) from exc
    return 0
