/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_UTIL_H
#define CAMEMU_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* A growable byte/text buffer. */
struct sbuf {
	char *s;
	size_t len, cap;
};

void sbuf_add(struct sbuf *b, const void *d, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Drop the first n bytes. */
void sbuf_consume(struct sbuf *b, size_t n);
void sbuf_free(struct sbuf *b);

/* Milliseconds (>= 0) to nanoseconds, rounded. */
static inline int64_t ms_ns(double ms)
{
	return (int64_t)(ms * 1e6 + 0.5);
}

/* CLOCK_MONOTONIC in ns. */
int64_t now_ns(void);

/*
 * A whole string as a number in @base (0: C prefixes) up to @max, no sign;
 * 0, or -1 when it is not one.
 */
int parse_ulong(const char *s, int base, unsigned long max, unsigned long *v);
/* Milliseconds 0..600000, fractions allowed; 0, or -1 when not. */
int parse_ms(const char *s, double *ms);

/* Little-endian fields of @n bytes (1..4). */
void put_le(uint8_t *p, uint32_t v, int n);
uint32_t get_le(const uint8_t *p, int n);

/* Split s in place on blanks; returns the number of words (<= max). */
int split_words(char *s, char **w, int max);

#endif
