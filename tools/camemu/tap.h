/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_TAP_H
#define CAMEMU_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;

/* Minimal TAP 13 producer: one "ok"/"not ok" line per call. */
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A "#" line with the first 40 bytes of @d in hex. */
void tap_hexdiag(const char *what, const uint8_t *d, size_t n);
int tap_done(void);

/* A new directory /tmp/@name.XXXXXX, its path in @dir; false on failure. */
bool test_mkdtemp(char *dir, size_t size, const char *name);
/* Remove @dir and all in it; a "#" line when that fails. */
void test_rmtree(const char *dir);

/* A control line run on @b; its reply ("" if none), valid to the next call. */
char *test_ctl(struct bus *b, const char *line);
/* Apply a fault spec to @b; false, with a "#" line, when it is refused. */
bool test_fault(struct bus *b, const char *spec);

void proc_tests(const char *camemu);
void stream_unit_tests(void);
void ov528_unit_tests(void);
void omvp_unit_tests(void);
void pixy_unit_tests(void);
void vc0706_unit_tests(void);
void asciiu_unit_tests(void);
/* Length of the JPEG at d (a marker walk), 0 if cut short, -1 if none. */
long test_jpeg_walk(const uint8_t *d, size_t n);
int proc_bench(const char *camemu, int runs);

#endif
