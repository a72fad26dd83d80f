#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package, end to end, as TAP on stdout (run.sh job deb):
#   deb-test.sh OUTDIR KDIR KVER BASE-PAYLOAD -- guest.py command
# (the command's --payload must be OUTDIR/payload).
#
# 1. make deb builds sercam-dkms_<version>_all.deb, and the next version's
#    (3.) from a copy of the tree;
# 2. a fresh copy of a throwaway Debian 12 (amd64, with dkms and the arm64
#    cross compiler: build-debroot.sh) gets the arm64 test kernel as an
#    installed kernel would be (its modules, depmod, and its build tree
#    KDIR read-only as /lib/modules/KVER/build), and apt-get installs the
#    package there, with make told ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#    (MAKEFLAGS, see in_root): the postinst's DKMS builds the modules for
#    the test kernel (and sercam-attach for amd64);
# 3. the upgrade, as a user's apt does it: the next version (a copy of the
#    tree with PACKAGE_VERSION <version>+test1 and a marker in each thing
#    the package installs: a MODULE_INFO in each module, a line of
#    sercam-attach's --help, a comment in the rule, the unit and each
#    overlay's source) apt-get installed over the first: dpkg and DKMS
#    keep only the new version, its modules, files and sercam-attach;
# 4. the guest boots with the upgraded modules (BASE-PAYLOAD, run.sh's
#    payload, with its own build of sercam replaced by DKMS's) and
#    captures from the emulated SXH485 camera, byte-exact (plans/deb);
#    one boot: the first install's modules differ from those only by
#    the marker;
# 5. apt-get install --reinstall of the new version, then a downgrade to
#    the first: DKMS rebuilds each time, without error;
# 6. apt-get purge leaves the system as it was before the first install;
# 7. the README's by-hand path, dkms add . from a checkout, works and
#    undoes the same way.
# The chroot runs in mount and PID namespaces of its own: the host's
# mounts and /lib/modules are not touched.
set -eu
if [ $# -lt 6 ] || [ "$5" != -- ]; then
	echo "usage: $0 OUTDIR KDIR KVER BASE-PAYLOAD -- guest command" >&2
	exit 2
fi
out=$1 kdir=$2 kver=$3 base=$4
shift 5
tb=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$tb/../.." && pwd)
ksrc=$(readlink -f "$kdir/source" || true)
root=$out/chroot
cross=aarch64-linux-gnu-
mods="sercam sercam-jpeg sercam-sxh485 sercam-stream sercam-ov528 sercam-openmv
	sercam-vc0706 sercam-pixy sercam-ascii-u"

if [ ! -f "$kdir/.config" ] || [ ! -d "$ksrc" ]; then
	echo "$0: $kdir is no kernel build tree (with .config and source)" >&2
	exit 2
fi
[ -d "$base/lib/modules/$kver/kernel" ] || { echo "$0: $base is no payload for $kver" >&2; exit 2; }

n=0
tap() { # tap OK|"" DESCRIPTION: one TAP line
	n=$((n + 1))
	if [ -n "$1" ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
	local d=$1
	shift
	if "$@"; then tap ok "$d"; else tap "" "$d"; fi
}
not() { ! "$@"; }
comment() { sed 's/^/# /'; }
finish() { echo "1..$n"; }
# bail DESCRIPTION LOG: a step the rest needs failed
bail() {
	[ ! -f "$2" ] || tail -n 25 "$2" | comment
	tap "" "$1"
	finish
	exit 0
}

cleanup() { [ ! -d "$root" ] || rm -rf --one-file-system "$root"; }
trap cleanup EXIT

# in_root COMMAND...: run a command in the chroot, in namespaces of its
# own, with the test kernel's build tree (and the source tree it refers
# to, at its own path) mounted read-only, /tmp a fresh tmpfs and OUTDIR/mnt
# (the package, the cross strip) on /mnt. The environment is the cross
# build's: ARCH and CROSS_COMPILE as make variables in MAKEFLAGS, as if
# given on make's command line. (Not as variables of the environment: the
# postinst's DKMS pattern, dh_dkms's common.postinst, names its own
# architecture argument ARCH and so empties it. DKMS's -a names the
# directories of a build, it passes nothing to make.) And first in PATH
# the cross toolchain's strip as strip, which DKMS runs on each module
# (the amd64 one cannot read an arm64 module); apt gives dpkg a PATH of
# its own (DPkg::Path), so apt-get is told this one.
path=/mnt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
in_root() {
	# shellcheck disable=SC2016 # the inner shell expands them
	env -i PATH="$path" \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		MAKEFLAGS="ARCH=arm64 CROSS_COMPILE=$cross" \
		unshare --mount --propagation private --pid --fork sh -c '
		set -e
		r=$1 kdir=$2 ksrc=$3 kver=$4 debs=$5
		shift 5
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs tmp "$r/tmp"
		for m in "$kdir:/lib/modules/$kver/build" "$ksrc:$ksrc" "$debs:/mnt"; do
			mount --bind "${m%%:*}" "$r${m#*:}"
			mount -o remount,bind,ro "$r${m#*:}"
		done
		exec chroot "$r" "$@"' sh "$root" "$kdir" "$ksrc" "$kver" "$out/mnt" "$@"
}

# snapshot FILE: the chroot's files (path, type, mode, owner), less what
# the package manager keeps for itself: apt's and dpkg's logs, caches,
# lists, locks and backup copies of its state (its database's entries
# for the package, var/lib/dpkg/info, stay in)
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./tmp -o -path ./run \) -prune -o -printf '%p %y %m %u:%g\n') |
		grep -Ev '^\./var/(log|cache)/|^\./var/lib/apt/|^\./var/lib/dpkg/(lock|triggers/|updates/|[a-z]+-old )' |
		LC_ALL=C sort >"$1"
}

