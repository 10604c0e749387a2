/* args.c: the option scanner of args.h. */
#include <stdio.h>
#include <string.h>

#include "args.h"

cli_scanner cli_scan(int argc, char **argv, const cli_option *options,
                     size_t n_options) {
    return (cli_scanner){
        .argc = argc,
        .argv = argv,
        .next = 1,
        .bundle = NULL,
        .operands_only = 0,
        .options = options,
        .n_options = n_options,
    };
}

static const cli_option *find_long(const cli_scanner *s, const char *name, size_t len) {
    for (size_t k = 0; k < s->n_options; k++) {
        const char *l = s->options[k].long_name;
        if (l != NULL && strlen(l) == len && strncmp(l, name, len) == 0)
            return &s->options[k];
    }
    return NULL;
}

static const cli_option *find_short(const cli_scanner *s, char c) {
    for (size_t k = 0; k < s->n_options; k++)
        if (s->options[k].short_name == c)
            return &s->options[k];
    return NULL;
}

/* The value of an option that takes one: the next argument, whatever it
 * looks like (so "--lr -1" reaches the number check, not "unknown option"). */
static int take_next(cli_scanner *s, const cli_option *o, const char *spelled,
                     const char **value, char *msg, size_t msg_size) {
    if (s->next >= s->argc) {
        snprintf(msg, msg_size, "option '%s' needs a value", spelled);
        return CLI_ERROR;
    }
    *value = s->argv[s->next++];
    return o->id;
}

/* "--name", "--name=value". */
static int scan_long(cli_scanner *s, const char *arg, const char **value, char *msg,
                     size_t msg_size) {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_option *o = find_long(s, name, len);
    if (o == NULL) {
        snprintf(msg, msg_size, "unknown option '--%.*s'", (int)len, name);
        return CLI_ERROR;
    }
    if (!o->takes_value) {
        if (eq != NULL) {
            snprintf(msg, msg_size, "option '--%s' takes no value", o->long_name);
            return CLI_ERROR;
        }
        return o->id;
    }
    if (eq != NULL) {
        *value = eq + 1;
        return o->id;
    }
    char spelled[64];
    snprintf(spelled, sizeof spelled, "--%s", o->long_name);
    return take_next(s, o, spelled, value, msg, msg_size);
}

/* One letter of a "-abc" group; the rest of the group, if any, is the value
 * of an option that takes one ("-ofile"). */
static int scan_short(cli_scanner *s, const char **value, char *msg, size_t msg_size) {
    char c = *s->bundle++;
    const cli_option *o = find_short(s, c);
    if (o == NULL) {
        s->bundle = NULL;
        snprintf(msg, msg_size, "unknown option '-%c'", c);
        return CLI_ERROR;
    }
    if (!o->takes_value) {
        if (*s->bundle == '\0')
            s->bundle = NULL;
        return o->id;
    }
    if (*s->bundle != '\0') {
        *value = s->bundle;
        s->bundle = NULL;
        return o->id;
    }
    s->bundle = NULL;
    char spelled[3] = {'-', c, '\0'};
    return take_next(s, o, spelled, value, msg, msg_size);
}

int cli_next(cli_scanner *s, const char **value, char *msg, size_t msg_size) {
    *value = NULL;
    msg[0] = '\0';
    if (s->bundle != NULL)
        return scan_short(s, value, msg, msg_size);
    if (s->next >= s->argc)
        return CLI_END;
    const char *arg = s->argv[s->next++];
    if (s->operands_only || arg[0] != '-' || arg[1] == '\0') { /* "-" is an operand */
        *value = arg;
        return CLI_OPERAND;
    }
    if (strcmp(arg, "--") == 0) {
        s->operands_only = 1;
        return cli_next(s, value, msg, msg_size);
    }
    if (arg[1] == '-')
        return scan_long(s, arg, value, msg, msg_size);
    s->bundle = arg + 1;
    return scan_short(s, value, msg, msg_size);
}
