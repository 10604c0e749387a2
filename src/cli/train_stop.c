/* train_stop.c: train_stop.h. The one piece of mutable state at file
 * scope in catlr is here, in the program, not the library: the signal a
 * handler caught, which is all a handler may safely touch. */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <signal.h>
#include <string.h>

#include "common.h"
#include "train_stop.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig) {
    caught = sig;
}

/* Install handler (SIG_DFL to restore) for SIGINT and SIGTERM. */
static void set_handlers(void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    /* the first signal asks; the next one finds the default action back
     * and ends the process at once */
    sa.sa_flags = handler == SIG_DFL ? 0 : SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void train_stop_catch(void) {
    caught = 0;
    set_handlers(on_signal);
}

void train_stop_release(void) {
    set_handlers(SIG_DFL);
}

int train_stop_signal(void) {
    return caught;
}

static int should_stop(void *ctl) {
    const train_stop *s = ctl;
    return caught != 0 || s->failed;
}

/* Rank 0 writes; a failure is said once and stops the run at the next
 * iteration, in every process alike (through should_stop), rather than
 * ending this one while the others wait for it. */
static catlr_status write_checkpoint(void *ctl, const catlr_checkpoint *ck, catlr_error *err) {
    (void)err;
    train_stop *s = ctl;
    if (!s->writer || s->failed)
        return CATLR_OK;
    catlr_error werr;
    if (catlr_checkpoint_save(ck, s->checkpoint, &werr) != CATLR_OK) {
        cli_print_error(s->errf, &werr);
        s->failed = 1;
        return CATLR_OK;
    }
    s->written = 1;
    return CATLR_OK;
}

void train_stop_hooks(train_stop *s, catlr_train_hooks *hooks, size_t report_every) {
    hooks->should_stop = should_stop;
    hooks->ctl = s;
    hooks->resume = s->resume.state != NULL ? &s->resume : NULL;
    if (s->checkpoint != NULL) {
        hooks->on_checkpoint = write_checkpoint;
        hooks->checkpoint_every = s->every > 0 ? s->every : report_every;
    }
}

/* word on errf, quoted for a POSIX shell when it needs to be. */
static void print_word(FILE *errf, const char *word) {
    if (word[0] != '\0' && strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_-+=./,:@%") == strlen(word)) {
        fputs(word, errf);
        return;
    }
    fputc('\'', errf);
    for (const char *p = word; *p != '\0'; p++)
        if (*p == '\'')
            fputs("'\\''", errf);
        else
            fputc(*p, errf);
    fputc('\'', errf);
}

int train_stop_report(const train_stop *s, size_t done, size_t iterations, int argc,
                      char **argv) {
    FILE *errf = s->errf;
    if (s->failed)
        return CLI_EXIT_FAIL; /* the write's error is out already */
    fprintf(errf, "catlr: interrupted at iteration %zu of %zu\n", done, iterations);
    if (s->checkpoint == NULL || !s->written) {
        fprintf(errf, "no checkpoint was written (--checkpoint FILE keeps one to resume from)\n");
    } else {
        fprintf(errf, "checkpoint written to %s; to resume:\n  ", s->checkpoint);
        if (s->processes > 1)
            fprintf(errf, "mpirun -np %d ", s->processes);
        fputs("catlr", errf);
        for (int k = 0; k < argc; k++) {
            /* an earlier --resume gives way to this checkpoint */
            if (strcmp(argv[k], "--resume") == 0 && k + 1 < argc) {
                k++;
                continue;
            }
            if (strncmp(argv[k], "--resume=", 9) == 0)
                continue;
            fputc(' ', errf);
            print_word(errf, argv[k]);
        }
        fputs(" --resume ", errf);
        print_word(errf, s->checkpoint);
        fputc('\n', errf);
    }
    int sig = train_stop_signal();
    return 128 + (sig != 0 ? sig : SIGINT);
}

void train_stop_free(train_stop *s) {
    catlr_checkpoint_free(&s->resume);
}
