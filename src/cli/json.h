/* json.h: the few pieces of JSON output the subcommands need (--json). */
#ifndef CATLR_CLI_JSON_H
#define CATLR_CLI_JSON_H

#include <stdio.h>

/* s as a JSON string, quotes included: '"', '\\' and control characters
 * escaped, well-formed UTF-8 as it is, and every byte that is not part of a
 * UTF-8 character (a file name in Latin-1) as \ufffd. */
void cli_json_string(FILE *out, const char *s);

/* A finite number with the fewest of 15, 16 or 17 significant digits that
 * read back to the same double, or null for NaN and infinities, which JSON cannot hold. */
void cli_json_number(FILE *out, double v);

#endif /* CATLR_CLI_JSON_H */
