/* Text from the server on its way to a terminal.
 *
 * Tenants name tables, columns, functions and channels, set their own role
 * settings, and raise notices and errors with any text they like, ESC and
 * BEL included. Every such string that pgtenant shows on a terminal goes
 * through pt_sanitize first, so that nothing a tenant wrote can act as a
 * control sequence: clear the screen, set the clipboard (OSC 52), retitle
 * the window, or hide a finding. JSON escapes on its own (\u001b) and CSV
 * to a file or a pipe keeps the exact bytes; neither comes through here.
 *
 * Made visible: the C0 controls (newline and tab too, unless the caller
 * keeps newlines), DEL, the C1 controls U+0080 to U+009F, bytes that are not
 * well-formed UTF-8 (as \xHH), and the bidirectional overrides and isolates
 * (U+202A to U+202E, U+2066 to U+2069, as \u202e), which reorder what
 * follows them on the screen. Everything else is copied as it is. */
#ifndef PT_SANITIZE_H
#define PT_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

enum {
	PT_SAN_KEEP_NEWLINE = 1 << 0,  /* keep '\n' (multi-line messages) */
};

/* True when s is well-formed UTF-8 (RFC 3629; NULL is). */
bool pt_utf8_valid(const char *s);

/* The length of the well-formed UTF-8 character at s with its code point
 * in *cp, or 0 when s does not start one (a NUL is a character of 1). */
size_t pt_utf8_char(const char *s, unsigned long *cp);

/* True for the bidirectional overrides and isolates (U+202A to U+202E,
 * U+2066 to U+2069). */
bool pt_bidi_control(unsigned long c);

/* True when s would come out of pt_sanitize unchanged (NULL is clean). */
bool pt_text_clean(const char *s, unsigned flags);

/* Write s made visible into out (at most outsz bytes, always terminated
 * when outsz > 0, never cut inside a character or an escape) and return
 * the length the whole result needs, as snprintf does. NULL is "". */
size_t pt_sanitize(char *out, size_t outsz, const char *s, unsigned flags);

/* The same into a new string (free()); aborts on allocation failure. */
char *pt_sanitize_dup(const char *s, unsigned flags);

#endif
