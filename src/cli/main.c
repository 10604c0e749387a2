/* main.c: the catlr program. Everything it does is in catlr_cli_run, which
 * the tests call in-process. */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv) {
    int code = catlr_cli_run(argc, argv, stdout, stderr);
    /* a result that could not be written (a full disk, a closed pipe) is a
     * failure even if the work succeeded */
    if (fflush(stdout) != 0 && code == 0)
        code = 1;
    return code;
}
