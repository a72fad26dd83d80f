#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-fresh: prove the README's two commands on a bare Debian 12.
#
# Builds a minimal Debian 12 (mmdebstrap --variant=minbase) with nothing
# but git and make added, clones this repository's HEAD into it, and runs
# `make demo`, then `make check`, as root inside it (a chroot in its own
# mount and PID namespaces, with /proc, /sys and /dev of the host), from
# nothing: no package the project installs, no cache, no build. Reports the
# wall time of each and fails if either fails. The tree is removed
# afterwards; the logs stay in ./results-fresh/.
#
# It takes long (the test kernel is built inside, cold). It is not part of
# make check: run it after any change to tools/testbed/deps.sh, the kernel
# fragment or the guest package list.
set -eu
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"

suite=bookworm
mirror=${SERCAM_MIRROR:-http://deb.debian.org/debian}
security=${SERCAM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
out=$SERCAM_TOP/results-fresh
root=$(mktemp -d /var/tmp/sercam-fresh.XXXXXX)

command -v mmdebstrap >/dev/null || "$SERCAM_TOP/tools/testbed/deps.sh"

cleanup() {
	# the mounts live in the namespace that ran the commands: they are
	# gone with it; only the tree itself is left to remove
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT

rm -rf "$out" && mkdir -p "$out"
t0=$(date +%s)
tb_log "check-fresh: a minimal Debian 12 in $root (mmdebstrap --variant=minbase, + git make)"
mmdebstrap --quiet --variant=minbase --include=git,make "$suite" "$root" \
	"deb $mirror $suite main" "deb $mirror $suite-updates main" \
	"deb $security $suite-security main" >"$out/mmdebstrap.log" 2>&1 ||
	{ tail -n 30 "$out/mmdebstrap.log" >&2; tb_die "mmdebstrap failed"; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
tb_log "check-fresh: system ready in $(($(date +%s) - t0)) s; cloning HEAD"
git clone -q --no-local "$SERCAM_TOP" "$root/root/sercam"
git -C "$root/root/sercam" log -1 --format='check-fresh at %h %s' | tee "$out/commit.txt" >&2

# What runs inside: the README's two commands, timed, in a clean clone.
cat >"$root/root/fresh-run.sh" <<'EOF'
#!/bin/bash
cd /root/sercam || exit 1
rc=0
for cmd in demo check; do
	start=$(date +%s)
	make $cmd >/root/make-$cmd.log 2>&1
	r=$?
	secs=$(($(date +%s) - start))
	tail -n 3 /root/make-$cmd.log | sed "s/^/  make $cmd: /"
	printf 'make %s: exit %d, %d min %d s\n' $cmd $r $((secs / 60)) $((secs % 60)) |
		tee -a /root/times.txt
	[ $r -eq 0 ] || rc=1
done
exit $rc
EOF
chmod +x "$root/root/fresh-run.sh"

rc=0
env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 \
	unshare --mount --propagation private --pid --fork sh -c '
	set -e
	r=$1
	mount -t proc proc "$r/proc"
	mount --rbind /sys "$r/sys"
	mount --rbind /dev "$r/dev"
	exec chroot "$r" /root/fresh-run.sh' sh "$root" || rc=$?

for f in times.txt make-demo.log make-check.log; do
	[ -f "$root/root/$f" ] && cp "$root/root/$f" "$out/"
done
[ -d "$root/root/sercam/results" ] && cp -r "$root/root/sercam/results" "$out/check-results"
echo "check-fresh: $(cat "$out/commit.txt")"
cat "$out/times.txt" 2>/dev/null || true
echo "check-fresh: the whole run took $(($(date +%s) - t0)) s (logs: $out)"
[ $rc -eq 0 ] || tb_die "check-fresh failed: a README command failed on a bare Debian 12 (see $out)"
