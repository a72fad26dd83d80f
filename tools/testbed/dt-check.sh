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
#     board;
#   - each dts/rpi-*.dtso also applies with fdtoverlay to the kernel's own
#     Raspberry Pi board trees (Pi 3 B, Pi 4 B, Pi 5, Zero 2 W; on the Pi 4
#     also retargeted to its extra PL011s), and its camera node validates
#     there; a board whose tree lacks a label the overlay needs is a SKIP
#     that names the labels. What would still keep the camera from working
#     on that tree (another device on the UART, another driver muxing its
#     pins) is printed as TAP diagnostics.
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
# dt-validate takes about a second to start: it runs once per section over
# all of the section's trees, its output split per tree.
# The schema set is sercam's bindings plus dt-schema's core schemas, which
# already find faults in the kernel's Raspberry Pi trees (simple-bus
# children without reg, for one): on those trees a check fails on any
# diagnostic the unmodified board tree does not also have.
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

# awk -v global=FILE -f split.awk LIST LOG: splits the output (LOG) of one
# dt-validate -M run over several trees (LIST, one file name a line) into
# one record a line ("\n" for the line breaks, without the tree's file
# name): TREE.diag the diagnostics, TREE.match the matches. A record starts
# with the tree's file name; dt-validate prints the diagnostics of loading
# a tree (e.g. "size (5) error for type uint32") without it, before that
# tree's records: those lines go to the next tree, or, after the last one,
# to the global FILE.
cat >"$tmp/split.awk" <<'EOF'
function flush() {
	if (cur != "")
		print rec >> (cur (rec ~ /^[^\\]*: matched on schema\(s\)/ ? ".match" : ".diag"))
	cur = ""
}
# s without each "FILE:"
function strip(s, f,   i, out) {
	out = ""
	while ((i = index(s, f ":")) > 0) {
		out = out substr(s, 1, i - 1)
		s = substr(s, i + length(f) + 1)
	}
	return out s
}
FNR == NR { files[$0] = 1; next }
{
	line = $0
	for (f in files)
		if (index(line, f ":") == 1) {
			flush()
			if (pending != "")
				print pending >> (f ".diag")
			pending = ""
			cur = f
			rec = strip(line, f)
			sub(/^ /, "", rec)
			next
		}
	if (cur != "" && pending == "" && line ~ /^[ \t]/) {
		rec = rec "\\n" strip(line, cur)
		next
	}
	flush()
	pending = pending (pending == "" ? "" : "\\n") line
}
END {
	flush()
	if (pending != "")
		print pending > global
}
EOF

# validate_all GLOBAL DTB...: one dt-validate -M run over the DTBs (it
# starts slowly), split into DTB.diag and DTB.match, GLOBAL what names none
validate_all() {
	local global=$1 d
	shift
	: >"$global"
	for d; do
		: >"$d.diag"
		: >"$d.match"
	done
	dt-validate -M -s "$tmp/schema.json" "$@" >"$tmp/validate.log" 2>&1
	printf '%s\n' "$@" |
		awk -v global="$global" -f "$tmp/split.awk" - "$tmp/validate.log"
}

# validate NAME DTB ID: queues a check that the DTB is clean and a node
# matched schema ID; flush_validate runs the queue, one dt-validate run
vqueue=()
validate() {
	vqueue+=("$1|$2|$3")
}

