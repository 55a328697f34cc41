#!/bin/bash
# Restore one hardening change from its backup directory (harden_linux, docs/hardening.md):
#   courtops-harden-restore.sh DIR            every backed-up file back in place, every file the change
#                                             created removed, every unit it disabled enabled again (and
#                                             every unit it enabled disabled again); prints CHANGED=<n>
#   courtops-harden-restore.sh --revert DIR   the same, run on the host by itself when the armed revert
#                                             timer fires (the play never confirmed a fresh login): then
#                                             sshd is checked and reloaded and DIR/reverted is written
# One script for both paths, so the host's own revert and the play's rollback restore the same way.
set -eu
revert=0
if [ "${1:-}" = --revert ]; then revert=1; shift; fi
src=${1:?usage: courtops-harden-restore.sh [--revert] BACKUP_DIR}
n=0
# packages the change installed (L3-CES1-13 chrony, L3-CES1-26 AIDE) are purged first: their files,
# units and accounts go with them, and the files restored below (passwd, group…) are then the originals
if [ -s "$src/packages.installed" ]; then
  purge=()
  while IFS= read -r pkg; do
    if [ -z "$pkg" ]; then continue; fi
    if command -v dpkg-query >/dev/null; then
      dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed && purge+=("$pkg")
    elif rpm -q "$pkg" >/dev/null 2>&1; then purge+=("$pkg"); fi
  done < "$src/packages.installed"
  if [ "${#purge[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${purge[@]}" >/dev/null
    else "$(command -v dnf || command -v yum)" remove -y -q "${purge[@]}" >/dev/null; fi
    n=$((n+${#purge[@]})); echo "purged ${purge[*]}"
  fi
fi
if [ -d "$src/files" ]; then
  while IFS= read -r -d '' f; do
    path="${f#"$src/files"}"
    if ! cmp -s "$f" "$path" || [ "$(stat -c %a:%u:%g "$f")" != "$(stat -c %a:%u:%g "$path" 2>/dev/null)" ]; then
      cp -a "$f" "$path"; n=$((n+1)); echo "restored $path"
    fi
  done < <(find "$src/files" -type f -print0)
fi
if [ -f "$src/absent.list" ]; then
  while IFS= read -r path; do
    if [ -n "$path" ] && [ -e "$path" ]; then rm -f -- "$path"; n=$((n+1)); echo "removed $path"; fi
  done < "$src/absent.list"
fi
if [ -f "$src/units.disabled" ]; then
  while IFS= read -r unit; do
    if [ -n "$unit" ] && ! systemctl is-enabled --quiet "$unit"; then
      systemctl enable --now "$unit" >/dev/null 2>&1 || systemctl enable "$unit" >/dev/null; n=$((n+1)); echo "enabled $unit"
    fi
  done < "$src/units.disabled"
fi
if [ -f "$src/units.enabled" ]; then
  while IFS= read -r unit; do
    if [ -n "$unit" ] && systemctl is-enabled --quiet "$unit"; then
      systemctl disable "$unit" >/dev/null 2>&1; n=$((n+1)); echo "disabled $unit"
    fi
  done < "$src/units.enabled"
fi
if [ "$revert" = 1 ]; then
  # the play's rollback checks and reloads sshd itself; the host's own revert has nobody else to do it
  if /usr/sbin/sshd -t; then systemctl reload ssh 2>/dev/null || systemctl reload sshd || true; fi
  date -u +%FT%TZ > "$src/reverted"
  logger -t courtops-harden "no fresh login confirmed the change in time: restored $n item(s) from $src" || true
fi
echo "CHANGED=$n"
