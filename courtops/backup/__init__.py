"""Configuration backup (配置备份): capture, acceptance, the git history and the encrypted full copy.

- ``capture.Capture``: one device's raw capture (relative path → text, unmasked, un-normalised);
- ``rules.rules_for(platform)``: how a platform's capture is validated, normalised, masked and laid out;
- ``accept.accept``: the gate that keeps a good copy (end marker, CLI errors, empty, shrink);
- ``repo.BackupRepo``: the git repository (masked copies) and the vault-encrypted full copies.

docs/backup.md describes the layout and the interfaces.
"""
