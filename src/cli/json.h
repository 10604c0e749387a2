/* json.h: the few pieces of JSON output the subcommands need (--json). */
#ifndef CATLR_CLI_JSON_H
#define CATLR_CLI_JSON_H

#include <stdio.h>

/* s as a JSON string, quotes included: '"', '\\' and control characters
 * escaped, every other byte (UTF-8 included) as it is. */
void cli_json_string(FILE *out, const char *s);

/* A finite number with the fewest of 15, 16 or 17 significant digits that
 * read back to the same double, or null for NaN and infinities, which JSON cannot hold. */
void cli_json_number(FILE *out, double v);

#endif /* CATLR_CLI_JSON_H */
