/* common.h: what the subcommands share: exit codes, error lines, number
 * parsing, loading a model to classify with. Uses only the public API
 * (<catlr/...>). */
#ifndef CATLR_CLI_COMMON_H
#define CATLR_CLI_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/dataset.h"
#include "catlr/model.h"
#include "catlr/train.h"
#include "args.h"
#include "comm.h"

enum {
    CLI_EXIT_OK = 0,   /* success, --help, --version */
    CLI_EXIT_FAIL = 1, /* the work failed: I/O, bad image or model, NaN cost */
    CLI_EXIT_USAGE = 2 /* the command line was wrong */
};

/* A numeric macro as a string literal, so a message names the limit the
 * code checks: CLI_STR(CATLR_MAX_THREADS) is "1024". */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

#if defined(__GNUC__)
#define CLI_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define CLI_PRINTF(fmt_index, first_arg)
#endif

/* One line on errf: "catlr: PATH: reason", or "catlr: reason" when the
 * error names no file. */
void cli_print_error(FILE *errf, const catlr_error *err);

/* A usage error of command cmd: "catlr: CMD: message", the one-line usage
 * and "Try 'catlr CMD --help'." on errf. Returns CLI_EXIT_USAGE. */
int cli_usage_error(FILE *errf, const char *cmd, const char *usage,
                    const char *fmt, ...) CLI_PRINTF(4, 5);

/* A FILE or DIR of the command line: what the usage calls it ("MODEL",
 * "--output") and the value given, or NULL when it was not given. */
typedef struct cli_path {
    const char *name;
    const char *path;
} cli_path;

/* Refuse an empty path: "" names no file, so the error line that opening
 * it gives ("catlr: No such file or directory") would name none either.
 * Refuse too a picture output (NAME "--plot" or "OUT.png") whose name does
 * not end in .png, as it is written as a PNG whatever its name (a device
 * or a fifo, such as /dev/stdout, may take it).
 * -1 when every given path is sound, else the usage error "NAME must not
 * be empty" (or "NAME is written as a PNG, ...") of command cmd and
 * CLI_EXIT_USAGE. */
int cli_check_paths(const cli_path *paths, size_t n, const char *cmd, const char *usage,
                    FILE *errf);

/* Refuse an output that is the input file of the same command line: the
 * output is truncated when it is opened, before the input is read, and
 * removed when the command then fails, so the input would be lost. Each
 * given output (path NULL: not given) is compared with input (NULL: none)
 * by spelling and, when both exist, as files (device and inode), so
 * "./m.model" and "m.model" are one.
 * -1 when none is the input, else the usage error "NAME would overwrite
 * INPUT_NAME 'INPUT'" of command cmd and CLI_EXIT_USAGE. */
int cli_check_outputs(const cli_path *outputs, size_t n, const cli_path *input, const char *cmd,
                      const char *usage, FILE *errf);

/* One option for a command: apply it to the command's arguments ctx. -1 to
 * go on, or an exit code (help printed, usage error reported). */
typedef int (*cli_apply_option)(void *ctx, int id, const char *value, FILE *out, FILE *errf);

/* A command that takes exactly one operand (train's TRAIN_DIR, cv's DIR):
 * its name, one-line usage and options, and where what argv holds goes. */
typedef struct cli_one_operand {
    const char *cmd;
    const char *usage;
    const cli_option *options;
    size_t n_options;
    const char *operand_name; /* "TRAIN_DIR", in "missing TRAIN_DIR" */
    const char **operand;     /* where the operand goes; *operand NULL before */
    /* said after "unexpected argument 'X'": what a second operand was
     * likely meant for and how to say it; NULL: nothing */
    const char *second_operand_hint;
    cli_apply_option apply;   /* each option, applied to ctx */
    void *ctx;
} cli_one_operand;

/* Read argv for the command c: each option through c->apply, the operand
 * into *c->operand. -1 to go on, or an exit code: apply's, or the usage
 * error for a scanner error, a second operand ("unexpected argument 'X'",
 * then "; " and c->second_operand_hint) or none ("missing NAME"). */
