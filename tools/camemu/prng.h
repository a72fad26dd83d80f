/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_PRNG_H
#define CAMEMU_PRNG_H

#include <stdint.h>

/* xorshift64* seeded through splitmix64: small, fast, repeatable. */
struct prng {
	uint64_t s;
};

void prng_seed(struct prng *p, uint64_t seed);
uint64_t prng_next(struct prng *p);
/* Uniform in [0, n); n > 0. */
uint32_t prng_below(struct prng *p, uint32_t n);
/* Uniform in [0, 1). */
double prng_unit(struct prng *p);

#endif