# next_tree DIR VERSION: the next version, for the upgrade: a copy of the
# tree as make deb packages it (the files git tracks, as the working tree
# has them) with PACKAGE_VERSION VERSION, and a mark of it in each thing
# the package installs, to tell the new from the old once installed: a
# MODULE_INFO(sercam_test, VERSION) in each module (modinfo shows it), a
# line of sercam-attach's --help, a comment in the udev rule, the unit
# and each overlay's source. A git repository of its own (make deb wants
# one); the real dkms.conf is not touched.
next_tree() {
	local t=$1 v=$2 mark="upgrade test $2" f
	rm -rf "$t" && mkdir -p "$t" || return 1
	(cd "$top" && git ls-files -z) | (cd "$top" && xargs -0 cp --parents -t "$t") || return 1
	sed -i "s/^PACKAGE_VERSION=\".*\"$/PACKAGE_VERSION=\"$v\"/" "$t/dkms.conf"
	for f in "$t"/drivers/media/serial/sercam/*.c; do
		! grep -q '^MODULE_LICENSE(' "$f" ||
			sed -i "/^MODULE_LICENSE(/a MODULE_INFO(sercam_test, \"$v\");" "$f"
	done
	sed -i 's/^\(\t*\)"usage: %s \[options\] TTY\\n"$/&\n\1"('"$mark"')\\n"/' \
		"$t/tools/sercam-attach/sercam-attach.c"
	printf '\n# %s\n' "$mark" >>"$t/tools/sercam-attach/90-sercam-attach.rules"
	printf '\n# %s\n' "$mark" >>"$t/tools/sercam-attach/sercam-attach@.service.in"
	for f in "$t"/dts/*.dtso; do printf '\n// %s\n' "$mark" >>"$f"; done
	# every mark made, or the checks below would prove nothing
	f=$(grep -l "^MODULE_INFO(sercam_test, \"$v\");" "$t"/drivers/media/serial/sercam/*.c | wc -l)
	[ "$f" -eq "$(echo "$mods" | wc -w)" ] || { echo "$f modules marked, not $(echo "$mods" | wc -w)" >&2; return 1; }
	grep -qF "\"($mark)\\n\"" "$t/tools/sercam-attach/sercam-attach.c" ||
		{ echo "sercam-attach.c: no usage line to mark" >&2; return 1; }
	[ "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$t/dkms.conf")" = "$v" ] ||
		{ echo "dkms.conf: PACKAGE_VERSION not set" >&2; return 1; }
	git -C "$t" init -q && git -C "$t" add -Af . &&
		git -C "$t" -c user.name="sercam upgrade test" -c user.email=test@invalid \
			commit -qm "$mark"
}

# apt_step NAME DESCRIPTION APT-GET-ARGUMENTS...: apt-get in the chroot
# (its log OUTDIR/NAME.log), dpkg running the maintainer scripts, DKMS
# building; then that it said no error. What the step built is newer
# than OUTDIR/stamp-NAME.
apt_step() {
	local name=$1 d=$2 t0 bad
	shift 2
	touch "$out/stamp-$name"
	t0=$(date +%s)
	if in_root apt-get -o DPkg::Path="$path" "$@" >"$out/$name.log" 2>&1; then
		tap ok "$d ($(($(date +%s) - t0)) s, DKMS building)"
	else
		tail -n 30 "$out/$name.log" | comment
		find "$root/var/lib/dkms" -name make.log -exec tail -n 20 {} \; 2>/dev/null | comment
		tap "" "$d"
	fi
	# (but for the warning a downgrade asked for, --allow-downgrades)
	grep '^dpkg: warning: downgrading sercam-dkms from ' "$out/$name.log" |
		sed 's/$/ (asked for)/' | comment
	bad=$(grep -Ei '\berror|warning|unable|cannot' "$out/$name.log" |
		grep -v '^dpkg: warning: downgrading sercam-dkms from ' || true)
	[ -z "$bad" ] || echo "$bad" | head -n 10 | comment
	check "the $name says no error, warning, unable or cannot" [ -z "$bad" ]
}

# mod_is FILE MARK: FILE is an arm64 module for $kver whose sercam_test
# (next_tree's mark) is MARK, none when MARK is empty; sets sum to a
# checksum of it (the modules have no srcversion: no MODULE_VERSION) and
# why to what it found
mod_is() {
	local f=$1 vm mk em
	sum='' why="no such file"
	[ -f "$f" ] || return 1
	em=$(od -An -tx1 -j18 -N2 "$f" | tr -d ' ')
	vm=$(modinfo -F vermagic "$f" 2>/dev/null || true)
	mk=$(modinfo -F sercam_test "$f" 2>/dev/null | sort -u | tr '\n' ' ')
	mk=${mk% }
	sum=$(sha256sum <"$f" | cut -c1-12)
	why="e_machine $em, vermagic ${vm%% *}, sercam_test ${mk:-none}, sha256 $sum"
	# e_machine (bytes 18-19) of an AArch64 ELF: 0xb7 0x00
	[ "$em" = b700 ] && [ "${vm%% *}" = "$kver" ] && [ "$mk" = "$2" ]
}

# installed_only STEP VERSION OTHER: after STEP, dpkg, DKMS and /usr/src
# have sercam VERSION, and nothing of OTHER
installed_only() {
	local s=$1 v=$2 o=$3 st lines e ok
	# shellcheck disable=SC2016 # dpkg-query's format
	st=$(in_root dpkg-query -W -f='${Version} ${db:Status-Abbrev}' sercam-dkms 2>/dev/null || true)
	check "$s: dpkg has sercam-dkms $v installed ('$st')" [ "$st" = "$v ii " ]
	in_root dkms status >"$out/dkms-status-$s.txt" 2>&1 || true
	comment <"$out/dkms-status-$s.txt"
	lines=$(grep '^sercam/' "$out/dkms-status-$s.txt" || true)
	ok=
	[ "$(printf '%s' "$lines" | grep -c '^')" -ne 1 ] ||
		[[ $lines != "sercam/$v, $kver, "*": installed"* ]] || ok=ok
	tap "$ok" "$s: dkms status: only sercam/$v, installed for $kver (no sercam/$o)"
	lines=$(find "$root/usr/src" -maxdepth 1 -name 'sercam*')
	check "$s: /usr/src holds sercam-$v alone (sercam-$o gone)" \
		[ "$lines" = "$root/usr/src/sercam-$v" ]
	# DKMS's tree: the version's directory, and links into it (DKMS 3's
	# kernel-KVER-ARCH for what is installed), none left to OTHER's
	ok=ok
	for e in "$root/var/lib/dkms/sercam"/*; do
		if [ -L "$e" ]; then
			case $(readlink "$e") in "$v"/*) [ -e "$e" ] ;; *) false ;; esac
		else
			[ "$e" = "$root/var/lib/dkms/sercam/$v" ] && [ -d "$e" ]
		fi || { echo "# ${e#"$root"}$([ ! -L "$e" ] || echo " -> $(readlink "$e")")"; ok=; }
	done
	[ -d "$root/var/lib/dkms/sercam/$v" ] || ok=
	tap "$ok" "$s: /var/lib/dkms/sercam holds $v's tree alone ($o's gone, no link to it)"
}

# upd_only: updates/dkms holds the modules of $mods and nothing else
upd_only() {
	local has
	has=$(find "$upd" -mindepth 1 -printf '%f\n' 2>/dev/null | LC_ALL=C sort)
	# shellcheck disable=SC2086 # the list of modules
	[ "$has" = "$(printf '%s.ko\n' $mods | LC_ALL=C sort)" ] && return
	echo "# updates/dkms: $(tr '\n' ' ' <<<"$has")"
	return 1
}

# mods_are STEP MARK [SAME]: the modules in updates/dkms, as one check:
# each built by STEP (newer than its stamp) for arm64 with MARK (mod_is),
# with SAME the same bytes as after the first install (the same source
# built in the same place); and nothing else there. Sets ok.
mods_are() {
	local m
	ok=ok
	for m in $mods; do
		if ! mod_is "$upd/$m.ko" "$2"; then
			echo "# $m.ko: $why"
			ok=
		elif ! [ "$upd/$m.ko" -nt "$out/stamp-$1" ]; then
			echo "# $m.ko: older than the $1"
			ok=
		elif [ -n "${3:-}" ] && [ "$sum" != "${sum0[$m]:-}" ]; then
			echo "# $m.ko: sha256 $sum, ${sum0[$m]:-none} after the install"
			ok=
		fi
	done
	upd_only || ok=
}

# overlays_ok TREE: every overlay of TREE's dts/ compiled (dtc -@) in
# /usr/share/sercam/overlays, with its source as TREE has it; a Raspberry
# Pi's under the name its own build instructions give it (dtc ... -o
# NAME.dtbo), the one for config.txt's dtoverlay=. One without (the
# kernel's trees' rpi-free-uart0, applied with fdtoverlay) under the
# name the user guide gives it: sercam-F.dtbo for rpi-F.dtso. Sets
# blobs to their number.
overlays_ok() {
	local t=$1 ov=$root/usr/share/sercam/overlays srcs o d name ok=0
	blobs=$(find "$ov" -name '*.dtbo' | wc -l)
	srcs=$(find "$t/dts" -name '*.dtso' | wc -l)
	[ "$blobs" -eq "$srcs" ] || { echo "# $blobs overlay blobs for $srcs sources"; ok=1; }
	while IFS= read -r o; do
		if ! [ "$(od -An -tx1 -N4 "$o" | tr -d ' ')" = d00dfeed ] ||
			! dtc -q -I dtb -O dts "$o" 2>/dev/null | grep -q __overlay__; then
			echo "# ${o#"$root"}: not an overlay blob"
			ok=1
		fi
	done < <(find "$ov" -name '*.dtbo')
	for d in "$t"/dts/*.dtso; do
		cmp -s "$d" "$ov/source/${d##*/}" || { echo "# no source ${d##*/} (as $t has it)"; ok=1; }
		case ${d##*/} in rpi-*) ;; *) continue ;; esac
		name=$(sed -n 's/.*dtc -@ .* -o \([^ ]*\.dtbo\) .*/\1/p' "$d")
		if [ -z "$name" ] && ! grep -q 'dtc ' "$d"; then
			name=sercam-${d##*/rpi-}
			name=${name%.dtso}.dtbo
			echo "# ${d##*/}: no build instructions, as $name"
		fi
		if [ -z "$name" ] || [ ! -f "$ov/$name" ]; then
			echo "# ${d##*/}: no ${name:-named} overlay"
			ok=1
		fi
	done
	return $ok
}

# pkg_files STEP THIS OTHER: every file of the package extracted in THIS
# is in the chroot as packaged, and those only OTHER's has are gone
pkg_files() {
	local f nf=0 bad=0 gone=0 left=0
	while IFS= read -r -d '' f; do
		nf=$((nf + 1))
		cmp -s "$2/$f" "$root/$f" || { [ $bad -ge 5 ] || echo "# /${f#./}: not as packaged"; bad=$((bad + 1)); }
	done < <(cd "$2" && find . -type f -print0)
	while IFS= read -r -d '' f; do
		[ ! -e "$2/$f" ] || continue
		gone=$((gone + 1))
		[ ! -e "$root/$f" ] || { [ $left -ge 5 ] || echo "# /${f#./}: left behind"; left=$((left + 1)); }
	done < <(cd "$3" && find . -type f -print0)
	tap "$([ $((bad + left)) -eq 0 ] && echo ok)" \
		"$1: the package's $nf files as packaged ($bad not), the $gone only the other version has gone ($left not)"
}

# attach_says STEP MARK: sercam-attach, built by STEP's postinst for the
# machine's own architecture (newer than the step's stamp), runs, and its
# --help has the line MARK (none when empty)
attach_says() {
	[ "$root/usr/sbin/sercam-attach" -nt "$out/stamp-$1" ] ||
		{ echo "# /usr/sbin/sercam-attach: older than the $1"; return 1; }
	in_root /usr/sbin/sercam-attach --help >"$out/attach-help-$1.txt" 2>&1 || true
	grep -q '^usage: .*sercam-attach' "$out/attach-help-$1.txt" || return 1
	if [ -n "$2" ]; then
		grep -qxF "($2)" "$out/attach-help-$1.txt"
	else
		not grep -q '^(upgrade test ' "$out/attach-help-$1.txt"
	fi
}

echo "TAP version 13"
rm -rf "$out" && mkdir -p "$out/mnt/debs" "$out/mnt/bin"
ln -s "/usr/bin/${cross}strip" "$out/mnt/bin/strip"

# 1. the package, and the next version's
t0=$(date +%s)
deb=$("$top/tools/deb/make-deb.sh" "$out/mnt/debs" 2>"$out/make-deb.log") ||
	bail "make deb builds the package" "$out/make-deb.log"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
fields=$(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')
check "make deb builds sercam-dkms_${version}_all.deb ($(($(date +%s) - t0)) s): $fields" \
	[ "$deb|$fields" = "$out/mnt/debs/sercam-dkms_${version}_all.deb|Package: sercam-dkms Version: $version Architecture: all " ]
# nothing in an Architecture: all package may be a binary
mkdir "$out/pkg-old" && dpkg-deb -x "$deb" "$out/pkg-old"
elves=$(find "$out/pkg-old" -type f -exec sh -c '[ "$(head -c4 "$1")" = "$(printf "\177ELF")" ]' sh {} \; -print)
check "the package carries no binary (no ELF file)" [ -z "$elves" ]
next=$version+test1
next_tree "$out/next" "$next" >"$out/next-tree.log" 2>&1 ||
	bail "the next version's tree: a copy, PACKAGE_VERSION $next, marked" "$out/next-tree.log"
t0=$(date +%s)
newdeb=$(SERCAM_BUILD=$out/next-build "$out/next/tools/deb/make-deb.sh" "$out/mnt/debs" \
	2>"$out/make-deb-next.log") ||
	bail "make deb builds the next version's package" "$out/make-deb-next.log"
fields=$(dpkg-deb -f "$newdeb" Package Version Architecture | tr '\n' ' ')
ok=
[ "$newdeb|$fields" != "$out/mnt/debs/sercam-dkms_${next}_all.deb|Package: sercam-dkms Version: $next Architecture: all " ] ||
	! dpkg --compare-versions "$next" gt "$version" || ok=ok
tap "$ok" "make deb of the next version (a copy of the tree, PACKAGE_VERSION $next) builds sercam-dkms_${next}_all.deb ($(($(date +%s) - t0)) s), newer to dpkg than $version"
mkdir "$out/pkg-new" && dpkg-deb -x "$newdeb" "$out/pkg-new"

# 2. a fresh Debian 12 with the test kernel installed
tar=$("$tb/build-debroot.sh" 2>"$out/debroot.log") || bail "the Debian 12 chroot" "$out/debroot.log"
mkdir -p "$root"
tar -xf "$tar" -C "$root" || bail "unpack the Debian 12 chroot" /dev/null
make -s -C "$ksrc" O="$kdir" ARCH=arm64 INSTALL_MOD_PATH="$root" modules_install \
	>"$out/modinst.log" 2>&1 || bail "the test kernel's modules in the chroot" "$out/modinst.log"
rm -f "$root/lib/modules/$kver/build" "$root/lib/modules/$kver/source"
mkdir -p "$root/lib/modules/$kver/build" "$root$ksrc"
depmod -b "$root" "$kver"
snapshot "$out/before.txt"

# then the install: apt-get resolves the dependencies from the chroot (dkms is
# there), dpkg runs the postinst, DKMS builds
apt_step install "apt-get install ./${deb##*/}" \
	install -y --no-install-recommends "/mnt/debs/${deb##*/}"
in_root dkms status >"$out/dkms-status.txt" 2>&1 || true
comment <"$out/dkms-status.txt"
check "dkms status: sercam/$version installed for $kver" \
	grep -q "^sercam/$version, $kver, [^:]*: installed" "$out/dkms-status.txt"
upd=$root/lib/modules/$kver/updates/dkms
declare -A sum0
for m in $mods; do
	if mod_is "$upd/$m.ko" ""; then
		sum0[$m]=$sum
		tap ok "DKMS built $m.ko for arm64 $kver (updates/dkms)"
	else
		tap "" "DKMS built $m.ko for arm64 $kver (updates/dkms): $why"
	fi
done
check "modules.dep of $kver names the DKMS modules" \
	grep -q "^updates/dkms/sercam-sxh485.ko:.*updates/dkms/sercam.ko" "$root/lib/modules/$kver/modules.dep"
check "the postinst built sercam-attach for amd64 (it runs: --help)" attach_says install ""
ok=ok
overlays_ok "$top" || ok=
tap "$ok" "$blobs overlays compiled (dtc -@) in /usr/share/sercam/overlays, with their sources; Raspberry Pi's as their dtoverlay= names (or sercam-F.dtbo)"
check "the udev rule installed" \
	cmp -s "$top/tools/sercam-attach/90-sercam-attach.rules" "$root/lib/udev/rules.d/90-sercam-attach.rules"
unit=$root/lib/systemd/system/sercam-attach@.service
check "the unit installed, naming /usr/sbin/sercam-attach" \
	grep -q 'ExecStart=.* /usr/sbin/sercam-attach %I' "$unit"
check "the user guide in /usr/share/doc/sercam-dkms" \
	cmp -s "$top/Documentation/sercam.rst" "$root/usr/share/doc/sercam-dkms/sercam.rst"

# 3. the upgrade, as apt does it: dpkg runs the old prerm (upgrade: DKMS
# removes the old version from every kernel), unpacks the new files,
# removes those only the old package had (its /usr/src/sercam-<version>),
# runs the old postrm (upgrade) and the new postinst (configure, the old
# version in $2: sercam-attach rebuilt, DKMS adds, builds, installs)
apt_step upgrade "upgrade: apt-get install ./${newdeb##*/} over $version" \
	install -y --no-install-recommends "/mnt/debs/${newdeb##*/}"
installed_only upgrade "$next" "$version"
mkdir -p "$out/modules"
for m in $mods; do
	if mod_is "$upd/$m.ko" "$next" && [ "$sum" != "${sum0[$m]:-}" ] &&
		[ "$upd/$m.ko" -nt "$out/stamp-upgrade" ]; then
		cp "$upd/$m.ko" "$out/modules/"
		tap ok "upgrade: $m.ko is DKMS's build of $next (modinfo: sercam_test $next; other bytes), arm64 $kver"
	else
		tap "" "upgrade: $m.ko is DKMS's build of $next: $why (${sum0[$m]:-none} before; newer than the upgrade's start: $([ "$upd/$m.ko" -nt "$out/stamp-upgrade" ] && echo yes || echo no))"
	fi
done
# shellcheck disable=SC2086 # the list of modules
check "upgrade: updates/dkms holds the $(echo $mods | wc -w) modules and nothing else" upd_only
check "upgrade: modules.dep of $kver names the DKMS modules" \
	grep -q "^updates/dkms/sercam-sxh485.ko:.*updates/dkms/sercam.ko" "$root/lib/modules/$kver/modules.dep"
pkg_files upgrade "$out/pkg-new" "$out/pkg-old"
ok=ok
overlays_ok "$out/next" || ok=
tap "$ok" "upgrade: the $blobs overlays are $next's (compiled, with $next's marked sources)"
check "upgrade: the udev rule is $next's" \
	cmp -s "$out/next/tools/sercam-attach/90-sercam-attach.rules" "$root/lib/udev/rules.d/90-sercam-attach.rules"
unit_is() { grep -q 'ExecStart=.* /usr/sbin/sercam-attach %I' "$unit" && grep -qxF "$1" "$unit"; }
check "upgrade: the unit is $next's, naming /usr/sbin/sercam-attach" unit_is "# upgrade test $next"
check "upgrade: the postinst rebuilt sercam-attach, $next's (it runs: --help has the mark)" \
	attach_says upgrade "upgrade test $next"

# 4. the guest, with DKMS's modules of the upgrade instead of run.sh's build
pl=$out/payload
rm -rf "$pl"
cp -a "$base" "$pl"
rm -rf "$pl/lib/modules/$kver/updates"
mkdir -p "$pl/lib/modules/$kver/updates/dkms"
cp "$out/modules/"*.ko "$pl/lib/modules/$kver/updates/dkms/" 2>/dev/null || true
depmod -b "$pl" "$kver"
ok=ok
for m in $mods; do
	cmp -s "$upd/$m.ko" "$pl/lib/modules/$kver/updates/dkms/$m.ko" || ok=
done
others=$(find "$pl/lib/modules" -name 'sercam*.ko*' ! -path '*/updates/dkms/*' | wc -l)
[ "$others" -eq 0 ] || ok=
tap "$ok" "the guest's sercam modules are DKMS's of the upgrade ($next), byte for byte, and only those ($others others)"
t0=$(date +%s)
"$@" >"$out/guest.log" 2>&1 || true
echo "# the guest ran for $(($(date +%s) - t0)) s"
# its results, numbered on
while IFS= read -r l; do
	case $l in
	"ok "* | "not ok "*)
		n=$((n + 1))
		s=${l%% [0-9]*} d=${l#* - }
		[ "$s" = ok ] || s="not ok"
		echo "$s $n - guest: $d"
		;;
	"#"*) echo "$l" ;;
	esac
done < <(python3 "$tb/verdict.py" --tap "$out")

# every step of the plan reported (a guest that never ran reports none)
steps=$(awk '!/^#/ && NF { print $1 }' "$tb/plans/deb" | tr '\n' ' ')
ran=$(sed -n 's/^# step \([^ ]*\)$/\1/p' "$out/guest/guest.tap" 2>/dev/null | tr '\n' ' ')
check "guest: plans/deb's steps all reported (${ran:-none})" [ "$ran" = "$steps" ]

# 5. the same version again (dpkg: prerm upgrade, postinst configure with
# the same version), then back to the first (a downgrade, which apt does
# only when told): DKMS removes and rebuilds each time
apt_step reinstall "reinstall: apt-get install --reinstall ./${newdeb##*/}" \
	install -y --no-install-recommends --reinstall "/mnt/debs/${newdeb##*/}"
installed_only reinstall "$next" "$version"
mods_are reinstall "$next"
tap "$ok" "reinstall: DKMS rebuilt the modules, $next's, for arm64 $kver, and only those"
check "reinstall: sercam-attach rebuilt, $next's (it runs: --help has the mark)" \
	attach_says reinstall "upgrade test $next"
apt_step downgrade "downgrade: apt-get install --allow-downgrades ./${deb##*/} over $next" \
	install -y --no-install-recommends --allow-downgrades "/mnt/debs/${deb##*/}"
installed_only downgrade "$version" "$next"
mods_are downgrade "" same
tap "$ok" "downgrade: DKMS rebuilt the modules, $version's again (no mark; the first install's bytes), for arm64 $kver, and only those"
pkg_files downgrade "$out/pkg-old" "$out/pkg-new"
check "downgrade: sercam-attach rebuilt, $version's (it runs: --help without the mark)" \
	attach_says downgrade ""

# 6. purge: nothing left behind
if in_root apt-get -o DPkg::Path="$path" purge -y sercam-dkms >"$out/purge.log" 2>&1; then
	tap ok "apt-get purge sercam-dkms"
else
	tail -n 30 "$out/purge.log" | comment
	tap "" "apt-get purge sercam-dkms"
fi
in_root dkms status >"$out/dkms-status-after.txt" 2>&1 || true
check "dkms status knows no sercam" not grep -q '^sercam/' "$out/dkms-status-after.txt"
check "/usr/src has no sercam-*" \
	[ -z "$(find "$root/usr/src" -maxdepth 1 -name 'sercam*')" ]
check "/var/lib/dkms has no sercam" [ ! -e "$root/var/lib/dkms/sercam" ]
check "/lib/modules/*/updates is gone" \
	[ -z "$(find "$root"/lib/modules/*/ -maxdepth 1 -name updates)" ]
check "modules.dep and modules.alias name no sercam module" \
	not grep -qs sercam "$root/lib/modules/$kver/modules.dep" "$root/lib/modules/$kver/modules.alias"
check "sercam-attach (the postinst's) removed" [ ! -e "$root/usr/sbin/sercam-attach" ]
# shellcheck disable=SC2016 # dpkg-query's format
status=$(in_root dpkg-query -W -f='${db:Status-Status}' sercam-dkms 2>/dev/null || true)
check "dpkg: sercam-dkms not installed ('${status:-unknown}')" \
	[ "${status:-not-installed}" = not-installed ]
snapshot "$out/after.txt"
if diff -u "$out/before.txt" "$out/after.txt" >"$out/leftovers.diff"; then
	tap ok "the chroot's files after the purge are those before the install ($(wc -l <"$out/before.txt") entries)"
else
	grep '^[-+]\.' "$out/leftovers.diff" | head -n 30 | comment
	tap "" "the chroot's files after the purge are those before the install"
fi

# 7. DKMS by hand from a checkout, the README's first command: dkms add
# reads the name and version from dkms.conf (its build is the package's)
mkdir -p "$out/mnt/src"
(cd "$top" && git ls-files -z) | (cd "$top" && xargs -0 cp --parents -t "$out/mnt/src")
# shellcheck disable=SC2016 # the chroot's shell expands them
in_root sh -c 'cd /mnt/src && v=$(sed -n "s/^PACKAGE_VERSION=\"\(.*\)\"/\1/p" dkms.conf) &&
	dkms add . && dkms status -m sercam && dkms remove "sercam/$v" --all &&
	rm -r "/usr/src/sercam-$v"' >"$out/by-hand.log" 2>&1 || true
comment <"$out/by-hand.log"
snapshot "$out/after-by-hand.txt"
ok=ok
grep -q "^sercam/$version: added" "$out/by-hand.log" || ok=
diff "$out/before.txt" "$out/after-by-hand.txt" | grep '^[<>]' | head -n 10 | comment
cmp -s "$out/before.txt" "$out/after-by-hand.txt" || ok=
tap "$ok" "dkms add . from a checkout: sercam/$version added, then removed without a trace"
finish
