"""Hardening helpers (安全加固) shared by the network roles: configuration lines, rollback, ACL check."""
