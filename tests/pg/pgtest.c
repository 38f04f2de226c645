#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "pgtest.h"

static char *
vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		fail_msg("cannot format SQL");
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		fail_msg("out of memory");
	return d;
}

char *
pgt_admin_conninfo(const char *dbname)
{
	const char *db = dbname ? dbname : getenv("PGDATABASE");
	char *s;

	if (!getenv("PGHOST") || !getenv("PGPORT"))
		fail_msg("PGHOST/PGPORT unset: run through tests/lib/run-test");
	if (asprintf(&s, "host='%s' port='%s' user='%s' dbname='%s'", getenv("PGHOST"),
	             getenv("PGPORT"), getenv("PGUSER") ? getenv("PGUSER") : "pgtadmin",
	             db ? db : "postgres") < 0)
		fail_msg("out of memory");
	return s;
}

PGconn *
pgt_admin(const char *dbname)
{
	char *ci = pgt_admin_conninfo(dbname);
	PGconn *c = PQconnectdb(ci);

	free(ci);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("admin connection failed: %s", PQerrorMessage(c));
	return c;
}

PGconn *
pgt_login(const char *connstr, char *why, size_t whysz)
{
	const char *keys[] = { "dbname", "connect_timeout", NULL };
	const char *vals[] = { connstr, "10", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);

	if (PQstatus(c) == CONNECTION_OK) {
		if (why && whysz)
			why[0] = '\0';
		return c;
	}
	if (why && whysz)
		snprintf(why, whysz, "%s", PQerrorMessage(c));
	PQfinish(c);
	return NULL;
}

static PGresult *
run(PGconn *c, const char *fmt, va_list ap, char **sql_out)
{
	char *sql = vformat(fmt, ap);
	PGresult *r = PQexec(c, sql);

	*sql_out = sql;
	return r;
}

static bool
ok(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

void
pgt_sql(PGconn *c, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	PGresult *r;

	va_start(ap, fmt);
	r = run(c, fmt, ap, &sql);
	va_end(ap);
	if (!ok(r))
		fail_msg("SQL failed: %s\n  %s", sql, PQerrorMessage(c));
	PQclear(r);
	free(sql);
}

const char *
pgt_state(PGconn *c, const char *fmt, ...)
{
	static char state[6];
	va_list ap;
	char *sql;
	PGresult *r;
	const char *s;

	va_start(ap, fmt);
	r = run(c, fmt, ap, &sql);
	va_end(ap);
	s = ok(r) ? "00000" : PQresultErrorField(r, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof state, "%s", s ? s : "?????");
	PQclear(r);
	free(sql);
	return state;
}

static char *
vvalue(PGconn *c, const char *fmt, va_list ap)
{
	char *sql, *v = NULL;
	PGresult *r = run(c, fmt, ap, &sql);

	if (!ok(r))
		fail_msg("SQL failed: %s\n  %s", sql, PQerrorMessage(c));
	if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
		v = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	free(sql);
	return v;
}

char *
pgt_value(PGconn *c, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = vvalue(c, fmt, ap);
	va_end(ap);
	return v;
}

long
pgt_count(PGconn *c, const char *fmt, ...)
{
	va_list ap;
	char *v, *end;
	long n;

	va_start(ap, fmt);
	v = vvalue(c, fmt, ap);
	va_end(ap);
	if (!v)
		fail_msg("no number from: %s", fmt);
	n = strtol(v, &end, 10);
	if (*end)
		fail_msg("not a number: %s", v);
	free(v);
	return n;
}

void
pgt_census(PGconn *admin, struct pgt_census *out)
{
	out->roles = pgt_count(admin, "SELECT count(*) FROM pg_catalog.pg_roles");
	out->schemas = pgt_count(admin, "SELECT count(*) FROM pg_catalog.pg_namespace");
	out->databases = pgt_count(admin, "SELECT count(*) FROM pg_catalog.pg_database");
}

void
pgt_assert_census_equal(const struct pgt_census *a, const struct pgt_census *b)
{
	if (a->roles != b->roles || a->schemas != b->schemas || a->databases != b->databases)
		fail_msg("something changed: roles %ld -> %ld, schemas %ld -> %ld, "
		         "databases %ld -> %ld", a->roles, b->roles, a->schemas, b->schemas,
		         a->databases, b->databases);
}

char *
pgt_read_log(size_t *len)
{
	const char *path = getenv("PT_TEST_SERVER_LOG");
	FILE *f = path ? fopen(path, "rb") : NULL;
	size_t cap = 1 << 16, n = 0, r;
	char *buf;

	if (!f)
		fail_msg("cannot read the server log %s", path ? path : "(PT_TEST_SERVER_LOG unset)");
	buf = malloc(cap);
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 2)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf)
		fail_msg("out of memory");
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void
pgt_log_sync(PGconn *admin)
{
	char marker[64], *log;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	snprintf(marker, sizeof marker, "pgtest_log_sync_%ld_%d", (long)time(NULL),
	         (int)getpid() ^ rand());
	pgt_sql(admin, "SELECT '%s'", marker);
	for (int i = 0; i < 250; i++) {   /* 5 seconds */
		bool found;
		log = pgt_read_log(NULL);
		found = strstr(log, marker) != NULL;
		free(log);
		if (found)
			return;
		nanosleep(&pause, NULL);
	}
	fail_msg("the server log never showed %s", marker);
}

