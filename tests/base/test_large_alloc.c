/* test_large_alloc.c: memory for large arrays: usable at every size the
 * library asks for, 2 MiB-aligned from 8 MiB on, freed with free(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/large_alloc.h"

/* Ensure every size gives writable memory of that size, freed by free()
 * (the sanitizer and valgrind builds check the bounds and the free), and
 * that 0 bytes still give a pointer, as an empty shard needs. */
static void test_sizes(void **state) {
    (void)state;
    const size_t sizes[] = {0, 1, 4096, (8u << 20) - 1, 8u << 20, (9u << 20) + 3};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *p = catlr_alloc_large(sizes[k]);
        assert_non_null(p);
        if (sizes[k] > 0) {
            memset(p, 0xa5, sizes[k]);
            assert_int_equal(p[sizes[k] - 1], 0xa5);
        }
        free(p);
    }
}

/* Ensure large arrays start on a 2 MiB boundary, where a huge page can
 * hold them from their first byte. */
static void test_large_are_aligned(void **state) {
    (void)state;
    void *p = catlr_alloc_large((8u << 20) + 1);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % (2u << 20), 0);
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_large_are_aligned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
