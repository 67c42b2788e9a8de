/*
 * Tests on eight bytes at once (one uint64_t loaded with memcpy), for the
 * escapers that copy long runs of harmless text: they skip ahead while a
 * whole word needs nothing, and look at single bytes only around the
 * first one that does.
 *
 * Each test answers for the word as a whole. Borrows and carries between
 * bytes start only at a byte that is caught already, so the answer is
 * exact even though single lanes may be wrong above that byte.
 */
#ifndef TFL_BYTES8_H
#define TFL_BYTES8_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define TFL_ONES8 0x0101010101010101ULL
#define TFL_HIGH8 0x8080808080808080ULL

/* The eight bytes at `s` as one word (any alignment). */
static inline uint64_t tfl_load8(const char *s)
{
    uint64_t w;

    memcpy(&w, s, sizeof w);
    return w;
}

/* Is every byte of `w` in 0x20..0x7e? Below 0x20 a byte borrows into its
 * top bit when 0x20 is taken away; above 0x7e it has its top bit set, or
 * gets it when 1 is added. */
static inline bool tfl_all_printable8(uint64_t w)
{
    uint64_t low = (w - 0x20 * TFL_ONES8) & ~w;
    uint64_t high = (w + TFL_ONES8) | w;

    return ((low | high) & TFL_HIGH8) == 0;
}

/* Does `w` hold byte `c`? */
static inline bool tfl_has_byte8(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (c * TFL_ONES8);

    return ((x - TFL_ONES8) & ~x & TFL_HIGH8) != 0;
}

#endif
