// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: parsing "kind args... [addr=A] [op=OP]" specs (command
 * line and control channel share the syntax), and looking faults up.
 */
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "omvp.h"
#include "pixy.h"
#include "stream.h"
#include "ucam.h"
#include "util.h"

const char *const fault_names[F_NKINDS] = {
	[F_BYTEFLIP] = "byteflip",	[F_DROP] = "drop",
	[F_GARBAGE] = "garbage",	[F_RXFLIP] = "rxflip",
	[F_TRUNCATE] = "truncate",	[F_BADCRC] = "badcrc",
	[F_STATUS] = "status",		[F_STALL] = "stall",
	[F_UNPLUG] = "unplug",		[F_PLUG] = "plug",
	[F_POWERCYCLE] = "powercycle",	[F_HUGELEN] = "hugelen",
	[F_HUGESIZE] = "hugesize",	[F_WRONGADDR] = "wrongaddr",
	[F_DUP] = "dup",		[F_REORDER] = "reorder",
	[F_EBHEADER] = "ebheader",	[F_NOSTATUS] = "nostatus",
	[F_JUNK] = "junk",		[F_BADMARKER] = "badmarker",
	[F_NAK] = "nak",		[F_DROPPKG] = "droppkg",
	[F_TWINFLIP] = "twinflip",
	[F_BADHCRC] = "badhcrc",	[F_BADDCRC] = "baddcrc",
	[F_DROPPKT] = "droppkt",	[F_RESET] = "reset",
	[F_OVERFLOW] = "overflow",
	[F_BADSUM] = "badsum",		[F_SLIP] = "slip",
};

static const char *family(const struct bus *b)
{
	if (b->uc)
		return b->uc->ops->family;
	return b->pixy ? "pixy" : b->omvp ? "omvp" : b->stream ? "stream" : b->ov ? "OV528" :
	       "sxh485";
}

bool fault_kind_ok(const struct bus *b, enum fault_kind k)
{
	if (b->pixy) {
		switch (k) {
		case F_BYTEFLIP: case F_DROP: case F_GARBAGE: case F_RXFLIP:
		case F_STALL: case F_UNPLUG: case F_PLUG: case F_BADSUM:
		case F_SLIP:
			return true;
		default:
			return false;
		}
	}
	if (b->uc) {
		switch (k) {
		case F_BYTEFLIP: case F_DROP: case F_GARBAGE: case F_RXFLIP:
		case F_TRUNCATE: case F_STALL: case F_UNPLUG: case F_PLUG:
		case F_POWERCYCLE: case F_RESET:
			return true;
		default:
			return false;
		}
	}
	if (b->omvp) {
		switch (k) {
		case F_BYTEFLIP: case F_DROP: case F_GARBAGE: case F_RXFLIP:
		case F_TRUNCATE: case F_STALL: case F_UNPLUG: case F_PLUG:
		case F_POWERCYCLE: case F_DUP: case F_BADHCRC: case F_BADDCRC:
		case F_DROPPKT: case F_NAK: case F_RESET: case F_OVERFLOW:
			return true;
		default:
			return false;
		}
	}
	if (b->ov) {
		switch (k) {
		case F_STATUS:
		case F_HUGELEN:
		case F_EBHEADER:
		case F_NOSTATUS:
		case F_JUNK:
		case F_BADMARKER:
		case F_BADHCRC:
		case F_BADDCRC:
		case F_DROPPKT:
		case F_RESET:
		case F_OVERFLOW:
		case F_BADSUM:
		case F_SLIP:
			return false;
		default:
			return true;
		}
	}
	if (!b->stream)
		return k <= F_NOSTATUS;
	switch (k) {
	case F_BYTEFLIP:
	case F_DROP:
	case F_GARBAGE:
	case F_JUNK:
	case F_TRUNCATE:
	case F_HUGELEN:
	case F_BADMARKER:
	case F_STALL:
	case F_UNPLUG:
	case F_PLUG:
		return true;
	default:
		return false;
	}
}

static bool is_prob(enum fault_kind k)
{
	return k == F_BYTEFLIP || k == F_DROP || k == F_GARBAGE ||
	       k == F_RXFLIP;
}

