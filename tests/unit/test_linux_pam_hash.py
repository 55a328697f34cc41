"""L3-CES1-28 on Linux: the hash pam_unix writes is set in PAM (``pam_unix.so … md5``), not only in
login.defs; a weak PAM method fails the item even when login.defs says SHA512."""

from __future__ import annotations

import pytest

from courtops import catalogue, evaluator, evidence

LOGIN_DEFS = "PASS_MAX_DAYS 90\nENCRYPT_METHOD SHA512\n"


def _evidence(pam_password: str) -> dict[str, object]:
    return {
        "files": {
            "/etc/login.defs": LOGIN_DEFS,
            "/etc/pam.d/common-password": f"password [success=1 default=ignore] {pam_password}\n"
            "password requisite pam_deny.so\npassword required pam_permit.so\n",
            "/etc/pam.d/common-auth": "auth [success=1 default=ignore] pam_unix.so nullok\n",
        }
    }


@pytest.mark.parametrize(
    ("line", "method", "verdict"),
    [
        ("pam_unix.so obscure md5", "MD5", "不符合"),  # login.defs SHA512 does not save it
        ("pam_unix.so obscure sha512", "SHA512", None),
        ("pam_unix.so obscure yescrypt", "YESCRYPT", None),
        ("pam_unix.so obscure", None, "待人工"),  # no method: depends on the Linux-PAM release
    ],
)
def test_pam_hash_method_is_read_and_judged(line: str, method: str | None, verdict: str | None) -> None:
    facts, problems, _ = evidence.extract("linux_deb", _evidence(line))
    assert facts.get("lnx.pam_hash_method") == method
    if method is None:
        assert any("pam_unix" in p for p in problems)
    item = catalogue.default().by_id("L3-CES1-28")
    rule = item.platforms["linux_deb"]
    finding = evaluator.evaluate_item("h", "linux_deb", item, rule, facts, catalogue.default().thresholds)
    if verdict == "不符合":
        assert "pam_method" in evaluator.failed_checks(finding) and finding.verdict != "符合"
    elif verdict == "待人工":
        assert finding.verdict == "待人工"
    else:
        assert "pam_method" not in evaluator.failed_checks(finding)
