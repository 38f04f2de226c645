/* The user configuration file, $XDG_CONFIG_HOME/pgtenant/config: the
 * defaults a DBA sets once. Command-line options override it.
 *
 * (Not "config.h": that name is autoconf's, and a quoted include would find
 * a src/config.h first from every file in src/.)
 */
#ifndef PT_USERCONF_H
#define PT_USERCONF_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "cli/output.h"
#include "connstr.h"

/* What the file said; NULL / "not set" for every key it did not mention. */
struct pt_userconf {
	char *tenant_host;
	char *tenant_port;
	char *tenant_sslrootcert;
	char *user_pattern;
	bool string_format_set;
	enum pt_connstr_format string_format;
	int color;                 /* -1 not set, 0 off, 1 on */
	bool format_set;
	enum pt_format format;
	int lock_timeout_ms;       /* 0 not set, -1 wait forever (lock_timeout = 0) */
	bool connection_limit_set;
	int connection_limit;      /* -1 none (connection_limit = 0) */
	int idle_xact_s;           /* -1 not set */
};

void pt_userconf_init(struct pt_userconf *uc);
void pt_userconf_free(struct pt_userconf *uc);

/* The file's path: $XDG_CONFIG_HOME/pgtenant/config when XDG_CONFIG_HOME is
 * an absolute path, else $HOME/.config/pgtenant/config. NULL when neither
 * variable helps. The caller frees the result. */
char *pt_userconf_path(void);

/* Apply one line (without its newline) of the file named name to uc. Blank
 * lines and "#" comments are accepted and ignored. On a bad line, returns
 * PT_ERR_USAGE with "NAME:LINENO: what is wrong" in err. */
enum pt_status pt_userconf_parse_line(struct pt_userconf *uc, const char *line,
                                      const char *name, unsigned lineno,
                                      pt_error *err);

/* Read every line of in. Stops at the first bad line. */
enum pt_status pt_userconf_parse(struct pt_userconf *uc, FILE *in,
                                 const char *name, pt_error *err);

/* A lock_timeout in seconds ("5", "0.5"; 0 = wait forever) into the
 * milliseconds of pt_connect_opts.lock_timeout_ms (-1 = forever). False
 * for anything else, or more than a day. */
bool pt_lock_timeout_parse(const char *s, int *ms);

/* Whole seconds from 0 to 86400 ("60") into *secs: how long a session
 * may sit idle in a transaction before its tenant is marked. False for
 * anything else. */
bool pt_idle_xact_parse(const char *s, int *secs);

/* Read the file at path into uc. A file that does not exist is no error
 * (PT_OK with uc unchanged); one that cannot be read is PT_ERR_USAGE. */
enum pt_status pt_userconf_load(struct pt_userconf *uc, const char *path,
                                pt_error *err);

#endif
