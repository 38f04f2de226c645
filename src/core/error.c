#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"

static const struct {
	int exit_code;
	const char *text;
} status_info[] = {
#define PT_STATUS_INFO(code, exit, text) { exit, text },
	PT_STATUS_LIST(PT_STATUS_INFO)
#undef PT_STATUS_INFO
};

const char *
pt_status_text(enum pt_status status)
{
	if ((unsigned)status >= PT_STATUS_COUNT)
		pt_die("bad status %d", (int)status);
	return _(status_info[status].text);
}

int
pt_status_exit_code(enum pt_status status)
{
	if ((unsigned)status >= PT_STATUS_COUNT)
		pt_die("bad status %d", (int)status);
	return status_info[status].exit_code;
}

void
pt_error_clear(pt_error *err)
{
	if (!err)
		return;
	err->status = PT_OK;
	err->message[0] = err->detail[0] = err->sqlstate[0] = '\0';
}

enum pt_status
pt_error_set(pt_error *err, enum pt_status status, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	pt_error_clear(err);
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return status;
}

/* libpq messages end in a newline and may span several lines with
 * tab-indented continuations: keep them to one line of single spaces so
 * that a front end can show them in a status bar. */
static void
copy_one_line(char *dst, size_t dstsz, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < dstsz; src++) {
		char c = (*src == '\n' || *src == '\r' || *src == '\t') ? ' ' : *src;
		if (c == ' ' && (n == 0 || dst[n - 1] == ' '))
			continue;
		dst[n++] = c;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

enum pt_status
pt_error_from_result(pt_error *err, const PGresult *res, const PGconn *conn,
                     const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *severity = res ? PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
	enum pt_status status = PT_ERR_SERVER;
	char server[512];

	if (conn && PQstatus(conn) == CONNECTION_BAD)
		status = PT_ERR_CONNECTION_LOST;
	else if (state && (!strcmp(state, "42710") || !strcmp(state, "42P06") ||
	                   !strcmp(state, "23505")))
		status = PT_ERR_EXISTS;
	else if (state && !strcmp(state, "42501"))
		status = PT_ERR_PERMISSION;
	else if (state && !strcmp(state, "25006"))
		status = PT_ERR_READ_ONLY;
	else if (state && !strcmp(state, "57014"))
		status = PT_ERR_CANCELED;
	else if (state && !strcmp(state, "55P03"))
		status = PT_ERR_LOCKED;
	else if (state && (!strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
	                   !strcmp(state, "57P02") || !strcmp(state, "57P03")))
		/* An ERROR (not FATAL) from a server that still answers us is
		 * about another connection: a Citus coordinator's to a worker,
		 * named in the message. Ours is fine; saying it was lost would
		 * send the DBA after the wrong server. */
		status = conn && PQstatus(conn) == CONNECTION_OK && severity &&
		         !strcmp(severity, "ERROR") ? PT_ERR_NODE : PT_ERR_CONNECTION_LOST;

	if (primary)
		copy_one_line(server, sizeof server, primary);
	else if (res && *PQresultErrorMessage(res))
		copy_one_line(server, sizeof server, PQresultErrorMessage(res));
	else if (conn)
		copy_one_line(server, sizeof server, PQerrorMessage(conn));
	else
		server[0] = '\0';

	if (!err)
		return status;
	pt_error_clear(err);
	err->status = status;
	if (server[0])
		snprintf(err->message, sizeof err->message, "%s: %s: %s", what,
		         pt_status_text(status), server);
	else
		snprintf(err->message, sizeof err->message, "%s: %s", what,
		         pt_status_text(status));
	if (detail && hint)
		snprintf(err->detail, sizeof err->detail, "%s %s", detail, hint);
	else if (detail || hint)
		copy_one_line(err->detail, sizeof err->detail, detail ? detail : hint);
	if (state)
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", state);
	return status;
}

static void (*die_hook)(void);

void
pt_set_die_hook(void (*hook)(void))
{
	die_hook = hook;
}

void
pt_die(const char *fmt, ...)
{
	void (*hook)(void) = die_hook;
	va_list ap;

	die_hook = NULL;
	if (hook)
		hook();
	fputs("pgtenant: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
pt_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		pt_die("out of memory (%zu bytes)", n);
	return p;
}

void *
pt_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		pt_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
pt_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		pt_die("out of memory (%zu bytes)", n);
	return q;
}

char *
pt_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(pt_xmalloc(n), s, n);
}

char *
pt_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		pt_die("bad format string");
	s = pt_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

double
pt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
