"""The local lab: a real test estate on one machine (Linux hosts in systemd-nspawn containers,
simulated network devices, SNMP agents), every resource tagged with a lab id so labs never collide.

Modules: ``config`` (ids, names, addresses, paths), ``util`` (commands, progress), ``netns``
(bridge, veths, namespaces), ``rootfs`` (the cached debootstrap image), ``profiles`` (seeded host
states), ``hosts`` (containers), ``devices`` (netsim), ``snmp`` (snmpsim), ``inventory``
(the generated Ansible inventory), ``state`` (what is up), ``lab`` (up / down / status).
"""
