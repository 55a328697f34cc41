"""Emergency readiness (应急保障): the emergency plan as data, spare stock, drills judged against the plan."""
