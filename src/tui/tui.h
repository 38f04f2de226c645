/* The ncurses console. */
#ifndef PT_TUI_H
#define PT_TUI_H

#include <stdbool.h>

#include "conn.h"
#include "connstr.h"

/* What the console is started with: its own options, so that it does not
 * depend on the command-line front end's structures. */
struct pt_tui_opts {
	const char *target;            /* URL or conninfo; NULL = PG* variables */
	struct pt_connect_opts copts;
	bool no_color;
	const char *user_pattern;      /* NULL: the default */
	const char *progname;
	int refresh_s;                 /* auto-refresh interval in seconds; 0 = the
	                                  default, -1 = off */
	bool connection_limit_set;     /* new tenants' CONNECTION LIMIT, when the */
	int connection_limit;          /* configuration gave one (-1 none) */
	enum pt_connstr_format string_format;  /* the result screen's first form */
	int idle_xact_s;               /* tenants with a session idle in transaction
	                                  longer are marked; -1 = the default */
};

/* Open the console; returns the exit status. Refuses (exit 2, with a
 * message naming the scriptable commands) when stdin/stdout are not
 * terminals or the terminal is dumb or unknown. */
int pt_tui_run(const struct pt_tui_opts *opts);

#endif
