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

#endif /* CATLR_CLI_ARGS_H */
