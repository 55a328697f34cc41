#!/bin/sh
# courtops lab, profile drifted: this script is world-writable (mode 0777) on purpose.
tar -czf /var/backups/etc-$(date +%u).tar.gz /etc 2>/dev/null
