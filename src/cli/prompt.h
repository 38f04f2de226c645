/* Questions asked on the controlling terminal, never on stdin (which may
 * carry a password or a CSV file). */
#ifndef PT_PROMPT_H
#define PT_PROMPT_H

#include <stdbool.h>
#include <stdio.h>

/* Ask on /dev/tty with echo off. Returns a secret string (pt_secret_free)
 * or NULL when there is no terminal or the user gave up (EOF). Fits
 * pt_password_cb; ud is unused. */
char *pt_prompt_password(void *ud, const char *prompt);

/* Ask on /dev/tty with echo on; write the answer (no newline) into buf.
 * Returns false when there is no terminal or on EOF. */
bool pt_prompt_line(const char *prompt, char *buf, size_t bufsz);

/* Read one line from in into secret memory, without its line ending.
 * Returns NULL (and sets *why to a translated reason) when the input is
 * empty, too long or holds a NUL byte. */
char *pt_read_secret_line(FILE *in, const char **why);

#endif
