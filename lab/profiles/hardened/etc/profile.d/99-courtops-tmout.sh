# courtops lab, profile hardened: 等保 L3-CES1-02 (登录连接超时自动退出) — idle shells end after 300 s.
TMOUT=300
readonly TMOUT
export TMOUT
