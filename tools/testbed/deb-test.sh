#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package, end to end, as TAP on stdout (run.sh job deb):
#   deb-test.sh OUTDIR KDIR KVER BASE-PAYLOAD -- guest.py command
# (the command's --payload must be OUTDIR/payload).
#
# 1. make deb builds sercam-dkms_<version>_all.deb;
# 2. a fresh copy of a throwaway Debian 12 (amd64, with dkms and the arm64
#    cross compiler: build-debroot.sh) gets the arm64 test kernel as an
#    installed kernel would be (its modules, depmod, and its build tree
#    KDIR read-only as /lib/modules/KVER/build), and apt-get installs the
#    package there, with make told ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#    (MAKEFLAGS, see in_root): the postinst's DKMS builds the modules for
#    the test kernel (and sercam-attach for amd64);
# 3. the guest boots with those modules (BASE-PAYLOAD, run.sh's payload,
#    with its own build of sercam replaced by DKMS's) and captures from
#    the emulated SXH485 camera, byte-exact (plans/deb);
# 4. apt-get purge leaves the system as it was before the install;
# 5. the README's by-hand path, dkms add . from a checkout, works and
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

echo "TAP version 13"
rm -rf "$out" && mkdir -p "$out/mnt/debs" "$out/mnt/bin"
ln -s "/usr/bin/${cross}strip" "$out/mnt/bin/strip"

# 1. the package
t0=$(date +%s)
deb=$("$top/tools/deb/make-deb.sh" "$out/mnt/debs" 2>"$out/make-deb.log") ||
	bail "make deb builds the package" "$out/make-deb.log"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
fields=$(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')
check "make deb builds sercam-dkms_${version}_all.deb ($(($(date +%s) - t0)) s): $fields" \
	[ "$deb|$fields" = "$out/mnt/debs/sercam-dkms_${version}_all.deb|Package: sercam-dkms Version: $version Architecture: all " ]
# nothing in an Architecture: all package may be a binary
mkdir "$out/x" && dpkg-deb -x "$deb" "$out/x"
elves=$(find "$out/x" -type f -exec sh -c '[ "$(head -c4 "$1")" = "$(printf "\177ELF")" ]' sh {} \; -print)
check "the package carries no binary (no ELF file)" [ -z "$elves" ]
rm -rf "$out/x"

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

# 3. install: apt-get resolves the dependencies from the chroot (dkms is
# there), dpkg runs the postinst, DKMS builds
t0=$(date +%s)
if in_root apt-get -o DPkg::Path="$path" install -y --no-install-recommends "/mnt/debs/${deb##*/}" \
	>"$out/install.log" 2>&1; then
	tap ok "apt-get install ./${deb##*/} ($(($(date +%s) - t0)) s, DKMS building)"
else
	tail -n 30 "$out/install.log" | comment
	find "$root/var/lib/dkms" -name make.log -exec tail -n 20 {} \; 2>/dev/null | comment
	tap "" "apt-get install ./${deb##*/}"
fi
bad=$(grep -Ei '\berror|warning|unable|cannot' "$out/install.log" || true)
[ -z "$bad" ] || echo "$bad" | head -n 10 | comment
check "the install says no error, warning, unable or cannot" [ -z "$bad" ]
in_root dkms status >"$out/dkms-status.txt" 2>&1 || true
comment <"$out/dkms-status.txt"
check "dkms status: sercam/$version installed for $kver" \
	grep -q "^sercam/$version, $kver, [^:]*: installed" "$out/dkms-status.txt"
upd=$root/lib/modules/$kver/updates/dkms
mkdir -p "$out/modules"
for m in $mods; do
	f=$upd/$m.ko vm=
	# e_machine (bytes 18-19) of an AArch64 ELF: 0xb7 0x00
	if [ -f "$f" ] && [ "$(od -An -tx1 -j18 -N2 "$f" | tr -d ' ')" = b700 ] &&
		vm=$(modinfo -F vermagic "$f") && [ "${vm%% *}" = "$kver" ]; then
		cp "$f" "$out/modules/"
		tap ok "DKMS built $m.ko for arm64 $kver (updates/dkms)"
	else
		tap "" "DKMS built $m.ko for arm64 $kver (updates/dkms): ${vm:-no such file}"
	fi
done
check "modules.dep of $kver names the DKMS modules" \
	grep -q "^updates/dkms/sercam-sxh485.ko:.*updates/dkms/sercam.ko" "$root/lib/modules/$kver/modules.dep"
# sercam-attach, built by the postinst for the machine's own architecture
in_root /usr/sbin/sercam-attach --help >"$out/attach-help.txt" 2>&1 || true
check "the postinst built sercam-attach for amd64 (it runs: --help)" \
	grep -q '^usage: .*sercam-attach' "$out/attach-help.txt"
# every overlay compiled, with its source; a Raspberry Pi's under the
# name its own build instructions give it (dtc ... -o NAME.dtbo)
ov=$root/usr/share/sercam/overlays
ok=ok
blobs=$(find "$ov" -name '*.dtbo' | wc -l)
srcs=$(find "$top/dts" -name '*.dtso' | wc -l)
[ "$blobs" -eq "$srcs" ] || { echo "# $blobs overlay blobs for $srcs sources"; ok=; }
while IFS= read -r o; do
	if ! [ "$(od -An -tx1 -N4 "$o" | tr -d ' ')" = d00dfeed ] ||
		! dtc -q -I dtb -O dts "$o" 2>/dev/null | grep -q __overlay__; then
		echo "# ${o#"$root"}: not an overlay blob"
		ok=
	fi
done < <(find "$ov" -name '*.dtbo')
for d in "$top"/dts/*.dtso; do
	cmp -s "$d" "$ov/source/${d##*/}" || { echo "# no source ${d##*/}"; ok=; }
	case ${d##*/} in rpi-*) ;; *) continue ;; esac
	name=$(sed -n 's/.*dtc -@ .* -o \([^ ]*\.dtbo\) .*/\1/p' "$d")
	if [ -z "$name" ] || [ ! -f "$ov/$name" ]; then
		echo "# ${d##*/}: no ${name:-named} overlay"
		ok=
	fi
done
tap "$ok" "$blobs overlays compiled (dtc -@) in /usr/share/sercam/overlays, with their sources; Raspberry Pi's as their dtoverlay= names"
check "the udev rule installed" \
	cmp -s "$top/tools/sercam-attach/90-sercam-attach.rules" "$root/lib/udev/rules.d/90-sercam-attach.rules"
check "the unit installed, naming /usr/sbin/sercam-attach" \
	grep -q 'ExecStart=.* /usr/sbin/sercam-attach %I' "$root/lib/systemd/system/sercam-attach@.service"
check "the user guide in /usr/share/doc/sercam-dkms" \
	cmp -s "$top/Documentation/sercam.rst" "$root/usr/share/doc/sercam-dkms/sercam.rst"

# 4. the guest, with DKMS's modules instead of run.sh's build
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
tap "$ok" "the guest's sercam modules are DKMS's, byte for byte, and only those ($others others)"
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

# 5. purge: nothing left behind
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

# 6. (5. above) DKMS by hand from a checkout, the README's first command: dkms add
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