flush_validate() {
	local q name dtb id dtbs=()

	[ ${#vqueue[@]} -gt 0 ] || return 0
	for q in "${vqueue[@]}"; do
		IFS='|' read -r name dtb id <<<"$q"
		dtbs+=("$dtb")
	done
	validate_all "$tmp/global.log" "${dtbs[@]}"
	for q in "${vqueue[@]}"; do
		IFS='|' read -r name dtb id <<<"$q"
		cat "$tmp/global.log" >"$tmp/log"
		sed 's/\\n/\n/g' "$dtb.diag" >>"$tmp/log"
		if ! grep -qF "$id" "$dtb.match"; then
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
	done
	vqueue=()
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
		exdtb=$tmp/ex-${bname%.yaml}-$i.dtb
		cp "$tmp/ex.dtb" "$exdtb"
		for ((j = 0; j < examples; j++)); do
			[ $j = $i ] || fdtput -r "$exdtb" "/example-$j"
		done
		validate "$name" "$exdtb" "$schema_id"
	done
done

flush_validate

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

declare -A overlay_binding=()
for f in "$top"/dts/*.dtso; do
	[ -e "$f" ] || continue
	b=$(basename "$f" .dtso)
	case $b in
	qemu-virt-*|rs485-bus-*) base=qemu-virt ;;
	rpi-free-uart0) base= ;;	# no camera: applied below
	rpi-*) base=rpi ;;
	*) base= ;;
	esac
	vname="overlay: $b.dtso node validates on a $base base tree"
	binding=$(binding_of "$f")
	overlay_binding[$b]=$binding

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
flush_validate

# --- the Raspberry Pi overlays on the kernel's Raspberry Pi trees -----------

# NAME BOARD FILE: the trees of the kernel source, arm64 first (most of
# those include arch/arm's), else arch/arm's
rpi_boards=(
	"pi3b bcm2837-rpi-3-b"
	"pi4b bcm2711-rpi-4-b"
	"pi5 bcm2712-rpi-5-b"
	"zero2w bcm2837-rpi-zero-2-w"
)
# why a board may lack the UART the overlays want, for the SKIP line
declare -A rpi_why=(
	[pi5]="its header UART on GPIO14/15 is in RP1, which this tree does not describe"
)
# dtc as the kernel's scripts/Makefile.dtbs runs it for a base DTB (-@),
# quiet: its warnings (Debian's dtc 1.6 on the kernel's trees) are not
# sercam's
dtc_dtb_flags=(-b 0 -Wno-unique_unit_address -Wno-unit_address_vs_reg
	       -Wno-avoid_unnecessary_addr_size -Wno-alias_paths
	       -Wno-graph_child_address -Wno-simple_bus_reg -@)
kinc=$ksrc/scripts/dtc/include-prefixes

# awk -v uart=PATH -v added="NAME..." -f notes.awk: what would still keep
# the devices an overlay added to node uart from working: another enabled
# device muxing one of the UART's pins, more than one enabled device on
# the UART (serdev adds the first one only). Reads the merged tree as dts
# (dtc -O dts); pins of brcm,pins and of generic pinconf ("gpioN") groups.
cat >"$tmp/notes.awk" <<'EOF'
function hex2dec(h,   i, d) {
	d = 0
	h = tolower(substr(h, 3))
	for (i = 1; i <= length(h); i++)
		d = d * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return d
}
function cells(v) {
	sub(/^[^<]*</, "", v)
	sub(/>.*$/, "", v)
	return v
}
function parent(p) {
	sub(/\/[^\/]*$/, "", p)
	return p == "" ? "/" : p
}
function enabled(p) {
	for (;;) {
		if ((p in status) && status[p] != "okay" && status[p] != "ok")
			return 0
		if (p == "/")
			return 1
		p = parent(p)
	}
}
function base(p) {
	sub(/.*\//, "", p)
	return p
}
/^[ \t]*[^ \t=]+ \{$/ {
	path = depth == 0 ? "/" : (stack[depth] == "/" ? "" : stack[depth]) "/" $1
	stack[++depth] = path
	order[++nodes] = path
	next
}
/^[ \t]*\};$/ { depth--; next }
depth > 0 && / = / {
	p = stack[depth]
	prop = $1
	val = $0
	sub(/^[^=]*= /, "", val)
	sub(/;$/, "", val)
	if (prop == "status") {
		gsub(/"/, "", val)
		status[p] = val
	} else if (prop == "phandle") {
		byph[cells(val)] = p
	} else if (prop == "pinctrl-0") {
		pinctrl[p] = cells(val)
	} else if (prop == "brcm,pins") {
		n = split(cells(val), a, " ")
		for (i = 1; i <= n; i++)
			pins[p] = pins[p] " " hex2dec(a[i])
	} else if (prop == "pins") {
		gsub(/"/, "", val)
		n = split(val, a, /\\0/)
		for (i = 1; i <= n; i++)
			if (a[i] ~ /^gpio[0-9]+$/)
				pins[parent(p)] = pins[parent(p)] " " substr(a[i], 5)
	} else if (prop == "compatible") {
		sub(/\\0.*/, "", val)
		gsub(/"/, "", val)
		compat[p] = val
	} else if (p == "/chosen" && prop == "stdout-path") {
		gsub(/"/, "", val)
		sub(/:.*/, "", val)
		stdout = val
	} else if (p == "/aliases") {
		gsub(/"/, "", val)
		alias[prop] = val
	}
}
END {
	if (stdout in alias)
		stdout = alias[stdout]
	n = split(pinctrl[uart], phs, " ")
	for (i = 1; i <= n; i++) {
		m = split(pins[byph[phs[i]]], ps, " ")
		for (j = 1; j <= m; j++)
			upin[ps[j]] = 1
	}
	for (k = 1; k <= nodes; k++) {
		p = order[k]
		if (p == uart || !(p in pinctrl) || !enabled(p))
			continue
		n = split(pinctrl[p], phs, " ")
		for (i = 1; i <= n; i++) {
			m = split(pins[byph[phs[i]]], ps, " ")
			hit = ""
			for (j = 1; j <= m; j++)
				if (ps[j] in upin)
					hit = hit (hit == "" ? "" : ",") ps[j]
			if (hit == "")
				continue
			printf "%s%s%s also muxes GPIO %s (pinctrl-0 %s): the pins go to the driver that probes first, the other one fails\n",
			       p, (p in compat) ? " (" compat[p] ")" : "",
			       p == stdout ? ", the stdout-path console," : "",
			       hit, base(byph[phs[i]])
		}
	}
	ndev = 0
	for (k = 1; k <= nodes; k++) {
		p = order[k]
		if (parent(p) != uart || !(p in compat) || !enabled(p))
			continue
		# the overlay's own nodes by name: one note for all overlays
		devs = devs (ndev++ ? ", " : "") base(p) \
		       (index(" " added " ", " " base(p) " ") ? "" : " (" compat[p] ")")
	}
	if (ndev > 1)
		printf "%s has %d enabled devices, in this order: %s; serdev adds the first one only, the others fail with -EBUSY\n",
		       uart, ndev, devs
}
EOF

rpi_overlays=()
for f in "$top"/dts/rpi-*.dtso; do
	[ "$f" != "$top/dts/rpi-free-uart0.dtso" ] || continue
	[ -e "$f" ] && rpi_overlays+=("$(basename "$f" .dtso)")
done
# the overlay retargeted to a board's other UARTs
retarget=rpi-sercam
[ -e "$top/dts/$retarget.dtso" ] || retarget=${rpi_overlays[0]:-}

# what each overlay needs of a board tree, once per overlay DTBO:
# "LABEL..." the labels it refers to, TARGET the label of the node its
# first fragment targets, and the names of the nodes it adds there
declare -A ov_labels=() ov_target=() ov_added=()
overlay_facts() {
	local dtbo=$1 key=$2 l frag
	ov_labels[$key]=$(fdtget -p "$dtbo" /__fixups__ 2>/dev/null | tr '\n' ' ')
	ov_target[$key]=
	ov_added[$key]=
	for l in ${ov_labels[$key]}; do
		case " $(fdtget "$dtbo" /__fixups__ "$l") " in
		*" /fragment@"*":target:"*)
			[ -z "${ov_target[$key]}" ] || continue
			frag=$(fdtget "$dtbo" /__fixups__ "$l" | tr ' ' '\n' | grep ':target:' | head -1)
			frag=${frag%%:*}
			ov_target[$key]=$l
			ov_added[$key]=$(fdtget -l "$dtbo" "$frag/__overlay__" | tr '\n' ' ')
			;;
		esac
	done
}

# uart1 and Bluetooth off, for the kernel's Pi 3, Pi 4 and Zero 2 W trees
dtc -q -@ -I dts -O dtb -o "$tmp/rpi-free-uart0.dtbo" "$top/dts/rpi-free-uart0.dtso"

# Each board tree compiled once; the items to validate queued, to run
# dt-validate once over all of them (it starts slowly).
queue=()
dtbs=()
declare -A board_dtb=()
for entry in "${rpi_boards[@]}"; do
	read -r bn bf <<<"$entry"
	src=$ksrc/arch/arm64/boot/dts/broadcom/$bf.dts
	[ -f "$src" ] || src=$ksrc/arch/arm/boot/dts/broadcom/$bf.dts
	if [ ! -f "$src" ]; then
		skip "rpi board: $bf.dts compiles with dtc -@" "no $bf.dts in arch/arm*/boot/dts/broadcom of $ksrc"
		for b in "${rpi_overlays[@]}"; do
			skip "overlay: $b.dtso on $bf.dts validates" "no $bf.dts in this kernel tree"
		done
		continue
	fi
	dtb=$tmp/rpi-$bn.dtb
	if cpp -nostdinc -I "$kinc" -undef -D__DTS__ -x assembler-with-cpp \
	       -o "$tmp/rpi-$bn.pp.dts" "$src" >"$tmp/log" 2>&1 &&
	   dtc -q -I dts -O dtb "${dtc_dtb_flags[@]}" -i "$(dirname "$src")" \
	       -i "$kinc" -o "$dtb" "$tmp/rpi-$bn.pp.dts" >>"$tmp/log" 2>&1; then
		result ok "rpi board: $bf.dts compiles with dtc -@"
	else
		result "not ok" "rpi board: $bf.dts compiles with dtc -@" "$tmp/log"
		for b in "${rpi_overlays[@]}"; do
			result "not ok" "overlay: $b.dtso on $bf.dts validates"
		done
		continue
	fi
	board_dtb[$bn]=$dtb
	dtbs+=("$dtb")
	symbols=" $(fdtget -p "$dtb" /__symbols__ | tr '\n' ' ')"

	items=()
	for b in "${rpi_overlays[@]}"; do
		items+=("$b $b")
	done
	# the board's other UARTs with a pin group, for one overlay: uart2..5
	# of the Pi 4, at GPIO 0, 4, 8 and 12
	if [ -n "$retarget" ]; then
		for g in $(tr ' ' '\n' <<<"$symbols" | grep -E '^uart[0-9]+_gpio[0-9]+$' |
			   grep -vE '^uart[01]_' | sort -V); do
			items+=("$retarget-${g%%_*} $retarget ${g%%_*} $g")
		done
	fi

	for item in "${items[@]}"; do
		read -r iname b u g <<<"$item"
		dtbo=$tmp/$b.dtbo
		if [ -n "${u:-}" ]; then
			vname="overlay: $b.dtso retargeted to $u ($g) on $bf.dts validates"
			sed -e "s/&uart0_gpio14>/\&$g>/; s/&uart0>/\&$u>/" \
			    "$top/dts/$b.dtso" >"$tmp/$iname.dtso"
			dtbo=$tmp/$iname.dtbo
			if ! dtc -q -@ -I dts -O dtb -o "$dtbo" "$tmp/$iname.dtso" >"$tmp/log" 2>&1; then
				result "not ok" "$vname" "$tmp/log"
				continue
			fi
		else
			vname="overlay: $b.dtso on $bf.dts validates"
		fi
		if [ ! -f "$dtbo" ]; then
			echo "$b.dtso did not compile" >"$tmp/log"
			result "not ok" "$vname" "$tmp/log"
			continue
		fi
		binding=${overlay_binding[$b]:-}
		if [ -z "$binding" ]; then
			echo "no binding in Documentation/devicetree/bindings/media has its compatible" >"$tmp/log"
			result "not ok" "$vname" "$tmp/log"
			continue
		fi
		[ -n "${ov_target[$iname]+set}" ] || overlay_facts "$dtbo" "$iname"
		target=${ov_target[$iname]}
		lack=
		for l in ${ov_labels[$iname]}; do
			case $symbols in
			*" $l "*) ;;
			*) lack="$lack${lack:+, }$l" ;;
			esac
		done
		if [ -n "$lack" ]; then
			has=$(tr ' ' '\n' <<<"$symbols" | grep -E '^uart[0-9]+$' | paste -sd, - | sed 's/,/, /g')
			why="$bf.dts has no label $lack (its UARTs: ${has:-none})"
			[ -z "${rpi_why[$bn]:-}" ] || why="$why: ${rpi_why[$bn]}"
			skip "$vname" "$why"
			continue
		fi
		if [ -z "$target" ]; then
			echo "$b.dtso targets no label" >"$tmp/log"
			result "not ok" "$vname" "$tmp/log"
			continue
		fi
		merged=$tmp/rpi-$bn-$iname.dtb
		if ! fdtoverlay -i "$dtb" -o "$merged" "$dtbo" >"$tmp/log" 2>&1; then
			result "not ok" "$vname" "$tmp/log"
			continue
		fi
		uart=$(fdtget "$dtb" /__symbols__ "$target")
		added=${ov_added[$iname]}
		bname=${binding##*/}
		queue+=("$bn|$bf|$merged|$uart|$added|schemas/media/${bname%.yaml}.yaml#|$vname")
		dtbs+=("$merged")
	done

	# The remedy Documentation/sercam.rst gives for the upstream trees
	# of the boards whose uart0 has Bluetooth and whose console, uart1,
	# is on GPIO14/15: with both disabled nothing else uses uart0 or its
	# pins.
	fname="overlay: $retarget.dtso with uart1 and bt disabled on $bf.dts: the camera alone on uart0 and its pins"
	if [[ $symbols == *" uart0 "* && $symbols == *" uart1 "* &&
	      $symbols == *" bt "* ]]; then
		merged=$tmp/rpi-$bn-free.dtb
		if [ -f "$tmp/$retarget.dtbo" ] &&
		   fdtoverlay -i "$dtb" -o "$merged" "$tmp/$retarget.dtbo" \
			      "$tmp/rpi-free-uart0.dtbo" >"$tmp/log" 2>&1; then
			dtc -q -I dtb -O dts "$merged" |
				awk -v uart="$(fdtget "$dtb" /__symbols__ uart0)" \
				    -f "$tmp/notes.awk" >"$tmp/log"
			if [ -s "$tmp/log" ]; then
				result "not ok" "$fname" "$tmp/log"
			else
				result ok "$fname"
			fi
		else
			result "not ok" "$fname" "$tmp/log"
		fi
	else
		skip "$fname" "$bf.dts has no uart0 with Bluetooth (label bt) and uart1"
	fi
done

# one dt-validate run over the board trees and every merged tree
[ ${#queue[@]} -eq 0 ] || validate_all "$tmp/rpi-global.log" "${dtbs[@]}"
declare -A noted=()
for q in "${queue[@]}"; do
	IFS='|' read -r bn bf merged uart added id vname <<<"$q"
	dtb=${board_dtb[$bn]}
	: >"$tmp/log"
	if [ -s "$tmp/rpi-global.log" ]; then
		cat "$tmp/rpi-global.log" >>"$tmp/log"
	fi
	for c in $added; do
		grep -q "^$uart/$c: matched on schema(s)\\\\n.*$id" "$merged.match" ||
			echo "$uart/$c matched no $id" >>"$tmp/log"
	done
	[ -n "$added" ] || echo "the overlay added no node to $uart" >>"$tmp/log"
	# diagnostics the board tree alone does not have
	grep -vxFf "$dtb.diag" "$merged.diag" | sed 's/\\n/\n/g' >>"$tmp/log"
	if [ -s "$tmp/log" ]; then
		[ -s "$tmp/mk.log" ] && cat "$tmp/mk.log" >>"$tmp/log"
		result "not ok" "$vname" "$tmp/log"
	else
		result ok "$vname"
	fi
	# per board, each note once
	if [ -z "${noted[$bn]:-}" ]; then
		echo "# $bf.dts alone: $(wc -l <"$dtb.diag") diagnostics of dt-schema's core schemas, not counted"
		noted[$bn]=$'\n'
	fi
	while IFS= read -r note; do
		case ${noted[$bn]} in
		*$'\n'"$note"$'\n'*) continue ;;
		esac
		noted[$bn]+="$note"$'\n'
		echo "# $bf.dts: $note"
	done < <(dtc -q -I dtb -O dts "$merged" |
		 awk -v uart="$uart" -v added="$added" -f "$tmp/notes.awk")
done

finish
