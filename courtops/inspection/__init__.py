"""Routine inspection (日常巡检): the plan, and the judgement of raw readings into 正常 / 告警 / 故障.

Collectors (``library/``) only read; everything here is pure Python on the controller, tested
against recorded real outputs.
"""
