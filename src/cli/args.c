/* args.c: the option scanner of args.h. */
#include <stdint.h>
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

size_t cli_edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > CLI_WORD_MAX || lb > CLI_WORD_MAX)
        return SIZE_MAX;
    /* d[i][j]: the distance between the first i characters of a and the
     * first j of b */
    size_t d[CLI_WORD_MAX + 1][CLI_WORD_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *cli_closest(const char *word, const char *const *candidates, size_t n) {
    size_t len = strlen(word);
    size_t allowed = 1 + len / 5;
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (size_t k = 0; k < n; k++) {
        if (candidates[k] == NULL)
            continue;
        size_t d = cli_edit_distance(word, candidates[k]);
        /* "cv" is 2 from any two letters: a distance as long as either
         * word is no likeness */
        if (d <= allowed && d < len && d < strlen(candidates[k]) && d < best_distance) {
            best = candidates[k];
            best_distance = d;
        }
    }
    return best;
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

/* "unknown option '--name'", with the closest long option when one is
 * close enough to be what was meant. */
static void unknown_long(const cli_scanner *s, const char *name, size_t len, char *msg,
                         size_t msg_size) {
    char word[CLI_WORD_MAX + 1];
    const char *close = NULL;
    if (len <= CLI_WORD_MAX) {
        memcpy(word, name, len);
        word[len] = '\0';
        const char *names[64];
        size_t n = 0;
        for (size_t k = 0; k < s->n_options && n < sizeof names / sizeof names[0]; k++)
            names[n++] = s->options[k].long_name;
        close = cli_closest(word, names, n);
    }
    if (close != NULL)
        snprintf(msg, msg_size, "unknown option '--%.*s'; did you mean '--%s'?", (int)len, name,
                 close);
    else
        snprintf(msg, msg_size, "unknown option '--%.*s'", (int)len, name);
}

/* "--name", "--name=value". */
static int scan_long(cli_scanner *s, const char *arg, const char **value, char *msg,
                     size_t msg_size) {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_option *o = find_long(s, name, len);
    if (o == NULL) {
        unknown_long(s, name, len, msg, msg_size);
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
