/* mix.h — a spread of 64-bit fingerprints for the tests of the audit's
 * sets (test_htab.c, test_fpbag.c): splitmix64 of X, never 0. */
#ifndef CANVASS_TEST_MIX_H
#define CANVASS_TEST_MIX_H
#include <stdint.h>

static inline uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    x ^= x >> 31;
    return x ? x : 1;
}
#endif
