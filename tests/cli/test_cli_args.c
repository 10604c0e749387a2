/* test_cli_args.c: the option scanner and the number parsers of the CLI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/args.h"
#include "cli/common.h"
#include "test_util.h"

enum { OUT = 1, QUIET, HELP, RATE };

static const cli_option OPTS[] = {
    {'o', "output", 1, OUT},
    {'q', "quiet", 0, QUIET},
    {'h', "help", 0, HELP},
    {'\0', "rate", 1, RATE},
};

/* One scan result: the id and its value, or the message on error. */
typedef struct step {
    int id;
    char text[256];
} step;

/* Scan argv to the end (or the first error) into steps; returns how many. */
static size_t scan_all(int argc, char **argv, step *steps, size_t max) {
    cli_scanner s = cli_scan(argc, argv, OPTS, sizeof OPTS / sizeof OPTS[0]);
    size_t n = 0;
    char msg[256];
    const char *value;
    int id;
    while (n < max && (id = cli_next(&s, &value, msg, sizeof msg)) != CLI_END) {
        steps[n].id = id;
        snprintf(steps[n].text, sizeof steps[n].text, "%s",
                 id == CLI_ERROR ? msg : value ? value : "");
        n++;
        if (id == CLI_ERROR)
            break;
    }
    return n;
}

/* Ensure long options take their value as the next argument or after "=",
 * and operands may come before, between and after options. */
static void test_long_options_and_operands(void **state) {
    (void)state;
    char *argv[] = {"cmd", "DIR", "--output", "m.model", "--rate=0.5", "EXTRA", "--quiet"};
    step st[8];
    assert_int_equal(scan_all(7, argv, st, 8), 5);
    assert_int_equal(st[0].id, CLI_OPERAND);
    assert_string_equal(st[0].text, "DIR");
    assert_int_equal(st[1].id, OUT);
    assert_string_equal(st[1].text, "m.model");
    assert_int_equal(st[2].id, RATE);
    assert_string_equal(st[2].text, "0.5");
    assert_int_equal(st[3].id, CLI_OPERAND);
    assert_string_equal(st[3].text, "EXTRA");
    assert_int_equal(st[4].id, QUIET);
}

/* Ensure short options: "-o FILE", "-oFILE", bundled flags "-qh", and a
 * bundle ending in an option that takes a value ("-qoFILE"). */
static void test_short_options(void **state) {
    (void)state;
    char *argv[] = {"cmd", "-o", "a", "-ob", "-qh", "-qoc"};
    step st[8];
    assert_int_equal(scan_all(6, argv, st, 8), 6);
    assert_int_equal(st[0].id, OUT);
    assert_string_equal(st[0].text, "a");
    assert_int_equal(st[1].id, OUT);
    assert_string_equal(st[1].text, "b");
    assert_int_equal(st[2].id, QUIET);
    assert_int_equal(st[3].id, HELP);
    assert_int_equal(st[4].id, QUIET);
    assert_int_equal(st[5].id, OUT);
    assert_string_equal(st[5].text, "c");
}

/* Ensure "--" ends the options, "-" alone is an operand, and a value that
 * looks like an option is still taken as the value ("--rate -1"). */
static void test_operand_forms(void **state) {
    (void)state;
    char *argv[] = {"cmd", "--rate", "-1", "-", "--", "--quiet", "-o"};
    step st[8];
    assert_int_equal(scan_all(7, argv, st, 8), 4);
    assert_int_equal(st[0].id, RATE);
    assert_string_equal(st[0].text, "-1");
    assert_int_equal(st[1].id, CLI_OPERAND);
    assert_string_equal(st[1].text, "-");
    assert_int_equal(st[2].id, CLI_OPERAND);
    assert_string_equal(st[2].text, "--quiet");
    assert_int_equal(st[3].id, CLI_OPERAND);
    assert_string_equal(st[3].text, "-o");
}

/* Ensure each malformed use gets its own message. */
static void test_errors(void **state) {
    (void)state;
    struct {
        char *arg[2];
        int argc;
        const char *message;
    } cases[] = {
        {{"--nope", NULL}, 2, "unknown option '--nope'"},
        {{"--nope=3", NULL}, 2, "unknown option '--nope'"},
        {{"-x", NULL}, 2, "unknown option '-x'"},
        {{"-qx", NULL}, 2, "unknown option '-x'"},
        {{"--output", NULL}, 2, "option '--output' needs a value"},
        {{"-o", NULL}, 2, "option '-o' needs a value"},
        {{"--quiet=yes", NULL}, 2, "option '--quiet' takes no value"},
        {{"--out", "x"}, 3, "unknown option '--out'"}, /* no abbreviations */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *argv[3] = {"cmd", cases[k].arg[0], cases[k].arg[1]};
        step st[4];
        size_t n = scan_all(cases[k].argc, argv, st, 4);
        assert_true(n >= 1);
        assert_int_equal(st[n - 1].id, CLI_ERROR);
        assert_string_equal(st[n - 1].text, cases[k].message);
    }
}

/* Ensure positive numbers parse in decimal and exponent forms and anything
 * else (empty, blanks, junk after, zero, negative, NaN, infinity, overflow)
 * is refused. */
static void test_parse_positive(void **state) {
    (void)state;
    double v;
    assert_int_equal(cli_parse_positive("0.005", &v), 0);
    assert_true(v == 0.005);
    assert_int_equal(cli_parse_positive("5e-3", &v), 0);
    assert_true(v == 0.005);
    assert_int_equal(cli_parse_positive("1", &v), 0);
    assert_true(v == 1.0);
    const char *bad[] = {"", " 1", "1 ", "0.1x", "abc", "0", "-0.1", "-0",
                         "nan", "NaN", "inf", "-inf", "1e999", "0x", "--1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        v = 42;
        assert_int_equal(cli_parse_positive(bad[k], &v), -1);
        assert_true(v == 42); /* untouched on failure */
    }
}

/* Ensure counts are whole decimal numbers >= 1 that fit; strtoull's quirks
 * (a leading minus that wraps around, leading blanks, "+") are refused. */
static void test_parse_count(void **state) {
    (void)state;
    size_t v;
    assert_int_equal(cli_parse_count("2000", &v), 0);
    assert_int_equal(v, 2000);
    assert_int_equal(cli_parse_count("1", &v), 0);
    assert_int_equal(v, 1);
    const char *bad[] = {"", "0", "-1", " 5", "+5", "5 ", "1.5", "1e3", "abc",
                         "99999999999999999999999"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        v = 42;
        assert_int_equal(cli_parse_count(bad[k], &v), -1);
        assert_int_equal(v, 42);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_options_and_operands),
        cmocka_unit_test(test_short_options),
        cmocka_unit_test(test_operand_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_parse_positive),
        cmocka_unit_test(test_parse_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
