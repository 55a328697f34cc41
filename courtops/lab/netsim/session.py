"""One CLI session on a simulated device: user view / system view (configure terminal), sections,
the vendor's questions (`[Y/N]`, `[confirm]`), save, reboot, flash files and configuration replace.

`handle(line)` takes one line typed by the client and returns what the device prints; the SSH
front end (server.py) adds echo and line endings. Static show commands come from the device's NOS
definition (lab/devices/<vendor>.yml via courtops/lab/devices.py), as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from courtops.lab.netsim.derived import derive
from courtops.lab.netsim.device import DeviceError, DeviceState, flash_name
from courtops.lab.netsim.tree import ConfigTree

_PIPE = re.compile(r"^(?P<cmd>.+?)\s*\|\s*(?P<op>include|exclude|begin|section)\s+(?P<arg>.+)$")
_CST = timezone(timedelta(hours=8))


@dataclass
class Reply:
    output: str | None = None
    prompt: str | None = None  # a question instead of the session prompt
    close: bool = False  # the device ends the session (quit, reboot)
    hang: bool = False  # print `output`, then never answer again (misbehave=timeout)


Answer = Callable[[str], Reply]


def _yes(answer: str) -> bool:
    return answer.strip().lower() in ("y", "yes")


class Session:
    def __init__(self, device: DeviceState, nos: dict[str, Any]) -> None:
        self.dev = device
        self.d = device.dialect
        self.commands: dict[str, Any] = nos.get("commands", {})
        self.unknown = str(self.commands.get("_default_", {}).get("output") or self.d.error("unrecognized"))
        self.config_view = False
        self.path: list[str] = []
        self.pending: Answer | None = None

    # -- prompt -------------------------------------------------------------------------------
    def prompt(self) -> str:
        name = self.dev.hostname()
        if self.d.vendor == "ios":
            if not self.config_view:
                return f"{name}#"
            return f"{name}({_ios_mode(self.path)})#"
        if not self.config_view:
            return f"<{name}>"
        return f"[{name}-{_vrp_view(self.path[-1])}]" if self.path else f"[{name}]"

    # -- input ----------------------------------------------------------------------------------
    def handle(self, line: str) -> Reply:
        if self.pending is not None:
            answer, self.pending = self.pending, None
            return answer(line)
        text = line.strip()
        if not text:
            return Reply()
        with self.dev.lock:
            if self.config_view:
                return self._config(text)
            return self._exec(text)

    def ctrl_z(self) -> Reply:
        self.config_view, self.path = False, []
        return Reply()

    def _ask(self, question: str, answer: Answer, output: str | None = None) -> Reply:
        self.pending = answer
        return Reply(output=output, prompt=question)

    # -- user view / privileged exec ------------------------------------------------------------
    def _exec(self, text: str) -> Reply:
        ios = self.d.vendor == "ios"
        words = text.split()
        shown = self._show_config(text)
        if shown is not None:
            return shown
        if (not ios and text == "system-view") or (
            ios and re.fullmatch(r"conf(igure)?( t(erminal)?)?", text)
        ):
            self.config_view, self.path = True, []
            if ios:
                return Reply("Enter configuration commands, one per line.  End with CNTL/Z.")
            if self.d.vendor == "vrp":
                return Reply("Enter system view, return user view with Ctrl+Z.")
            return Reply("System View: return to User View with Ctrl+Z.")
        if text in ("quit", "exit", "logout"):
            return Reply(close=True)
        if words[0] == "save" and not ios:
            return self._save(words[1:])
        if ios and text in ("write", "write memory", "wr"):
            self.dev.save()
            return Reply("Building configuration...\n[OK]")
        if ios and words[:2] == ["copy", "running-config"] and len(words) == 3:
            return self._ios_copy(words[2])
        if text in ("reboot", "reload"):
            return self._reboot()
        if words[0] == "dir":
            return Reply(self._dir())
        if not ios and text == "display startup":
            return Reply(self._display_startup())
        if not ios and words[:2] == ["startup", "saved-configuration"] and len(words) >= 3:
            return self._set_startup(words[2])
        if ios and words[:2] == ["configure", "replace"] and len(words) >= 3:
            return self._ios_replace(words[2], force="force" in words[3:])
        if (
            self.d.vendor == "comware"
            and words[:3] == ["configuration", "replace", "file"]
            and len(words) == 4
        ):
            return self._comware_replace(words[3])
        entry = self.commands.get(text)
        if entry is not None and text != "_default_":
            out = entry.get("output") if isinstance(entry, dict) else entry
            if out is True:
                return Reply(close=True)
            if out is None:
                return Reply()
            return Reply(derive(self.d.vendor, text, str(out), self.dev.running_text()))
        return Reply(self.unknown)

    def _show_config(self, text: str) -> Reply | None:
        m = _PIPE.match(text)
        cmd = m.group("cmd") if m else text
        startup = {"display saved-configuration", "show startup-config"}
        if cmd not in self.d.config_commands and cmd not in startup:
            return None
        mode = self.dev.misbehave()
        if mode == "error":
            return Reply(self.d.error("unrecognized"))
        if cmd in startup:
            body = self.dev.startup_text()
            if body is None:
                return Reply("startup-config is not present" if self.d.vendor == "ios" else "")
        else:
            body = self.dev.running_text()
        if m:
            body = _filter(body, m.group("op"), m.group("arg"))
        if mode in ("truncate", "timeout"):
            lines = body.split("\n")
            return Reply("\n".join(lines[: max(1, len(lines) * 3 // 5)]), hang=mode == "timeout")
        return Reply(body)

    def _save(self, args: list[str]) -> Reply:
        vrp = self.d.vendor == "vrp"
        if args and args[0] != "force":
            try:
                name = flash_name(args[0])
            except DeviceError:
                return Reply(self.d.error("wrong_file"))

            def to_file(answer: str) -> Reply:
                if not _yes(answer):
                    return Reply()
                self.dev.save(name)
                if vrp:
                    return Reply(
                        "Now saving the current configuration to the slot 0.\nSave the configuration successfully."
                    )
                return Reply(
                    "Now saving current configuration to the device.\n"
                    f"Saving configuration flash:/{name}. Please wait...\nConfiguration is saved to device successfully."
                )  # fmt: skip

            if vrp:
                return self._ask(f"Are you sure to save the configuration to flash:/{name}?[Y/N]:", to_file)
            return self._ask(
                f"The current configuration will be saved to flash:/{name}. Continue? [Y/N]:", to_file
            )
        if vrp:
            if args:
                return Reply(self.d.error("unrecognized"))

            def confirmed(answer: str) -> Reply:
                if not _yes(answer):
                    return Reply()
                self.dev.save()
                return Reply(
                    "Now saving the current configuration to the slot 0.\nSave the configuration successfully."
                )

            return self._ask(
                "Are you sure to continue?[Y/N]",
                confirmed,
                output=f"The current configuration will be written to flash:/{self.dev.startup_name()}.",
            )
        done = "Validating file. Please wait...\nSaved the current configuration to mainboard device successfully."
        if args == ["force"]:
            self.dev.save()
            return Reply(done)

        def file_name(answer: str) -> Reply:
            name = answer.strip()
            if name:
                try:
                    self.dev.save(name)
                    self.dev.set_next_startup(name)
                except DeviceError:
                    return Reply(self.d.error("wrong_file"))
            else:
                self.dev.save()
            return Reply(done)

        def comware_confirmed(answer: str) -> Reply:
            if not _yes(answer):
                return Reply()
            return self._ask(
                "(To leave the existing filename unchanged, press the enter key):",
                file_name,
                output=f"Please input the file name(*.cfg)[flash:/{self.dev.startup_name()}]",
            )

        return self._ask(
            "The current configuration will be written to the device. Are you sure? [Y/N]:", comware_confirmed
        )

    def _ios_copy(self, dest: str) -> Reply:
        if dest in ("startup-config", "nvram:startup-config"):

            def to_startup(_answer: str) -> Reply:
                self.dev.save()
                return Reply("Building configuration...\n[OK]")

            return self._ask("Destination filename [startup-config]? ", to_startup)
        if not dest.startswith("flash:"):
            return Reply(self.d.error("unrecognized"))
        try:
            default = flash_name(dest)
        except DeviceError:
            return Reply(self.d.error("wrong_file"))

        def to_flash(answer: str) -> Reply:
            try:
                path = self.dev.save(answer.strip() or default)
            except DeviceError:
                return Reply(self.d.error("wrong_file"))
            return Reply(f"{path.stat().st_size} bytes copied in 0.052 secs")

        return self._ask(f"Destination filename [{default}]? ", to_flash)

    def _reboot(self) -> Reply:
        vendor = self.d.vendor

        def restart(answer: str) -> Reply:
            if vendor == "ios" and answer.strip().lower() not in ("", "y", "yes", "confirm"):
                return Reply()
            if vendor != "ios" and not _yes(answer):
                return Reply()
            self.dev.reboot()
            self.config_view, self.path = False, []
            texts = {
                "vrp": "Info: system is rebooting ,please wait...",
                "comware": "Now rebooting, please wait...",
                "ios": "",
            }
            return Reply(texts[vendor], close=True)

        last = {
            "vrp": "System will reboot! Continue ? [y/n]:",
            "comware": "This command will reboot the device. Continue? [Y/N]:",
            "ios": "Proceed with reload? [confirm]",
        }[vendor]

        def save_first(answer: str) -> Reply:
            if vendor == "ios" and answer.strip().lower() not in ("yes", "no"):
                return self._ask("% Please answer 'yes' or 'no'.\nSystem configuration has been modified. Save? [yes/no]: ", save_first)  # fmt: skip
            out = None
            if _yes(answer):
                self.dev.save()
                out = "Building configuration...\n[OK]" if vendor == "ios" else None
            return self._ask(last, restart, output=out)

        if not self.dev.unsaved():
            return self._ask(last, restart)
        questions = {
            "vrp": (
                "Info: The system is comparing the configuration, please wait.",
                "Warning: All the configuration will be saved to the next startup configuration. Continue ? [y/n]:",
            ),
            "comware": (
                "Start to check configuration with next startup configuration file, please wait.........DONE!",
                "Current configuration may be lost after the reboot, save current configuration? [Y/N]:",
            ),
            "ios": (None, "System configuration has been modified. Save? [yes/no]: "),
        }
        intro, question = questions[vendor]
        return self._ask(question, save_first, output=intro)

    def _dir(self) -> str:
        files = self.dev.flash_files()
        total = {"vrp": 507744, "comware": 262144, "ios": 1621966}[self.d.vendor]
        free = total - sum(size for _, size, _ in files) // 1024 - total // 2
        rows = []
        for i, (name, size, mtime) in enumerate(files):
            when = datetime.fromtimestamp(mtime, _CST)
            if self.d.vendor == "vrp":
                rows.append(f"    {i}  -rw-  {size:>13,}  {when:%b %d %Y %H:%M:%S}   {name}")
            elif self.d.vendor == "comware":
                rows.append(f"   {i} -rw- {size:>10} {when:%b %d %Y %H:%M:%S}   {name}")
            else:
                rows.append(f"{i + 1:>6}  -rw-  {size:>12}  {when:%b %d %Y %H:%M:%S} +08:00  {name}")
        if self.d.vendor == "vrp":
            head = ["Directory of flash:/", "", "  Idx  Attr     Size(Byte)  Date        Time(LMT)  FileName"]
            tail = ["", f"{total:,} KB total available ({free:,} KB free)"]
        elif self.d.vendor == "comware":
            head = ["Directory of flash:"]
            tail = ["", f"{total} KB total ({free} KB free)"]
        else:
            head = ["Directory of flash:/", ""]
            tail = ["", f"{total * 1024} bytes total ({free * 1024} bytes free)"]
        return "\n".join([*head, *rows, *tail])

    def _display_startup(self) -> str:
        name = f"flash:/{self.dev.startup_name()}"
        if self.d.vendor == "vrp":
            image = "flash:/S5735-L-V200R019C10SPC500.cc"
            return "\n".join([
                "MainBoard:",
                f"  Configured startup system software:        {image}",
                f"  Startup system software:                   {image}",
                f"  Next startup system software:              {image}",
                f"  Startup saved-configuration file:          {name}",
                f"  Next startup saved-configuration file:     {name}",
                "  Startup paths file:                        NULL",
                "  Next startup paths file:                   NULL",
                "  Startup patch package:                     NULL",
                "  Next startup patch package:                NULL",
            ])  # fmt: skip
        return "\n".join([
            "MainBoard:",
            "Current startup saved-configuration file: " + name,
            "Next main startup saved-configuration file: " + name,
            "Next backup startup saved-configuration file: NULL",
        ])  # fmt: skip

    def _set_startup(self, spec: str) -> Reply:
        try:
            self.dev.set_next_startup(spec)
        except DeviceError:
            return Reply(self.d.error("no_file"))
        if self.d.vendor == "vrp":
            return Reply("Info: Succeeded in setting the configuration for booting system.")
        return Reply("Please wait ...... Done.")

    def _ios_replace(self, spec: str, *, force: bool) -> Reply:
        try:
            text = self.dev.read_flash(spec)
        except DeviceError:
            return Reply(self.d.error("no_file").format(path=spec))

        def replace(answer: str) -> Reply:
            if not _yes(answer):
                return Reply()
            self.dev.replace_running(text)
            return Reply("Total number of passes: 1\nRollback Done")

        if force:
            return replace("y")
        return self._ask(
            "Enter Y if you are sure you want to proceed. ? [no]: ",
            replace,
            output="This will apply all necessary additions and deletions\nto replace the current running "
            "configuration with the\ncontents of the specified configuration file, which is\nassumed to be a "
            "complete configuration, not a partial\nconfiguration.",
        )

    def _comware_replace(self, spec: str) -> Reply:
        try:
            name = flash_name(spec)
            text = self.dev.read_flash(name)
        except DeviceError:
            return Reply(self.d.error("no_file"))
        if not any(line.strip() == self.d.trailer for line in text.splitlines()):
            return Reply(f"The file {name} is not a valid configuration file.")

        def replace(answer: str) -> Reply:
            if _yes(answer):
                self.dev.save()
            self.dev.replace_running(text)
            return Reply(
                "Now replacing the current configuration. Please wait...\n"
                f"Succeeded in replacing current configuration with the file {name}."
            )

        return self._ask("Current configuration will be lost, save current configuration? [Y/N]:", replace)

    # -- system view / configuration mode -------------------------------------------------------
    def _config(self, text: str) -> Reply:
        ios = self.d.vendor == "ios"
        words = text.split()
        if (ios and text == "end") or (not ios and text == "return"):
            return self.ctrl_z()
        if (ios and text == "exit") or (not ios and text == "quit"):
            if self.path:
                self.path.pop()
            else:
                self.config_view = False
            return Reply()
        if ios and words[0] == "do" and len(words) > 1:
            return self._exec(text[2:].strip())
        if not ios and (words[0] in ("display", "save", "dir") or words[:2] == ["configuration", "replace"]):
            return self._exec(text)
        if self.dev.misbehave() == "error":
            return Reply(self.d.error("unrecognized"))
        if any(_bad_ipv4(word) for word in words):
            return Reply(self.d.error("wrong_parameter"))  # as the devices refuse 10.0.0.300
        tree = self.dev.running()
        for depth in range(len(self.path)):  # another session may have removed our section meanwhile
            tree.enter(self.path[:depth], self.path[depth])
        if words[0] == self.d.negation:
            if len(words) == 1:
                return Reply(self.d.error("incomplete"))
            target = text[len(words[0]) :].strip()
            above = self.d.is_section(target) or (
                self.path and _belongs_above(tree, self.path, target.split())
            )
            path = [] if above else self.path
            changed = tree.negate(path, target)
            if path == [] and self.path and self.path[0] == target:
                self.path = []
        elif self._incomplete_header(words):
            return Reply(self.d.error("incomplete"))
        elif self.path and self.d.is_section(text, parent=self.path[-1]):
            changed = tree.enter(self.path, text)
            self.path = [*self.path, text]
        elif self.d.is_section(text):
            changed = tree.enter([], text)
            self.path = [text]
        else:
            if self.path and _belongs_above(tree, self.path, words):
                self.path = []  # the device runs it in system view / global config, as IOS and VRP do
            changed = tree.set(self.path, text)
        if changed:
            self.dev.write_running(tree)
        return Reply()

    def _incomplete_header(self, words: list[str]) -> bool:
        """`interface`, `acl number`, `line vty` ...: a section keyword without what names it."""
        text = " ".join(words)
        if self.d.is_section(text) or (self.path and self.d.is_section(text, parent=self.path[-1])):
            return False
        parent = self.path[-1] if self.path else ""
        return self.d.is_section(text + " 0") or bool(
            parent and self.d.is_section(text + " 0", parent=parent)
        )


_DOTTED = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def _bad_ipv4(word: str) -> bool:
    """A dotted-quad argument with an octet above 255: every vendor refuses the command."""
    return bool(_DOTTED.match(word)) and any(int(octet) > 255 for octet in word.split("."))


def _belongs_above(tree: ConfigTree, path: list[str], words: list[str]) -> bool:
    """A line typed inside a section that is a global command there: `logging host X` in `line vty`.

    Global if a top-level line starts with the same two words and nothing in the section starts
    with the same first word."""
    head = words[:2]
    if any(child.text.split()[:1] == words[:1] for child in tree.node(path).children):
        return False
    return any(node.text.split()[:2] == head for node in tree.root.children if not node.children)


def _filter(body: str, op: str, arg: str) -> str:
    lines = body.split("\n")
    try:
        pattern = re.compile(arg.strip())
    except re.error:
        pattern = re.compile(re.escape(arg.strip()))
    if op == "include":
        return "\n".join(line for line in lines if pattern.search(line))
    if op == "exclude":
        return "\n".join(line for line in lines if not pattern.search(line))
    if op == "begin":
        for i, line in enumerate(lines):
            if pattern.search(line):
                return "\n".join(lines[i:])
        return ""
    out: list[str] = []  # IOS `| section`: matching top-level lines with their children
    keep = False
    for line in lines:
        if not line.startswith(" "):
            keep = bool(pattern.search(line))
        if keep:
            out.append(line)
    return "\n".join(out)


def _ios_mode(path: list[str]) -> str:
    if not path:
        return "config"
    header = path[-1]
    modes = {
        "interface": "config-if",
        "line": "config-line",
        "router": "config-router",
        "vlan": "config-vlan",
    }
    if header.startswith("ip access-list standard"):
        return "config-std-nacl"
    if header.startswith("ip access-list extended"):
        return "config-ext-nacl"
    return modes.get(header.split()[0], "config-" + header.split()[0])


def _vrp_view(header: str) -> str:
    """The view's name in a VRP/Comware prompt: [name-GigabitEthernet0/0/1], [name-ui-vty0-4] ..."""
    words = header.split()
    if words[0] == "interface":
        return words[1]
    if words[0] == "user-interface":
        return "ui-" + "".join(words[1:2]) + "-".join(words[2:])
    if words[0] == "line":
        return "line-" + "".join(words[1:2]) + "-".join(words[2:])
    if words[:2] == ["acl", "number"] or words[:2] == ["acl", "basic"]:
        return "acl-basic-" + words[-1]
    if words[0] == "local-user":
        return "luser-" + words[-1] + "-" + words[1] if len(words) > 2 else "luser-" + words[1]
    return re.sub(r"[^\w\-./:]", "", "-".join(words))
