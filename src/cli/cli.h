/* cli.h: the entry points of the catlr program, callable in-process.
 *
 * Each takes argv as main() gets it (argv[0] is the command's name) and the
 * two streams to write to, and returns the exit code: 0 success, 1 the work
 * failed, 2 the command line was wrong. stdout carries results only;
 * messages and errors go to errf. */
#ifndef CATLR_CLI_H
#define CATLR_CLI_H

#include <stdio.h>

/* catlr [--help | --version | COMMAND ...]: dispatch to a subcommand. */
int catlr_cli_run(int argc, char **argv, FILE *out, FILE *errf);

/* catlr train [options] TRAIN_DIR */
int catlr_cmd_train(int argc, char **argv, FILE *out, FILE *errf);

/* catlr predict [options] MODEL IMAGE... */
int catlr_cmd_predict(int argc, char **argv, FILE *out, FILE *errf);

/* catlr import [options] FILE.h5 DIR */
int catlr_cmd_import(int argc, char **argv, FILE *out, FILE *errf);

/* `catlr pack DIR OUT.h5`: a folder of class folders as one .h5 file. */
int catlr_cmd_pack(int argc, char **argv, FILE *out, FILE *errf);
/* catlr eval [options] MODEL DIR */
int catlr_cmd_eval(int argc, char **argv, FILE *out, FILE *errf);

/* catlr cv [options] DIR */
int catlr_cmd_cv(int argc, char **argv, FILE *out, FILE *errf);

/* catlr info [options] MODEL */
int catlr_cmd_info(int argc, char **argv, FILE *out, FILE *errf);

/* catlr weights [options] MODEL OUT.png */
int catlr_cmd_weights(int argc, char **argv, FILE *out, FILE *errf);

#endif /* CATLR_CLI_H */
