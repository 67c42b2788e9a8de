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

/* Copy `n` bytes from `s` to `d` as memcpy() would. Messages and report
 * lines are made of short pieces, where the call cost more than the copy:
 * up to 32 bytes go by loads and stores that overlap rather than step
 * past either end. */
static inline void tfl_copy_small(char *d, const char *s, size_t n)
{
    uint64_t a, b, c, e;
    uint32_t x, y;

    if (n > 32) {
        memcpy(d, s, n);
    } else if (n >= 16) {
        a = tfl_load8(s);
        b = tfl_load8(s + 8);
        c = tfl_load8(s + n - 16);
        e = tfl_load8(s + n - 8);
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &c, 8);
        memcpy(d + n - 8, &e, 8);
    } else if (n >= 8) {
        a = tfl_load8(s);
        b = tfl_load8(s + n - 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

#endif