static bool is_toggle(enum fault_kind k)
{
	return k == F_EBHEADER || k == F_NOSTATUS;
}

struct fault *fault_find(struct bus *b, const struct camera *c,
			 enum fault_kind kind)
{
	for (int i = 0; i < b->nfaults; i++) {
		struct fault *f = &b->faults[i];

		if (f->kind != kind || (f->addr && c && f->addr != c->addr))
			continue;
		return f;
	}
	return NULL;
}

struct fault *fault_find_op(struct bus *b, enum fault_kind kind, uint8_t op)
{
	struct fault *any = NULL;

	for (int i = 0; i < b->nfaults; i++) {
		struct fault *f = &b->faults[i];

		if (f->kind != kind)
			continue;
		if (f->op_set && f->op == op)
			return f;
		if (!f->op_set && !any)
			any = f;
	}
	return any;
}

static void fault_remove(struct bus *b, struct fault *f)
{
	int i = (int)(f - b->faults);

	memmove(&b->faults[i], &b->faults[i + 1],
		sizeof(*f) * (size_t)(b->nfaults - i - 1));
	b->nfaults--;
}

void fault_use(struct bus *b, struct fault *f)
{
	if (f->count > 1)
		f->count--;
	else
		fault_remove(b, f);
}

void fault_clear(struct bus *b)
{
	b->nfaults = 0;
}

void fault_describe(const struct fault *f, char *buf, size_t len)
{
	int n;

	if (is_prob(f->kind))
		n = snprintf(buf, len, "%s %g", fault_names[f->kind], f->p);
	else if (is_toggle(f->kind))
		n = snprintf(buf, len, "%s 1", fault_names[f->kind]);
	else if (f->kind == F_STALL)
		n = snprintf(buf, len, "stall %u %u", f->value, f->count);
	else if (f->kind == F_SLIP && f->value_set)
		n = snprintf(buf, len, "slip %u %s", f->count,
			     f->value == 1 ? "drop" : "insert");
	else if (f->kind == F_JUNK && f->value_set)
		n = snprintf(buf, len, "junk %u %u", f->count, f->value);
	else if (f->value_set)
		n = snprintf(buf, len, "%s %u 0x%x", fault_names[f->kind],
			     f->count, f->value);
	else
		n = snprintf(buf, len, "%s %u", fault_names[f->kind],
			     f->count);
	if (f->op_set && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " op=0x%02x", f->op);
	if (f->addr && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " addr=%u", f->addr);
}

static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	return parse_ulong(s, 0, max, v);
}

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int do_power(struct bus *b, enum fault_kind k, unsigned int addr,
		    uint32_t rate, char *err, size_t errlen)
{
	int n = 0;

	for (int i = 0; i < b->ncam; i++) {
		struct camera *c = &b->cam[i];

		if (addr && c->addr != addr)
			continue;
		n++;
		b->fstat[k]++;
		if (k == F_UNPLUG) {
			bus_unplug(b, c);
		} else if (k == F_PLUG) {
			bus_plug(b, c);
		} else {
			if (rate)
				c->saved_rate = rate;
			bus_powercycle(b, c);
		}
	}
	if (!n)
		ERR("no camera with address %u", addr);
	return 0;
}

