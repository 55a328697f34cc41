# /etc/profile.d/99-dengbao.sh
TMOUT=600
readonly TMOUT
export TMOUT
HISTSIZE=100
export HISTSIZE
