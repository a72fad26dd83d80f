#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Devicetree checks of sercam, as TAP 13 on stdout:
#   - each binding (one per camera family) is a valid schema
#     (dt-doc-validate), and yamllint-clean with the kernel's rules when
#     yamllint is installed;
#   - each example in a binding compiles and validates against it;
#   - each overlay in dts/ compiles with dtc -@;
#   - the camera node each overlay adds validates against its family's
#     binding once the overlay is merged into a minimal base tree of its
#     board.
#
# Usage: dt-check.sh <kernel source tree>
# Exits 1 when a check failed.
#
# Written for Debian 12's dt-schema 2022.08, which the kernel's
# "make dt_binding_check" refuses (6.12 wants 2023.9 or newer). The tools
# of that version exit 0 on several errors, so every check also fails on
# any diagnostic they print:
#   - dt-doc-validate exits 0 on an unresolvable $ref or a $id that does
#     not match the file's path, and takes one -u search path only: the
#     binding is checked inside a link farm of the kernel's bindings;
#   - dt-validate exits 0 when a node fails its schema;
#   - dt-mk-schema leaves out a schema with errors and exits 0, after which
#     nothing is validated: a check passes only if the sercam node really
#     matched the binding (dt-validate -M).
set -u

ksrc=${1:?usage: $0 <kernel source tree>}
top=$(cd "$(dirname "$0")/../.." && pwd)
bindings=("$top"/Documentation/devicetree/bindings/media/*.yaml)
kbind=$ksrc/Documentation/devicetree/bindings
# dtc flags for examples, as in Documentation/devicetree/bindings/Makefile
dtc_ex_flags=(-Wno-avoid_unnecessary_addr_size -Wno-graph_child_address
	      -Wno-interrupt_provider -Wno-unique_unit_address
	      -Wunique_unit_address_if_enabled)

n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"

# result STATUS NAME [LOGFILE]: one test line, the log as diagnostics
result() {
	n=$((n + 1))
	[ "$1" = ok ] || failed=$((failed + 1))
	echo "$1 $n - $2"
	if [ "$1" != ok ] && [ -n "${3:-}" ] && [ -s "$3" ]; then
		sed 's/^/# /' "$3"
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

finish() {
	echo "1..$n"
	[ $failed = 0 ]
	exit
}

missing=
for t in dt-doc-validate dt-extract-example dt-mk-schema dt-validate dtc \
	 fdtoverlay fdtput cpp; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
props=$kbind/serial/serial-peripheral-props.yaml
if [ -n "$missing" ] || [ ! -f "$props" ]; then
	: >"$tmp/log"
	[ -z "$missing" ] || echo "not installed:$missing" >>"$tmp/log"
	[ -f "$props" ] || echo "no kernel bindings in $kbind" >>"$tmp/log"
	result "not ok" "dt-schema tools and kernel bindings present" "$tmp/log"
	finish
fi

# --- the binding ------------------------------------------------------------

# Link farm: the kernel's bindings with sercam's added, so that $id matches
# the path and /schemas/serial/... resolves, with one -u path.
farm=$tmp/bindings
mkdir -p "$farm/media"
for e in "$kbind"/*; do
	[ "$(basename "$e")" = media ] || ln -s "$e" "$farm/"
done
for e in "$kbind"/media/*; do
	ln -s "$e" "$farm/media/"
done
for binding in "${bindings[@]}"; do
	ln -sf "$binding" "$farm/media/"
done

# The schema of every binding at once
dt-mk-schema -j "${bindings[@]}" "$props" >"$tmp/schema.json" 2>"$tmp/mk.log"

# validate NAME DTB ID: the DTB is clean and a node matched schema ID
validate() {
	local name=$1 dtb=$2 id=$3

	dt-validate -s "$tmp/schema.json" "$dtb" >"$tmp/log" 2>&1
	dt-validate -M -s "$tmp/schema.json" "$dtb" >"$tmp/match" 2>&1
	if ! grep -qF "$id" "$tmp/match"; then
		{
			echo "no node matched $id"
			cat "$tmp/mk.log"
		} >>"$tmp/log"
		result "not ok" "$name" "$tmp/log"
	elif [ -s "$tmp/log" ]; then
		result "not ok" "$name" "$tmp/log"
	else
		result ok "$name"
	fi
}

# binding_of OVERLAY: the binding one of whose compatibles the overlay uses
binding_of() {
	local b c
	for b in "${bindings[@]}"; do
		for c in $(grep -oE '[a-z0-9-]+,[a-z0-9.-]+' "$b" | sort -u); do
			if grep -q "compatible = \"$c\"" "$1"; then
				echo "$b"
				return
			fi
		done
	done
}

for binding in "${bindings[@]}"; do
	bname=$(basename "$binding")
	schema_id=schemas/media/${bname%.yaml}.yaml#
	fbinding=$farm/media/$bname

	if dt-doc-validate -u "$farm" "$fbinding" >"$tmp/log" 2>&1 &&
	   [ ! -s "$tmp/log" ]; then
		result ok "binding: $bname is a valid schema"
	else
		result "not ok" "binding: $bname is a valid schema" "$tmp/log"
	fi

	if command -v yamllint >/dev/null; then
		if yamllint -f parsable -c "$kbind/.yamllint" "$binding" >"$tmp/log" 2>&1 &&
		   ! grep -q . "$tmp/log"; then
			result ok "binding: $bname: yamllint"
		else
			result "not ok" "binding: $bname: yamllint" "$tmp/log"
		fi
	else
		skip "binding: $bname: yamllint" "yamllint not installed"
	fi

	# the binding's examples, each on its own
	if ! dt-extract-example "$binding" >"$tmp/ex.dts" 2>"$tmp/log"; then
		result "not ok" "binding: $bname: examples extracted" "$tmp/log"
		continue
	fi
	examples=$(grep -cE '^ *example-[0-9]+ \{' "$tmp/ex.dts")
	# a schema the families refer to (select: false) has none of its own
	if [ "$examples" -eq 0 ] && grep -q '^select: false' "$binding"; then
		continue
	fi
	if [ "$examples" -eq 0 ]; then
		result "not ok" "binding: $bname: has examples"
		continue
	fi
	if cpp -nostdinc -I "$ksrc/scripts/dtc/include-prefixes" -undef \
	       -D__DTS__ -x assembler-with-cpp -o "$tmp/ex.pp.dts" \
	       "$tmp/ex.dts" >"$tmp/dtc.log" 2>&1 &&
	   dtc -q -I dts -O dtb "${dtc_ex_flags[@]}" -o "$tmp/ex.dtb" \
	       "$tmp/ex.pp.dts" >>"$tmp/dtc.log" 2>&1; then
		built=1
	else
		built=0
	fi
	for ((i = 0; i < examples; i++)); do
		name="binding: $bname: example $i validates"
		if [ $built = 0 ]; then
			result "not ok" "$name" "$tmp/dtc.log"
			continue
		fi
		# this example alone: drop the others from the tree
		cp "$tmp/ex.dtb" "$tmp/ex$i.dtb"
		for ((j = 0; j < examples; j++)); do
			[ $j = $i ] || fdtput -r "$tmp/ex$i.dtb" "/example-$j"
		done
		validate "$name" "$tmp/ex$i.dtb" "$schema_id"
	done
done

# --- the overlays -----------------------------------------------------------

# Minimal base trees: just the nodes and labels the overlays refer to.
cat >"$tmp/base-qemu-virt.dts" <<'EOF'
/dts-v1/;
/ {
	compatible = "linux,dummy-virt";
	model = "linux,dummy-virt";
	#address-cells = <2>;
	#size-cells = <2>;

	pl011@9000000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x0 0x9000000 0x0 0x1000>;
	};
};
EOF
cat >"$tmp/base-rpi.dts" <<'EOF'
/dts-v1/;
/ {
	compatible = "raspberrypi,4-model-b", "brcm,bcm2711";
	model = "Raspberry Pi 4 Model B";
	#address-cells = <1>;
	#size-cells = <1>;

	gpio: gpio@7e200000 {
		compatible = "brcm,bcm2711-gpio";
		reg = <0x7e200000 0xb4>;
		gpio-controller;
		#gpio-cells = <2>;

		uart0_gpio14: uart0_gpio14 {
			brcm,pins = <14 15>;
			brcm,function = <4>;
		};
	};

	uart0: serial@7e201000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x7e201000 0x200>;
		status = "disabled";
	};
};
EOF

for f in "$top"/dts/*.dtso; do
	[ -e "$f" ] || continue
	b=$(basename "$f" .dtso)
	case $b in
	qemu-virt-*|rs485-bus-*) base=qemu-virt ;;
	rpi-*) base=rpi ;;
	*) base= ;;
	esac
	vname="overlay: $b.dtso node validates on a $base base tree"
	binding=$(binding_of "$f")

	if dtc -@ -I dts -O dtb -o "$tmp/$b.dtbo" "$f" >"$tmp/log" 2>&1; then
		result ok "overlay: $b.dtso compiles with dtc -@"
		# warnings, if any
		sed 's/^/# /' "$tmp/log"
	else
		result "not ok" "overlay: $b.dtso compiles with dtc -@" "$tmp/log"
		[ -z "$base" ] || result "not ok" "$vname"
		continue
	fi
	[ -n "$base" ] || continue

	if ! dtc -q -@ -I dts -O dtb -o "$tmp/base-$base.dtb" \
	     "$tmp/base-$base.dts" >"$tmp/log" 2>&1 ||
	   ! fdtoverlay -i "$tmp/base-$base.dtb" -o "$tmp/$b.merged.dtb" \
	     "$tmp/$b.dtbo" >>"$tmp/log" 2>&1; then
		result "not ok" "$vname" "$tmp/log"
		continue
	fi
	if [ -z "$binding" ]; then
		echo "no binding in Documentation/devicetree/bindings/media has its compatible" >"$tmp/log"
		result "not ok" "$vname" "$tmp/log"
		continue
	fi
	bname=$(basename "$binding")
	validate "$vname" "$tmp/$b.merged.dtb" "schemas/media/${bname%.yaml}.yaml#"
done

finish
