/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seeded generator of the fuzzer and the stress drivers (splitmix64):
 * the same seed gives the same inputs on every machine.
 */
#ifndef TMON_HELPER_RNG_H
#define TMON_HELPER_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform-ish in [0, @n); 0 when @n is 0. */
static inline uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

#endif
