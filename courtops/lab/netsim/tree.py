"""A running configuration as an ordered tree of lines, printed in the vendor's own format.

Top-level lines and section headers (`interface X`, `user-interface vty 0 4`, `line vty 0 4`, ...)
hold their children in order; the vendor's block separators (`#`, `!`) are kept as top-level nodes
where the device printed them, so an unchanged configuration prints back byte for byte. Changes
follow the device's rules closely enough for a lab: a line with the key of an existing one replaces
it (`sysname`, `idle-timeout`, `rule 5` ...), `undo X` / `no X` removes X (or is itself kept as a
line for a default-on feature such as `undo telnet server enable`), new lines join their kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from courtops.lab.netsim.dialects import Dialect

_IOS_PREAMBLE = re.compile(r"^(Building configuration\.\.\.|Current configuration : \d+ bytes|)$")


@dataclass
class Node:
    text: str
    children: list[Node] = field(default_factory=list)
    section: bool = False


class ConfigTree:
    def __init__(self, dialect: Dialect, root: Node | None = None) -> None:
        self.dialect = dialect
        self.root = root or Node("", section=True)

    # -- reading and printing -------------------------------------------------------------------
    @classmethod
    def parse(cls, dialect: Dialect, text: str) -> ConfigTree:
        tree = cls(dialect)
        stack: list[tuple[Node, int]] = [(tree.root, -1)]
        started = False
        for raw in text.replace("\r\n", "\n").split("\n"):
            stripped = raw.strip()
            if not started and dialect.vendor == "ios" and _IOS_PREAMBLE.match(stripped):
                continue  # printed afresh by render()
            if not stripped:
                continue
            started = True
            indent = len(raw) - len(raw.lstrip(" "))
            if indent == 0 and stripped == dialect.trailer:
                break
            if indent == 0 and stripped == dialect.separator:
                tree.root.children.append(Node(stripped))
                stack = [(tree.root, -1)]
                continue
            while len(stack) > 1 and stack[-1][1] >= indent:
                stack.pop()
            parent = stack[-1][0]
            node = Node(stripped)
            if parent is tree.root:
                node.section = indent == 0 if dialect.global_indent else dialect.is_section(stripped)
            elif not parent.section:
                parent.section = True
            parent.children.append(node)
            stack.append((node, indent))
        return tree

    def render(self) -> str:
        lines: list[str] = []
        for child in self.root.children:
            self._render(child, 0, lines)
        lines.append(self.dialect.trailer)
        body = "\n".join(lines)
        if self.dialect.vendor == "ios":
            return f"Building configuration...\n\nCurrent configuration : {len(body) + 1} bytes\n{body}"
        return body

    def _render(self, node: Node, depth: int, lines: list[str]) -> None:
        if depth == 0:
            plain = node.section or node.text == self.dialect.separator
            indent = 0 if plain else self.dialect.global_indent
        else:
            indent = depth
        lines.append(" " * indent + node.text)
        for child in node.children:
            self._render(child, depth + 1, lines)

    # -- navigation -----------------------------------------------------------------------------
    def node(self, path: list[str]) -> Node:
        """The section at `path` (headers from the top); KeyError if it is gone."""
        current = self.root
        for header in path:
            found = next((c for c in current.children if c.text == header), None)
            if found is None:
                raise KeyError(header)
            current = found
        return current

    def find(self, path: list[str], text: str) -> Node | None:
        return next((c for c in self.node(path).children if c.text == text), None)

    # -- changes (each returns whether the configuration changed) ------------------------------
    def enter(self, path: list[str], header: str) -> bool:
        """Open section `header` under `path`, creating it if it does not exist yet."""
        # entering a feature's view turns it on: its `undo` / `no` line goes (VRP's password policy)
        removed = self._remove(self.node(path), lambda n: n.text == f"{self.dialect.negation} {header}")
        if self.find(path, header):
            return removed
        self._insert(path, Node(header, section=True))
        return True

    def set(self, path: list[str], text: str) -> bool:
        parent = self.node(path)
        negated = f"{self.dialect.negation} {text}"
        changed = self._remove(parent, lambda n: n.text == negated)
        if any(c.text == text for c in parent.children):
            return changed
        key = self.dialect.key(text)
        if key:
            for child in parent.children:
                if not child.children and self.dialect.key(child.text) == key:
                    child.text = text
                    return True
        self._insert(path, Node(text))
        return True

    def negate(self, path: list[str], text: str) -> bool:
        parent = self.node(path)
        negated = f"{self.dialect.negation} {text}"
        if any(c.text == negated for c in parent.children):
            return False
        removed = self._remove(parent, lambda n: n.text == text or n.text.startswith(text + " "))
        if self.dialect.keeps_negation(text):
            # a default-on feature turned off prints as its `undo` / `no` line, whatever it was before
            self._insert(path, Node(negated))
            return True
        return removed

    def _remove(self, parent: Node, match: Callable[[Node], bool]) -> bool:
        sep = self.dialect.separator
        kept = [c for c in parent.children if c.text == sep or not match(c)]
        if len(kept) == len(parent.children):
            return False
        collapsed: list[Node] = []
        for child in kept:  # a block emptied by the removal leaves no doubled separator
            if child.text == sep and collapsed and collapsed[-1].text == sep:
                continue
            collapsed.append(child)
        parent.children = collapsed
        return True

    def _insert(self, path: list[str], node: Node) -> None:
        parent = self.node(path)
        if parent is not self.root:
            parent.children.append(node)
            return
        sep = self.dialect.separator
        children = parent.children
        word = _kind(node.text, self.dialect.negation)
        same = [
            i
            for i, c in enumerate(children)
            if c.text != sep and _kind(c.text, self.dialect.negation) == word
        ]
        if same:
            at = same[-1] + 1
            own_block = node.section and word not in self.dialect.grouped_sections
            children[at:at] = [Node(sep), node] if own_block else [node]
            return
        if not children or children[-1].text != sep:
            children.append(Node(sep))
        children.extend([node, Node(sep)])


def _kind(text: str, negation: str) -> str:
    """What a top-level line is about: its first word (after `undo` / `no`)."""
    words = text.split()
    if len(words) > 1 and words[0] == negation:
        return words[1]
    return words[0] if words else ""