/* Drain two pipes while feeding a third, so no pipe buffer can deadlock. */
static void
pump(int in_fd, const char *in, int out_fd, char **out, int err_fd, char **err)
{
	size_t in_len = in ? strlen(in) : 0, in_off = 0;
	size_t cap[2] = { 1024, 1024 }, len[2] = { 0, 0 };
	char *buf[2] = { malloc(cap[0]), malloc(cap[1]) };
	int fds[2] = { out_fd, err_fd };

	if (!buf[0] || !buf[1])
		fail_msg("out of memory");
	if (in_len == 0) {
		close(in_fd);
		in_fd = -1;
	}
	while (fds[0] >= 0 || fds[1] >= 0 || in_fd >= 0) {
		struct pollfd p[3] = {
			{ .fd = fds[0], .events = POLLIN },
			{ .fd = fds[1], .events = POLLIN },
			{ .fd = in_fd, .events = POLLOUT },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail_msg("poll: %s", strerror(errno));
		}
		for (int i = 0; i < 2; i++) {
			ssize_t r;
			if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (cap[i] - len[i] < 512 && !(buf[i] = realloc(buf[i], cap[i] *= 2)))
				fail_msg("out of memory");
			r = read(fds[i], buf[i] + len[i], cap[i] - len[i] - 1);
			if (r > 0)
				len[i] += (size_t)r;
			else if (r == 0 || errno != EINTR) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
		if (in_fd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in_fd, in + in_off, in_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 && errno != EINTR && errno != EAGAIN)
				in_off = in_len;   /* the child closed stdin: stop feeding */
			if (in_off == in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
	}
	buf[0][len[0]] = '\0';
	buf[1][len[1]] = '\0';
	*out = buf[0];
	*err = buf[1];
}

void
pgt_run(struct pgt_proc *p, const char *stdin_text, const char *const *argv)
{
	int in[2], out[2], err[2], st;
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	pid_t pid;

	memset(p, 0, sizeof *p);
	if (pipe(in) || pipe(out) || pipe(err))
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/* A session of its own: no controlling terminal, so nothing can
		 * prompt on /dev/tty and hang the test. */
		setsid();
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	pump(in[1], stdin_text, out[0], &p->out, err[0], &p->err);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	signal(SIGPIPE, old_pipe);
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void
pgt_pgtenant(struct pgt_proc *p, const char *stdin_text, ...)
{
	const char *argv[64];
	const char *bin = getenv("PGTENANT");
	size_t n = 0;
	va_list ap;

	if (!bin)
		fail_msg("PGTENANT unset: run through make check");
	argv[n++] = bin;
	va_start(ap, stdin_text);
	while ((argv[n] = va_arg(ap, const char *)) != NULL)
		if (++n == sizeof argv / sizeof *argv - 1)
			fail_msg("too many arguments");
	va_end(ap);
	pgt_run(p, stdin_text, argv);
}

void
pgt_proc_free(struct pgt_proc *p)
{
	free(p->out);
	free(p->err);
	memset(p, 0, sizeof *p);
}