int cli_scan_one_operand(int argc, char **argv, const cli_one_operand *c, FILE *out, FILE *errf);

/* Whether path, an input folder that is read later (train's --test), is
 * there and a folder (or an .h5 file the loader takes), checked in every process before any image is
 * decoded: a misspelled name then fails at once, not after hours of
 * loading. CLI_EXIT_OK, or CLI_EXIT_FAIL (in every process when any
 * fails) after "catlr: PATH: reason", the loader's words. NULL: nothing to
 * check; comm NULL: one process. */
int cli_check_input_folder(const char *path, const cli_comm *comm, FILE *errf);

/* Whether a model file can later be saved at path, checked before the work
 * that makes it (a training run may take hours): the folder it goes in
 * exists and can be written to, and path, if it exists, is a regular file
 * (catlr_model_save replaces it whole). CLI_EXIT_OK, or CLI_EXIT_FAIL
 * after "catlr: PATH: reason". The save checks again: this only moves the
 * likely failures to the start. NULL: nothing to check. */
int cli_check_model_output(const char *path, FILE *errf);

/* Refuse two outputs that are one file (the same spelling, or existing
 * files with the same device and inode): the one written last would
 * replace the other, with exit 0. -1 when all differ, else the usage
 * error "NAME and NAME name the same file 'PATH'" and CLI_EXIT_USAGE. */
int cli_check_distinct(const cli_path *outputs, size_t n, const char *cmd, const char *usage,
                       FILE *errf);

/* The error line of a model that failed to load: err's line, but for a
 * file that is a PNG or JPEG image (the operands given in the wrong
 * order), "catlr: PATH: a PNG image, not a catlr model; MODEL comes
 * first". */
void cli_print_model_error(FILE *errf, const catlr_error *err);

/* Load the model at path and check that it classifies catlr's 64x64x3
 * images (catlr_predict_check). CLI_EXIT_OK, or CLI_EXIT_FAIL after the
 * error line, with *model freed. */
int cli_load_model(const char *path, catlr_model *model, FILE *errf);

/* A finite number > 0 written as the whole of s ("0.005", "5e-3").
 * 0 on success, -1 if s is anything else. */
int cli_parse_positive(const char *s, double *out);

/* The same, but 0 is allowed too ("0", "0.0"). */
int cli_parse_nonnegative(const char *s, double *out);

/* A whole decimal number >= 1 written as the whole of s, that fits in
 * size_t. 0 on success, -1 if s is anything else. */
int cli_parse_count(const char *s, size_t *out);

/* The solver named name ("auto", "primal", "gram"), or -1. */
int cli_parse_solver(const char *name);

/* "0.01,0.001": 1 to max numbers separated by commas, each read by parse
 * (cli_parse_positive or cli_parse_nonnegative), nothing else. 0 on
 * success, -1 if s is anything else (values and *n are then unspecified). */
int cli_parse_list(const char *s, int (*parse)(const char *, double *), double *values,
                   size_t max, size_t *n);

/* A whole decimal number >= 0 written as the whole of s, that fits in 64
 * bits (a seed). 0 on success, -1 if s is anything else. */
int cli_parse_u64(const char *s, uint64_t *out);

/* What cli_warn_skip counts: the images left out, each warned about on
 * errf. */
typedef struct cli_skip_report {
    FILE *errf;
    size_t count;
} cli_skip_report;

/* catlr_dataset_opts.on_skip with skip_bad, user a cli_skip_report: the
 * line "catlr: warning: IMAGE: reason (skipped)", counted. */
void cli_warn_skip(void *user, const catlr_error *err);

