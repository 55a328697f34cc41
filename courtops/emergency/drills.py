"""Drills judged against the emergency plan: the time to recover against the scenario's target."""

from __future__ import annotations

from dataclasses import dataclass

from courtops.emergency.plan import Plan, Scenario
from courtops.store import Drill

KIND_NAMES = {
    "tabletop": "桌面推演",
    "manual": "实操演练",
    "restore": "配置恢复演练",
    "spare_swap": "备机替换演练",
}
MET, MISSED, NOT_TIMED, NO_TARGET, NO_PLAN = "达标", "未达标", "未计时", "预案无此场景", "待人工"


@dataclass(frozen=True)
class JudgedDrill:
    drill: Drill
    scenario: Scenario | None
    verdict: str

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.drill.kind, self.drill.kind)

    @property
    def recovery_min(self) -> float | None:
        return None if self.drill.recovery_s is None else round(self.drill.recovery_s / 60, 1)

    @property
    def target_min(self) -> float | None:
        return None if self.scenario is None else self.scenario.recovery_target_min


def judge(drill: Drill, plan: Plan | None) -> JudgedDrill:
    """达标 only for a successful drill that recovered within the target; a failed drill is 未达标.

    A drill with no measured recovery time is 未计时 (not 达标: nothing shows it met the target), and
    one whose scenario the plan does not hold is 预案无此场景; without a readable plan every drill is 待人工.
    """
    scenario = plan.scenario_for(drill.scenario, drill.kind) if plan else None
    if plan is None:  # the plan could not be read: nothing to judge against
        verdict = NO_PLAN
    elif scenario is None:
        verdict = NO_TARGET if drill.result == "ok" else MISSED
    elif drill.result != "ok":
        verdict = MISSED
    elif drill.recovery_s is None:
        verdict = NOT_TIMED
    else:
        verdict = MET if drill.recovery_s <= scenario.recovery_target_min * 60 else MISSED
    return JudgedDrill(drill, scenario, verdict)
