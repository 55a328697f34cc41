"""Acceptance: the gate between a capture and the repository. A bad capture never replaces a good copy.

Rejected (RANCID's found_end / clean_run, and what Oxidized lacks, backup-anchors.md §1 and §3):
an error while collecting (unreachable, timeout, a failed command), a missing output, a CLI error line,
an empty configuration, a configuration without the vendor's end marker (``return``, ``end``), and a
copy that shrank by more than ``max_shrink`` against the last good copy. An accepted capture is
normalised (volatile lines dropped), masked (secrets become keyed fingerprints, so a changed secret
still shows as a changed line) and rendered into the repository's layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from courtops.backup.capture import Capture
from courtops.backup.rules import rules_for
from courtops.secrets import mask_text

#: Reject a copy whose compared size is below (1 - share) of the last good copy's.
DEFAULT_MAX_SHRINK = 0.5


@dataclass
class Outcome:
    host: str
    ok: bool
    reasons: list[str] = field(default_factory=list)
    #: unmasked, normalised files: the encrypted full copy
    full: dict[str, str] = field(default_factory=dict)
    #: masked repository entries ({"": text} for one file)
    masked: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def accept(
    capture: Capture,
    previous: dict[str, str] | None,
    *,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    mask_key: bytes | None = None,
) -> Outcome:
    """Check, normalise and mask one capture. ``previous``: the last good copy's full (normalised,
    unmasked) files, or None for a first backup."""
    if not 0 < max_shrink <= 1:
        raise ValueError(f"max_shrink 必须在 (0, 1] 之间，不是 {max_shrink!r}")
    rules = rules_for(capture.platform)
    reasons = list(capture.errors) or rules.validate(capture.files)
    if reasons:
        return Outcome(capture.host, False, reasons)
    full = {rel: rules.normalise(rel, text) for rel, text in capture.files.items()}
    if previous:
        before, after = rules.size(previous), rules.size(full)
        if before and after < before * (1 - max_shrink):
            return Outcome(
                capture.host,
                False,
                [
                    f"配置比上次完好备份缩小 {100 * (before - after) / before:.0f}%"
                    f"（{before} → {after} 字节，上限 {100 * max_shrink:.0f}%）"
                ],
            )
    masked = {rel: mask_text(text, rules.secrets_for(rel), mask_key) for rel, text in full.items()}
    return Outcome(capture.host, True, [], full, rules.render(masked))
