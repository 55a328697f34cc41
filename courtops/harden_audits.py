"""The two audits of one hardening run, read from the results store.

`playbooks/harden.yml` runs `audit.yml` before and after the hardening plays inside ONE recorded run
(kind ``harden``; its scope holds the ``change_id``, courtops/runkinds.py), so both audits' findings
are that run's. They are told apart by the record order around the task harden.yml runs between them
(``BEFORE_MARK``): the findings of task results that ended before that task's result are the audit
before, those that ended after it the audit after (by time, not by id: the store writes a batch's
plain results before those that carry findings). A hardening run without its audits (``--skip-tags harden_audit``)
has neither; any other run is one audit (or none).
"""

from __future__ import annotations

from dataclasses import dataclass

from courtops.findings import Finding
from courtops.harden_scores import ScoreRow, compare, shares
from courtops.store import Run, Store

#: the name of the task of playbooks/harden.yml between the audit before and the hardening plays
BEFORE_MARK = "Keep the findings of the audit before hardening"
HARDEN_KIND = "harden"
_NEVER = 1e300  # beyond any recorded time (a plain number: SQLite and PostgreSQL alike)


@dataclass
class HardenAudits:
    before: list[Finding]
    after: list[Finding]


def audits(store: Store, run: Run) -> HardenAudits | None:
    """The audit before and the audit after of a hardening run; None for any other run, or a hardening
    run recorded without its audits."""
    if run.kind != HARDEN_KIND:
        return None
    mark = store.first_result_end(run.id, BEFORE_MARK)
    if mark is None:
        return None
    return HardenAudits(
        before=store.findings(run.id, ended=(0.0, mark)),
        after=store.findings(run.id, ended=(mark, _NEVER)),
    )


def audited_findings(store: Store, run: Run) -> list[Finding]:
    """The findings the 等保 report shows for a run: a hardening run's audit after, else all of them."""
    pair = audits(store, run)
    return pair.after if pair is not None else store.findings(run.id)


def _rows(findings: list[Finding]) -> list[dict[str, str]]:
    return [{"host": f.host, "platform": f.platform, "verdict": f.verdict} for f in findings]


def scores(store: Store, run: Run) -> list[ScoreRow] | None:
    """The 符合 share per host class (the ledger's asset_class, else the platform) and overall, audit
    before → audit after of a hardening run; None when the run has not both audits."""
    pair = audits(store, run)
    if pair is None or not pair.before or not pair.after:
        return None
    classes = {h.name: str(h.asset["asset_class"]) for h in store.hosts(run.id) if h.asset.get("asset_class")}
    return compare(shares(_rows(pair.before), classes), shares(_rows(pair.after), classes))
