// SPDX-License-Identifier: GPL-2.0
#include "prng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void prng_seed(struct prng *p, uint64_t seed)
{
	uint64_t x = seed;

	p->s = splitmix64(&x);
	if (!p->s)
		p->s = 0x2545f4914f6cdd1dULL;	/* must not be 0 */
}

uint64_t prng_next(struct prng *p)
{
	uint64_t x = p->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	p->s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

uint32_t prng_below(struct prng *p, uint32_t n)
{
	return (uint32_t)(((prng_next(p) >> 32) * (uint64_t)n) >> 32);
}

double prng_unit(struct prng *p)
{
	return (double)(prng_next(p) >> 11) * (1.0 / 9007199254740992.0);
}
