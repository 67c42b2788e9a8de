/*
 * The arena's growable arrays: tfl_arena_push_n() against pushes one by
 * one (zeroed slots, the same room, earlier elements kept), and the first
 * room of a heap array, which is small for large elements but 32 whatever
 * the element size once the array passes 16 elements; and an arena
 * emptied with tfl_arena_reset(), which serves again from the block it
 * kept; a large object that leaves the newest block's room to the
 * objects after it; a heap array grown far past the size where it is
 * advised to use huge pages.
 */
#include "support.h"

#include <stdint.h>
#include <stdlib.h>

#include "tflint/arena.h"

static void test_arena_push_n(void **state)
{
    tfl_arena a;
    uint64_t *one = NULL, *many = NULL, *p;
    size_t none = 0, capone = 0, nmany = 0, capmany = 0, i;

    (void)state;
    tfl_arena_init(&a);
    for (i = 0; i < 81; i++) {
        p = tfl_arena_push(&a, (void **)&one, &none, &capone, sizeof *one);
        assert_non_null(p);
        assert_int_equal(*p, 0);
        *p = i + 1;
    }
    p = tfl_arena_push_n(&a, (void **)&many, &nmany, &capmany, sizeof *many,
                         81);
    assert_non_null(p);
    assert_ptr_equal(p, many);
    assert_int_equal(nmany, 81);
    assert_int_equal(capmany, capone);
    for (i = 0; i < 81; i++) {
        assert_int_equal(many[i], 0);
        many[i] = i + 1;
    }
    /* More after a bulk push, and a bulk push after single ones. */
    p = tfl_arena_push(&a, (void **)&many, &nmany, &capmany, sizeof *many);
    assert_non_null(p);
    assert_int_equal(*p, 0);
    p = tfl_arena_push_n(&a, (void **)&one, &none, &capone, sizeof *one, 300);
    assert_non_null(p);
    assert_ptr_equal(p, one + 81);
    assert_int_equal(none, 381);
    assert_true(capone >= 381);
    for (i = 0; i < 81; i++) {
        assert_int_equal(one[i], i + 1);
        assert_int_equal(many[i], i + 1);
    }
    for (i = 81; i < 381; i++)
        assert_int_equal(one[i], 0);
    tfl_arena_free(&a);
}

static void test_heap_first_room(void **state)
{
    char *small = NULL, *large = NULL;
    size_t nsmall = 0, capsmall = 0, nlarge = 0, caplarge = 0, i;

    (void)state;
    /* Small elements: 16 at first. */
    assert_non_null(tfl_heap_slot((void **)&small, &nsmall, &capsmall, 8));
    assert_int_equal(capsmall, 16);
    /* Large ones: fewer, a power of two within a kilobyte or so. */
    assert_non_null(tfl_heap_slot((void **)&large, &nlarge, &caplarge, 360));
    assert_true(caplarge >= 1 && caplarge < 16);
    assert_int_equal(caplarge & (caplarge - 1), 0);
    assert_true(caplarge * 360 <= 2048);
    /* Past 16 elements the room is 32, as for small elements. */
    for (i = 1; i < 17; i++)
        assert_non_null(
            tfl_heap_push((void **)&large, &nlarge, &caplarge, 360));
    assert_int_equal(nlarge, 17);
    assert_int_equal(caplarge, 32);
    for (i = 0; i < 17 * 360; i++)
        large[i] = (char)i;
    free(small);
    free(large);
}

static void test_arena_reset(void **state)
{
    tfl_arena a;
    uint64_t *big = NULL;
    size_t nbig = 0, capbig = 0, i;
    char *first, *again, *p;

    (void)state;
    tfl_arena_init(&a);
    first = tfl_arena_alloc(&a, 100);
    assert_non_null(first);
    memset(first, 'x', 100);
    tfl_arena_reset(&a);
    assert_int_equal(a.used, 0);
    again = tfl_arena_alloc(&a, 64);
    assert_non_null(again);
#ifndef TFL_DEBUG_ARENA
    /* The one block was kept and serves from its start again. */
    assert_ptr_equal(again, first);
#endif
    for (i = 0; i < 64; i++)
        assert_int_equal(again[i], 0);
    /* Several blocks and an array with a block of its own: all of it
     * goes but the newest ordinary block (the sanitizers see a leak or
     * a block freed twice). */
    for (i = 0; i < 3000; i++)
        assert_non_null(tfl_arena_alloc(&a, 200));
    assert_non_null(tfl_arena_push_n(&a, (void **)&big, &nbig, &capbig,
                                     sizeof *big, 20000));
    p = tfl_arena_alloc(&a, 64);
    assert_non_null(p);
    tfl_arena_reset(&a);
    assert_int_equal(a.used, 0);
    for (i = 0; i < 3000; i++) {
        p = tfl_arena_alloc(&a, 200);
        assert_non_null(p);
        assert_int_equal(p[0] | p[199], 0);
        memset(p, 'z', 200);
    }
    tfl_arena_reset(&a);
    tfl_arena_reset(&a); /* twice in a row */
    tfl_arena_free(&a);
    tfl_arena_reset(&a); /* and on an empty arena */
    assert_null(a.head);
}

/* An object too large for the room left in the newest block gets a block
 * of its own, and the small objects after it go on filling that room. */
static void test_arena_lone(void **state)
{
    tfl_arena a;
    char *p1, *big, *p2;
    size_t i, n = (size_t)600 << 10;

    (void)state;
    tfl_arena_init(&a);
    p1 = tfl_arena_alloc(&a, 16);
    big = tfl_arena_alloc(&a, n);
    p2 = tfl_arena_alloc(&a, 16);
    assert_non_null(p1);
    assert_non_null(big);
    assert_non_null(p2);
#ifndef TFL_DEBUG_ARENA
    assert_ptr_equal(p2, p1 + 16);
#endif
    for (i = 0; i < n; i += 4096)
        assert_int_equal(big[i], 0);
    memset(big, 'b', n);
    memset(p1, 'a', 16);
    memset(p2, 'c', 16);
    assert_int_equal(big[0], 'b');
    assert_int_equal(big[n - 1], 'b');
    tfl_arena_reset(&a); /* the lone block goes, the first one stays */
    p2 = tfl_arena_alloc(&a, 16);
    assert_non_null(p2);
#ifndef TFL_DEBUG_ARENA
    assert_ptr_equal(p2, p1);
#endif
    tfl_arena_free(&a);
}

/* Past a few megabytes a heap array is advised to use huge pages: it
 * goes on growing and keeps what it holds, and settles into an arena. */
static void test_heap_big(void **state)
{
    tfl_arena a;
    uint64_t *v = NULL, *p;
    size_t n = 0, cap = 0, i, want = (size_t)3 << 20; /* 24 MiB */

    (void)state;
    tfl_arena_init(&a);
    for (i = 0; i < want; i++) {
        p = tfl_heap_slot((void **)&v, &n, &cap, sizeof *v);
        assert_non_null(p);
        *p = i * 2654435761u;
    }
    assert_int_equal(n, want);
    assert_int_equal(tfl_arena_settle(&a, (void **)&v, n, sizeof *v), 0);
    assert_non_null(v);
    for (i = 0; i < want; i++)
        if (v[i] != i * 2654435761u)
            fail_msg("element %zu lost", i);
    tfl_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_push_n),
        cmocka_unit_test(test_heap_first_room),
        cmocka_unit_test(test_arena_reset),
        cmocka_unit_test(test_arena_lone),
        cmocka_unit_test(test_heap_big),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
