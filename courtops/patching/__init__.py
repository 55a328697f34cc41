"""Patching (补丁管理): the court calendar blackout, the pre-checks' judgement, the patch records."""