/* How a command loads the class folders of a folder. */
typedef struct cli_load {
    const char *dir;
    const char *positive; /* class folder labelled 1 */
    int skip_bad;         /* leave out images that cannot be read */
    int has_skip_bad;     /* the command has --skip-bad: an image that stops
                             the load says so */
    unsigned threads;     /* decoding threads; 0: all cores */
    int quiet;            /* no "DIR: N images" line */
    /* The processes that each load a shard of dir and add up the counts
     * (train under mpirun); NULL: one process, the whole folder. */
    const cli_comm *comm;
    /* Where what only this process knows goes (a file of its shard that it
     * could not read); NULL: errf. Under MPI, errf is silent in every rank
     * but 0. */
    FILE *own_errf;
} cli_load;

/* Load the class folders of load->dir, the whole folder or this process's
 * shard of it, and go on only if every process loaded its own: images
 * decoded on load->threads threads; with skip_bad, images that cannot be
 * read left out, each with a warning line (even when quiet, as they change
 * what is learnt), and a count; unless quiet, "DIR: N images (A: n, B: n)"
 * of every process's images, *total of them (total may be NULL), and in
 * several processes the images each holds ("DIR: 2 processes hold 100 +
 * 100 images").
 * CLI_EXIT_OK, or CLI_EXIT_FAIL after the error line (*ds is then NULL). */
int cli_load_dataset(const cli_load *load, catlr_dataset **ds, size_t *total, FILE *errf);

/* ds, loaded from dir, must hold the class folders names[0], names[1] (in
 * byte order, as a dataset and a model keep them), which belong to whose
 * ("the model's", "the training folder's"). CLI_EXIT_OK, or CLI_EXIT_FAIL
 * after "catlr: DIR: class folders 'a', 'b' differ from WHOSE 'c', 'd'". */
int cli_check_classes(const catlr_dataset *ds, const char *dir, const char *const names[2],
                      const char *whose, FILE *errf);

/* fopen(path, mode) for an output file, with the error line on errf when
 * it fails (then NULL). */
FILE *cli_open_output(const char *path, const char *mode, FILE *errf);

/* fclose an output, with the error line when the close or an earlier write
 * failed (where a full disk shows up). 0 or -1. */
int cli_close_output(FILE *fp, const char *path, FILE *errf);

/* Remove a half-written output, since it would pass for a result, but only
 * a regular file: an output of /dev/stdout or a symlink must survive a
 * failed run (as root, remove() would delete the device node itself). */
void cli_remove_output(const char *path);

/* A decision threshold: a finite number from 0 to 1 written as the whole
 * of s ("0.3", "1", "0"). 0 on success, -1 if s is anything else. */
int cli_parse_threshold(const char *s, double *out);

/* The options several commands share, each read and refused in one place so
 * that every command spells its error the same way. Each stores the value
 * and returns -1, or prints the usage error of command cmd (usage its
 * one-line usage) and returns CLI_EXIT_USAGE. */

/* --threads N: 1 to CATLR_MAX_THREADS. */
int cli_option_threads(const char *value, unsigned *threads, const char *cmd,
                       const char *usage, FILE *errf);

/* --seed S: 0 to 2^64-1. */
int cli_option_seed(const char *value, uint64_t *seed, const char *cmd, const char *usage,
                    FILE *errf);

/* Where a list option's numbers go: up to max into values, *n of them. */
typedef struct cli_list {
    double *values;
    size_t max;
    size_t *n;
} cli_list;

/* --lr RATE[,RATE...]: 1 to list->max positive numbers into the list.
 * The message speaks of one number when value holds no comma. */
int cli_option_rates(const char *value, const cli_list *list, const char *cmd,
                     const char *usage, FILE *errf);

/* --l2 LAMBDA[,LAMBDA...]: the same with numbers >= 0. */
int cli_option_l2s(const char *value, const cli_list *list, const char *cmd, const char *usage,
                   FILE *errf);

/* --solver NAME: auto, primal or gram. */
int cli_option_solver(const char *value, catlr_solver *solver, const char *cmd,
                      const char *usage, FILE *errf);

/* The number of processes an MPI launcher says it started (Open MPI's
 * mpirun, the PMI of MPICH's hydra and Slurm), read from the environment
 * without touching MPI; 1 when none did. */
long cli_launched_processes(void);

#endif /* CATLR_CLI_COMMON_H */
