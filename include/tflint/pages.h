/*
 * Large buffers (the bytes of a big file, the arena's biggest blocks)
 * backed by huge pages where the system offers them. A 59 MB Dockerfile
 * otherwise costs some 80,000 page faults, a quarter of its run; with
 * 2 MiB pages the kernel takes one fault where it took 512.
 */
#ifndef TFLINT_PAGES_H
#define TFLINT_PAGES_H

#include <stddef.h>

/* Sizes from which tfl_pages_alloc() asks for huge pages. */
#define TFL_HUGE_PAGE ((size_t)2 << 20)

/*
 * malloc(n), except that a buffer of TFL_HUGE_PAGE bytes or more starts
 * on a huge-page boundary and is advised to use huge pages (on Linux;
 * elsewhere, or when the advice is refused, it is ordinary memory).
 * Release it with free(); NULL when memory runs out.
 */
void *tfl_pages_alloc(size_t n);

/*
 * Advise the pages that hold the `n` bytes at `p` (from malloc or
 * realloc) to be huge, where the kernel can: for an array grown by
 * realloc(), whose pages are touched as it fills. Pages already touched
 * keep their size; nothing happens below 2 * TFL_HUGE_PAGE, where a last
 * huge page filled only in part could cost more than the faults it saves.
 */
void tfl_pages_advise(void *p, size_t n);

#endif
