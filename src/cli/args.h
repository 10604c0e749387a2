/* args.h: a small command-line option scanner for the subcommands.
 *
 * GNU conventions, like getopt_long, but with no global state and no
 * printing of its own, so that each command can be called again and again
 * (as the tests do) and reports errors through its own stream:
 *   --name VALUE, --name=VALUE, -n VALUE, -nVALUE, bundled flags (-qh),
 *   operands anywhere between options, "--" ends the options. */
#ifndef CATLR_CLI_ARGS_H
#define CATLR_CLI_ARGS_H

#include <stddef.h>

typedef struct cli_option {
    char short_name;       /* '\0' for none */
    const char *long_name; /* without the dashes */
    int takes_value;
    int id;                /* returned by cli_next; > 0 */
} cli_option;

enum {
    CLI_END = 0,      /* no more arguments */
    CLI_OPERAND = -1, /* *value is an operand */
    CLI_ERROR = -2    /* the message buffer says what is wrong */
};

typedef struct cli_scanner {
    int argc;
    char **argv;
    int next;               /* index of the next argument */
    const char *bundle;     /* rest of a "-abc" group being scanned, or NULL */
    int operands_only;      /* after "--" */
    const cli_option *options;
    size_t n_options;
} cli_scanner;

/* Scan argv[1..argc-1] (argv[0] is the command's name). */
cli_scanner cli_scan(int argc, char **argv, const cli_option *options,
                     size_t n_options);

/* The next option's id (with its *value, or NULL for a flag), CLI_OPERAND,
 * CLI_END, or CLI_ERROR with a reason written to msg. */
int cli_next(cli_scanner *s, const char **value, char *msg, size_t msg_size);

/* The optimal-string-alignment distance between a and b: the fewest
 * insertions, deletions, substitutions and swaps of two neighbouring
 * characters that turn one into the other ("trian" is 1 from "train").
 * Words longer than CLI_WORD_MAX count as far from everything. */
#define CLI_WORD_MAX 64
size_t cli_edit_distance(const char *a, const char *b);

/* The candidate closest to word, if it is close enough to be a likely
 * typing slip (a distance of at most 1 + strlen(word) / 5, and less than
 * the length of both), else NULL. On a tie, the first in the list. */
const char *cli_closest(const char *word, const char *const *candidates, size_t n);

#endif /* CATLR_CLI_ARGS_H */
