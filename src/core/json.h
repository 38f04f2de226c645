/* JSON text for documents written to a stream: both the CLI (stdout) and
 * the console (a file it creates) write the same documents, so the
 * escaping lives in the core, which writes only to the FILE * it is given. */
#ifndef PT_JSON_H
#define PT_JSON_H

#include <stdio.h>

/* s as a JSON string, quotes included: the exact text, with every control
 * escaped (see json.c). */
void pt_json_string(FILE *out, const char *s);

#endif
