#!/usr/bin/python
# -*- coding: utf-8 -*-
# Runs on the control node (connection local, the courtops virtualenv's Python with pysnmp 7).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: courtops_device_probe
short_description: Probe many devices at once - ICMP, TCP service ports, SNMP status (巡检设备探测)
description:
  - Probes a batch of devices concurrently from the control node - one ICMP echo, a TCP connect to each
    given port (e.g. RTSP 554 and HTTP 80 of cameras and NVRs), and SNMP reads of sysDescr / sysUpTime /
    sysName plus, per device, the Printer-MIB and HOST-RESOURCES tables of printers (status, error flags,
    supply levels, alert table, page counter) or the disk devices of NVRs.
  - One call covers a whole class of devices (run it once per play with C(run_once)), which is what makes
    inspecting 750 printers, cameras and NVRs fast.
  - Read-only. An unanswering device is reported, never an error of the task.
version_added: "0.1.0"
author: courtops
requirements: [pysnmp >= 7 on the control node]
options:
  devices:
    description: The devices to probe.
    type: list
    elements: dict
    required: true
    suboptions:
      name: {description: Inventory name, type: str, required: true}
      address: {description: IP address or host name, type: str, required: true}
      ports: {description: TCP ports that must answer, type: list, elements: int, default: []}
      icmp: {description: Send one ICMP echo, type: bool, default: true}
      snmp:
        description: >-
          SNMP settings as the inventory configures them - version (3, 2c or 1), for v3 user, auth_key,
          priv_key, auth_protocol (md5, sha, sha224..sha512), priv_protocol (des, 3des, aes, aes192, aes256),
          context; for v1/v2c community; port. Nothing is assumed - no version or no credentials gives an
          SNMP error marked unconfigured (未配置), never a query with community public. Omit for no SNMP.
        type: dict
        suboptions:
          version: {description: "3, 2c or 1", type: str, default: ""}
          community: {description: v1/v2c community (not logged), type: str, default: ""}
          user: {description: SNMPv3 USM user, type: str, default: ""}
          auth_key: {description: SNMPv3 authentication key (not logged), type: str, default: ""}
          priv_key: {description: SNMPv3 privacy key (not logged), type: str, default: ""}
          auth_protocol: {description: SNMPv3 authentication protocol, type: str, default: sha}
          priv_protocol: {description: SNMPv3 privacy protocol, type: str, default: aes}
          context: {description: SNMPv3 context name, type: str, default: ""}
          port: {description: UDP port, type: int, default: 161}
      mibs:
        description: Status tables to read besides the system group.
        type: list
        elements: str
        choices: [printer, nvr]
        default: []
  timeout:
    description: Seconds to wait for each answer.
    type: float
    default: 2.0
  retries:
    description: SNMP retries.
    type: int
    default: 1
  device_timeout:
    description: Seconds one device's whole probe (ICMP, ports, every SNMP table) may take; what is not answered by then is an error with 超时.
    type: float
    default: 60.0
  concurrency:
    description: Devices probed at the same time.
    type: int
    default: 64
"""

EXAMPLES = r"""
- name: Probe every printer of the play in one call
  courtops_device_probe:
    devices: "{{ ansible_play_hosts | map('extract', hostvars) | map(attribute='courtops_probe_spec') | list }}"
  run_once: true
  no_log: true  # the device specs carry the SNMP community
  register: probe
"""

RETURN = r"""
devices:
  description: Per device name - icmp {rtt_ms | error}, tcp {port - answered}, snmp {sysDescr, sysUpTime,
    sysName, printer, supplies, alerts, page_count, disks | error}.
  returned: always
  type: dict
elapsed:
  description: Seconds the batch took.
  returned: always
  type: float
"""

import asyncio
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.courtops_probe import probe_all

try:
    import pysnmp  # noqa: F401

    HAS_PYSNMP = True
except ImportError:
    HAS_PYSNMP = False


def main():
    module = AnsibleModule(
        argument_spec=dict(
            devices=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    name=dict(type="str", required=True),
                    address=dict(type="str", required=True),
                    ports=dict(type="list", elements="int", default=[]),
                    icmp=dict(type="bool", default=True),
                    # only the secrets are no_log: Ansible masks every occurrence of a no_log value in
                    # the output, and a version "3" or port "161" would blank readings such as a toner level
                    snmp=dict(
                        type="dict",
                        options=dict(
                            version=dict(type="str", default=""),
                            community=dict(type="str", default="", no_log=True),
                            user=dict(type="str", default=""),
                            auth_key=dict(type="str", default="", no_log=True),
                            priv_key=dict(type="str", default="", no_log=True),
                            auth_protocol=dict(type="str", default="sha"),
                            priv_protocol=dict(type="str", default="aes"),
                            context=dict(type="str", default=""),
                            port=dict(type="int", default=161),
                        ),
                    ),
                    mibs=dict(type="list", elements="str", choices=["printer", "nvr"], default=[]),
                ),
            ),
            timeout=dict(type="float", default=2.0),
            retries=dict(type="int", default=1),
            concurrency=dict(type="int", default=64),
            device_timeout=dict(type="float", default=60.0),
        ),
        supports_check_mode=True,
    )
    if not HAS_PYSNMP and any(d.get("snmp") for d in module.params["devices"]):
        module.fail_json(msg=missing_required_lib("pysnmp"))
    started = time.monotonic()
    p = module.params
    results = asyncio.run(
        probe_all(p["devices"], p["timeout"], p["retries"], p["concurrency"], p["device_timeout"])
    )
    module.exit_json(changed=False, devices=results, elapsed=round(time.monotonic() - started, 3))


if __name__ == "__main__":
    main()