int fault_apply_spec(struct bus *b, const char *spec, char *err,
		     size_t errlen)
{
	char *copy = xstrdup(spec), *w[8], *args[8];
	int nw = split_words(copy, w, 8), na = 0, k, r = -1;
	unsigned long addr = 0, rate = 0, op = 0, v;
	bool op_set = false;
	struct fault f = { 0 };

	if (!nw) {
		snprintf(err, errlen, "empty fault spec");
		goto out;
	}
	for (int i = 1; i < nw; i++) {
		if (!strncmp(w[i], "addr=", 5)) {
			if (parse_num(w[i] + 5, 255, &addr) || !addr) {
				snprintf(err, errlen, "bad address");
				goto out;
			}
		} else if (!strncmp(w[i], "rate=", 5)) {
			if (parse_num(w[i] + 5, MAX_RATE, &rate) ||
			    rate < 300) {
				snprintf(err, errlen, "bad rate");
				goto out;
			}
		} else if (!strncmp(w[i], "op=", 3)) {
			/* an opcode is hex, as the protocol page writes them */
			if (parse_ulong(w[i] + 3, 16, 0xff, &op)) {
				snprintf(err, errlen, "bad opcode");
				goto out;
			}
			op_set = true;
		} else {
			args[na++] = w[i];
		}
	}
	if (!strcmp(w[0], "clear")) {
		fault_clear(b);
		r = 0;
		goto out;
	}
	for (k = 0; k < F_NKINDS; k++)
		if (!strcmp(w[0], fault_names[k]))
			break;
	if (k == F_NKINDS ||
	    (!b->stream && !b->ov && !b->omvp && !b->pixy && !b->uc &&
	     !fault_kind_ok(b, k))) {
		snprintf(err, errlen, "unknown fault '%s'", w[0]);
		goto out;
	}
	if (!fault_kind_ok(b, k)) {
		snprintf(err, errlen, "fault '%s' does not apply to the %s camera",
			 w[0], family(b));
		goto out;
	}
	if ((b->stream || b->omvp || b->pixy || b->uc) && addr) {
		snprintf(err, errlen, "the %s camera has no address", family(b));
		goto out;
	}
	if (addr && !bus_cam_by_addr(b, (unsigned int)addr)) {
		snprintf(err, errlen, "no camera with address %lu", addr);
		goto out;
	}
	if (rate && (k != F_POWERCYCLE || b->ov || b->omvp || b->pixy || b->uc)) {
		snprintf(err, errlen, b->ov ? "an OV528 camera has no saved rate" :
			 b->omvp ? "the omvp camera has no saved rate" :
			 "rate= only goes with powercycle");
		goto out;
	}
	if (op_set && (k != F_NAK || !b->omvp)) {
		snprintf(err, errlen, "op= only goes with nak on the omvp camera");
		goto out;
	}
	if (op_set && !omvp_nak_op_ok((uint8_t)op)) {
		snprintf(err, errlen,
			 "op=%02lx is not a request opcode (hex: 01-04, 10-12, 14, 20-28)",
			 op);
		goto out;
	}
	f.kind = (enum fault_kind)k;
	f.addr = (unsigned int)addr;
	f.op_set = op_set;
	f.op = (uint8_t)op;
	f.count = 1;
	switch (f.kind) {
	case F_UNPLUG:
	case F_PLUG:
	case F_POWERCYCLE:
	case F_RESET:
		if (b->uc) {
			if (na) {
				snprintf(err, errlen, "%s takes no argument",
					 w[0]);
				goto out;
			}
			b->fstat[f.kind]++;
			if (f.kind == F_UNPLUG)
				ucam_unplug(b);
			else if (f.kind == F_PLUG)
				ucam_plug(b);
			else
				ucam_restart(b, false);
			r = 0;
			goto out;
		}
		if (b->stream || b->omvp || b->pixy) {
			bool silent = f.kind == F_RESET && na == 1 &&
				      !strcmp(args[0], "silent");

			if (na && !silent) {
				snprintf(err, errlen, f.kind == F_RESET ?
					 "reset [silent]" :
					 "the %s camera has no address",
					 family(b));
				goto out;
			}
			b->fstat[f.kind]++;
			if (b->pixy && f.kind == F_UNPLUG)
				pixy_unplug(b);
			else if (b->pixy)
				pixy_plug(b);
			else if (f.kind == F_UNPLUG && b->stream)
				stream_unplug(b);
			else if (f.kind == F_UNPLUG)
				omvp_unplug(b);
			else if (f.kind == F_PLUG && b->stream)
				stream_plug(b);
			else if (f.kind == F_PLUG)
				omvp_plug(b);
			else if (f.kind == F_POWERCYCLE)
				omvp_powercycle(b);
			else
				omvp_soft_reboot(b, silent);
			r = 0;
			goto out;
		}
		if (na > 1) {
			snprintf(err, errlen, "too many arguments");
			goto out;
		}
		if (na == 1 && (parse_num(args[0], 254, &addr) || !addr)) {
			snprintf(err, errlen, "bad address");
			goto out;
		}
		r = do_power(b, f.kind, (unsigned int)addr, (uint32_t)rate,
			     err, errlen);
		goto out;
	case F_BYTEFLIP:
	case F_DROP:
	case F_GARBAGE:
	case F_RXFLIP: {
		char *end;

		if (na != 1) {
			snprintf(err, errlen, "%s needs a probability",
				 w[0]);
			goto out;
		}
		f.p = strtod(args[0], &end);
		if (*end || end == args[0] || !(f.p >= 0 && f.p <= 1)) {
			snprintf(err, errlen, "probability must be 0..1");
			goto out;
		}
		break;
	}
	case F_EBHEADER:
	case F_NOSTATUS:
		if (na > 1 || (na == 1 && parse_num(args[0], 1, &v))) {
			snprintf(err, errlen, "%s takes 0 or 1", w[0]);
			goto out;
		}
		f.p = na ? (double)v : 1;
		break;
	case F_STALL:
		if (na < 1 || na > 2 || parse_num(args[0], 600000, &v)) {
			snprintf(err, errlen, "stall MS [N]");
			goto out;
		}
		f.value = (uint32_t)v;
		f.value_set = true;
		if (na == 2) {
			if (parse_num(args[1], 1000000000, &v)) {
				snprintf(err, errlen, "bad count");
				goto out;
			}
			f.count = (uint32_t)v;
		}
		break;
	case F_SLIP:
		/* slip [N] [drop|insert] */
		if (na > 2 || (na == 2 && strcmp(args[1], "drop") &&
			       strcmp(args[1], "insert"))) {
			snprintf(err, errlen, "slip [N] [drop|insert]");
			goto out;
		}
		if (na >= 1) {
			if (parse_num(args[0], 1000000000, &v)) {
				snprintf(err, errlen, "bad count");
				goto out;
			}
			f.count = (uint32_t)v;
		}
		if (na == 2) {
			f.value = args[1][0] == 'd' ? 1 : 2;
			f.value_set = true;
		}
		break;
	default:
		/* "next N replies" kinds, some with a value */
		if (na > 2 || (na == 2 && f.kind != F_STATUS &&
			       f.kind != F_HUGELEN && f.kind != F_HUGESIZE &&
			       f.kind != F_JUNK && f.kind != F_NAK &&
			       f.kind != F_TWINFLIP)) {
			snprintf(err, errlen, "too many arguments");
			goto out;
		}
		if (na >= 1) {
			if (parse_num(args[0], 1000000000, &v)) {
				snprintf(err, errlen, "bad count");
				goto out;
			}
			f.count = (uint32_t)v;
		}
		if (na == 2) {
			unsigned long max = f.kind == F_STATUS ? 0xff :
					    f.kind == F_NAK && b->omvp ? 0xffff :
					    f.kind == F_NAK ? 0xff :
					    f.kind == F_TWINFLIP ? 1 :
					    f.kind == F_JUNK ? JUNK_MAX :
					    0xffffffffUL;

			/* an OV528 NAK code is hex, as ov528.md writes them */
			if (parse_ulong(args[1], f.kind == F_NAK && b->ov ? 16 : 0,
					max, &v) ||
			    (f.kind == F_JUNK && !v)) {
				snprintf(err, errlen, "bad value");
				goto out;
			}
			f.value = (uint32_t)v;
			f.value_set = true;
		}
		break;
	}
	/* a new spec of the same kind and scope replaces the old one */
	for (int i = 0; i < b->nfaults; i++)
		if (b->faults[i].kind == f.kind &&
		    b->faults[i].addr == f.addr &&
		    b->faults[i].op_set == f.op_set &&
		    b->faults[i].op == f.op) {
			fault_remove(b, &b->faults[i]);
			break;
		}
	if ((is_prob(f.kind) || is_toggle(f.kind)) ? f.p > 0 : f.count > 0) {
		if (b->nfaults == MAX_FAULTS) {
			snprintf(err, errlen, "too many faults");
			goto out;
		}
		b->faults[b->nfaults++] = f;
	}
	r = 0;
out:
	free(copy);
	return r;
}
