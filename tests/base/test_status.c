/* test_status.c: status names and the error record filled by catlr_fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "catlr/catlr.h"
#include "base/internal.h"
#include "test_util.h"

/* Ensure every status has its own non-empty name and unknown values get one
 * too. */
static void test_status_names(void **state) {
    (void)state;
    const catlr_status all[] = {CATLR_OK, CATLR_ERR_IO, CATLR_ERR_FORMAT, CATLR_ERR_SHAPE,
                                CATLR_ERR_NOMEM, CATLR_ERR_ARG, CATLR_ERR_NUMERIC,
                                CATLR_ERR_DATA, CATLR_ERR_UNSUPPORTED,
                                CATLR_ERR_STOPPED};
    const size_t n = sizeof all / sizeof all[0];
    for (size_t k = 0; k < n; k++) {
        assert_non_null(catlr_status_str(all[k]));
        assert_true(strlen(catlr_status_str(all[k])) > 0);
        for (size_t l = 0; l < k; l++)
            assert_string_not_equal(catlr_status_str(all[k]), catlr_status_str(all[l]));
    }
    assert_string_equal(catlr_status_str((catlr_status)99), "unknown status");
}

/* Ensure catlr_fail fills path and a formatted reason and returns the status. */
static void test_fail_fills_record(void **state) {
    (void)state;
    catlr_error err;
    assert_int_equal(catlr_fail(&err, CATLR_ERR_IO, "data/x.png", "cannot read %d bytes", 12),
                     CATLR_ERR_IO);
    assert_string_equal(err.path, "data/x.png");
    assert_string_equal(err.reason, "cannot read 12 bytes");
}

/* Ensure a NULL path gives "" and a NULL record is allowed. */
static void test_fail_null_path_and_record(void **state) {
    (void)state;
    catlr_error err;
    memset(&err, 'x', sizeof err);
    assert_int_equal(catlr_fail(&err, CATLR_ERR_ARG, NULL, "bad"), CATLR_ERR_ARG);
    assert_string_equal(err.path, "");
    assert_string_equal(err.reason, "bad");
    assert_int_equal(catlr_fail(NULL, CATLR_ERR_NOMEM, "p", "q"), CATLR_ERR_NOMEM);
}

/* Ensure text that does not fit is cut and ends in "...", NUL-terminated. */
static void test_fail_truncates(void **state) {
    (void)state;
    char long_path[CATLR_ERROR_PATH_MAX + 100];
    memset(long_path, 'p', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    char long_reason[CATLR_ERROR_REASON_MAX * 2];
    memset(long_reason, 'r', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    catlr_error err;
    catlr_fail(&err, CATLR_ERR_IO, long_path, "%s", long_reason);
    assert_int_equal(strlen(err.path), CATLR_ERROR_PATH_MAX - 1);
    assert_string_equal(err.path + CATLR_ERROR_PATH_MAX - 4, "...");
    assert_int_equal(strlen(err.reason), CATLR_ERROR_REASON_MAX - 1);
    assert_string_equal(err.reason + CATLR_ERROR_REASON_MAX - 4, "...");
    assert_int_equal(err.reason[0], 'r');
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_fail_fills_record),
        cmocka_unit_test(test_fail_null_path_and_record),
        cmocka_unit_test(test_fail_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
