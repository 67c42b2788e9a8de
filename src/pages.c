/*
 * Huge-page buffers: see include/tflint/pages.h. The advice is only a
 * hint: transparent huge pages set to "never" or a kernel without them
 * leave ordinary pages, which is correct, only slower.
 */
/* MADV_HUGEPAGE is outside POSIX. */
#define _DEFAULT_SOURCE 1

#include "tflint/pages.h"

#include <stdint.h>
#include <stdlib.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

void *tfl_pages_alloc(size_t n)
{
    void *p;

    if (n < TFL_HUGE_PAGE)
        return malloc(n);
    if (posix_memalign(&p, TFL_HUGE_PAGE, n) != 0)
        return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    /* Whole huge pages only: the tail past the last boundary keeps
     * ordinary pages, so a buffer never costs more than it asks for. */
    (void)madvise(p, n & ~(TFL_HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    return p;
}

void tfl_pages_advise(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    /* The whole pages around the buffer: a large block of malloc() is a
     * mapping of its own, and advice on a part of it would split it, so
     * that realloc() could no longer grow it by remapping. */
    uintptr_t from = (uintptr_t)p & ~(uintptr_t)4095;
    uintptr_t to = ((uintptr_t)p + n + 4095) & ~(uintptr_t)4095;

    if (n >= 2 * TFL_HUGE_PAGE)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}
