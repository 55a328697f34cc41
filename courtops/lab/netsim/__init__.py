"""A small stateful network-device simulator for the lab (Huawei VRP, H3C Comware, Cisco IOS).

`dialects` holds what differs per vendor (prompts, separators, section headers, error texts),
`tree` the running configuration as an ordered tree of lines, `device` one device's state on disk
and a CLI session over it, `server` the SSH (shell + SFTP) front end, `control` what the lab
controller does to a device from outside (misbehave, reboot). A lab, not an emulator: unknown
configuration lines are kept as lines.
"""
