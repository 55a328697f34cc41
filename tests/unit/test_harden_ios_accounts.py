"""What the IOS hardening role reads from the running configuration for L3-CES1-05 (lines without a
personal account) and L3-CES1-28 (local users kept with a reversible password): the same judgement as
the audit's, so the lines it fixes are exactly the ones the audit flags."""

from __future__ import annotations

from courtops.vendors import ios

CONFIG = """\
hostname sw1
!
enable password cisco123
!
username admin privilege 15 password 7 0822455D0A16
username ops privilege 15 secret 9 $9$salt$hash
username guest password plain
!
line con 0
line aux 0
 no login
line vty 0 4
 password 7 0822455D0A16
 login
 transport input ssh
line vty 5 15
 login local
!
end
"""


def test_the_lines_without_a_personal_account_are_the_ones_the_audit_flags() -> None:
    assert ios.anonymous_line_headers(CONFIG) == ["line con 0", "line aux 0", "line vty 0 4"]
    facts: dict[str, object] = {}
    ios.extract({"commands": {"show running-config": CONFIG}}, facts, [])
    assert len(facts["net.anonymous_login_lines"]) == 3  # type: ignore[arg-type]


def test_lines_with_login_local_are_left_alone() -> None:
    fixed = CONFIG.replace("line con 0\n", "line con 0\n login local\n").replace(
        " no login\n", " login local\n"
    )
    fixed = fixed.replace(" login\n transport", " login local\n transport")
    assert ios.anonymous_line_headers(fixed) == []


def test_under_aaa_new_model_the_role_changes_no_line() -> None:
    assert ios.anonymous_line_headers("aaa new-model\n" + CONFIG) == []


def test_users_kept_with_a_password_and_their_privilege() -> None:
    assert ios.password_users(CONFIG) == [
        {"name": "admin", "privilege": "15"},
        {"name": "guest", "privilege": "1"},
    ]
    secrets_only = CONFIG.replace("privilege 15 password 7 0822455D0A16", "privilege 15 secret 9 $9$a$b")
    assert ios.password_users(secrets_only.replace("username guest password plain\n", "")) == []
