# SPDX-License-Identifier: GPL-2.0
# tap.sh: TAP for the shell selftests, sourced (". tap.sh": the shell
# finds it on PATH, beside them). Not a test of its own: it prints nothing.
#
#   check RC N DESCRIPTION    "ok N - DESCRIPTION" when RC is 0, else
#                             "not ok N - ...", and fail=1 for the exit
fail=0
check() {
	if [ "$1" = 0 ]; then
		echo "ok $2 - $3"
	else
		echo "not ok $2 - $3"
		fail=1
	fi
}
