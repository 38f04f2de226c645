#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "bulk.h"
#include "citus.h"
#include "csv.h"
#include "sanitize.h"
#include "secret.h"

enum column { COL_SCHEMA, COL_USER, COL_PASSWORD, COL_COUNT };

static const char *const column_names[COL_COUNT] = {
	"schema_name", "username", "password"
};

/* Where each known column sits in a record; -1 = absent. */
struct layout {
	int at[COL_COUNT];
	size_t nfields;
};

/* err must not be NULL. */
static enum pt_status
read_header(pt_csv_reader *r, struct layout *lay, pt_error *err)
{
	enum pt_csv_result got = pt_csv_reader_next(r, err);

	if (got == PT_CSV_END)
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("the input is empty: it needs a header line such as "
		                      "\"schema_name,username,password\""));
	if (got == PT_CSV_ERROR) {
		if (err->status != PT_ERR_IO) {
			char why[sizeof err->message];
			memcpy(why, err->message, sizeof why);
			pt_error_set(err, PT_ERR_INVALID, _("line %lu: bad header: %s"),
			             pt_csv_reader_line(r), why);
		}
		return err->status;
	}
	for (int c = 0; c < COL_COUNT; c++)
		lay->at[c] = -1;
	lay->nfields = pt_csv_reader_nfields(r);
	for (size_t i = 0; i < lay->nfields; i++) {
		const char *name = pt_csv_reader_field(r, i);
		int c = 0;
		while (c < COL_COUNT && strcmp(name, column_names[c]) != 0)
			c++;
		if (c == COL_COUNT)
			return pt_error_set(err, PT_ERR_INVALID,
			                    _("line %lu: unknown column \"%s\": the header names "
			                      "schema_name and, if wanted, username and password"),
			                    pt_csv_reader_line(r), name);
		if (lay->at[c] >= 0)
			return pt_error_set(err, PT_ERR_INVALID,
			                    _("line %lu: column \"%s\" appears twice"),
			                    pt_csv_reader_line(r), name);
		lay->at[c] = (int)i;
	}
	if (lay->at[COL_SCHEMA] < 0)
		return pt_error_set(err, PT_ERR_INVALID,
		                    _("line %lu: the header has no schema_name column"),
		                    pt_csv_reader_line(r));
	return PT_OK;
}

/* The number of records after the header, or 0 when the input cannot be
 * read twice. Leaves the reader at the start. */
static size_t
count_records(pt_csv_reader *r)
{
	size_t n = 0;
	enum pt_csv_result got;
	pt_error err;

	while ((got = pt_csv_reader_next(r, &err)) != PT_CSV_END &&
	       !(got == PT_CSV_ERROR && err.status == PT_ERR_IO))
		n++;
	if (!pt_csv_reader_rewind(r))
		return 0;
	return n > 0 ? n - 1 : 0;
}

static const char *
field_or_null(const pt_csv_reader *r, const struct layout *lay, enum column c)
{
	return lay->at[c] < 0 ? NULL : pt_csv_reader_field(r, (size_t)lay->at[c]);
}

/* One record to create, copied out of the reader (whose fields the next
 * read overwrites). */
struct record {
	unsigned long line;
	char *schema, *user;
	char *password;            /* secret memory */
};

static void
record_free(struct record *rec)
{
	free(rec->schema);
	free(rec->user);
	pt_secret_free(rec->password);
	memset(rec, 0, sizeof *rec);
}

/* Where a session's records come from and where its results go: the
 * reader and the front end's callbacks when the session is this process's
 * own, the parent over a socket when it is a worker process's. */
struct feed {
	/* The next record, false when there is none to work on. */
	bool (*next)(void *fd, struct record *rec);
	/* A tenant committed; c's secrets are wiped by the caller. */
	void (*created)(void *fd, unsigned long line, const struct pt_credentials *c);
	void (*failed)(void *fd, unsigned long line, const pt_error *err);
	/* The run must stop: why. */
	void (*stop)(void *fd, const pt_error *why);
	void *ud;
};

/* Report a failed record; false when the run must stop (the user canceled
 * it, or the session is gone and cannot be re-established). */
static bool
record_failed(pt_db *db, const struct feed *f, unsigned long line, const pt_error *err)
{
	pt_error again, why;

	f->failed(f->ud, line, err);
	if (err->status == PT_ERR_CANCELED) {
		/* The front end asked to stop (Ctrl-C): that tenant was rolled
		 * back, and the rest must not be attempted. */
		pt_error_set(&why, PT_ERR_CANCELED,
		             _("stopped at line %lu: canceled; later lines were not attempted"),
		             line);
		f->stop(f->ud, &why);
		return false;
	}
	/* Whether that tenant was committed is unknown (its line says the
	 * connection was lost); the rest can go in over a new connection. */
	if (err->status != PT_ERR_CONNECTION_LOST || pt_db_alive(db) ||
	    pt_db_reconnect(db, &again) == PT_OK)
		return true;
	pt_error_set(&why, PT_ERR_CONNECTION_LOST,
	             _("stopped after line %lu: the connection is lost and cannot be "
	               "re-established (%s); later lines were not attempted"),
	             line, again.message);
	f->stop(f->ud, &why);
	return false;
}

/* The tenant a session is running, if any. */
struct inflight {
	bool busy;
	unsigned long line;
	struct pt_tenant_job job;
};

/* Wait for the session's tenant, if any. A committed one moves to done,
 * to be reported once the next tenant is on its way: building and handing
 * over its credentials took about 1 ms a tenant (1.15-1.28 s of client time
 * between 1,000 tenants' statements in the server's log) while the
 * session's backend had nothing to do. false when the run must stop. */
static bool
await_tenant(pt_db *db, const struct feed *f, struct inflight *fl, struct inflight *done)
{
	pt_error err;

	if (!fl->busy)
		return true;
	fl->busy = false;
	if (pt_tenant_job_wait(db, &fl->job, &err) != PT_OK)
		return record_failed(db, f, fl->line, &err);
	*done = *fl;
	done->busy = true;
	return true;
}

/* Report a committed tenant; false when the run must stop. */
static bool
report(pt_db *db, const struct feed *f, struct inflight *done)
{
	struct pt_credentials creds;
	pt_error err;

	if (!done->busy)
		return true;
	done->busy = false;
	if (pt_tenant_job_credentials(db, &done->job, &creds, &err) != PT_OK)
		return record_failed(db, f, done->line, &err);
	f->created(f->ud, done->line, &creds);
	pt_credentials_free(&creds);
	return true;
}

/* One session's records until the feed has no more or the run stops. The
 * password of each is hashed while the server still runs the one before;
 * the last is reported whatever happens. */
static void
run_session(pt_db *db, const struct pt_tenant_config *defaults, const struct feed *f)
{
	struct inflight fl = { .busy = false };
	struct record rec;

	while (f->next(f->ud, &rec)) {
		struct pt_tenant_config cfg = *defaults;
		struct inflight done = { .busy = false };
		struct pt_tenant_job job;
		pt_error err;
		bool ok;

		cfg.schema_name = rec.schema;
		cfg.username = rec.user;
		cfg.password = rec.password;
		ok = pt_tenant_job_prepare(db, &cfg, &job, &err) == PT_OK;
		if (!await_tenant(db, f, &fl, &done)) {
			if (ok)
				pt_tenant_job_free(&job);
			record_free(&rec);
			return;
		}
		if (ok && pt_tenant_job_send(db, &job, &err) == PT_OK) {
			fl.busy = true;
			fl.line = rec.line;
			fl.job = job;
			ok = report(db, f, &done);
		} else {
			if (ok)
				pt_tenant_job_free(&job);
			/* the lines are reported in their order */
			ok = report(db, f, &done) && record_failed(db, f, rec.line, &err);
		}
		record_free(&rec);
		if (!ok)
			break;
	}
	{
		struct inflight done = { .busy = false };

		if (await_tenant(db, f, &fl, &done))
			(void)report(db, f, &done);
	}
}

/* ---- the reader and the front end: this process ------------------------ */

struct source {
	pt_db *db;                 /* for the wait hook: Ctrl-C */
	pt_csv_reader *r;
	struct layout lay;
	const struct pt_bulk_ops *ops;
	void *ud;
	struct pt_bulk_result *res;
	size_t done, total;
	bool stop;                 /* read no further: the end, or a fatal error */
	enum pt_status st;         /* the first fatal error, and why */
	pt_error fatal;
};

static void
source_stop(void *ud, const pt_error *why)
{
	struct source *src = ud;

	if (src->st == PT_OK) {
		src->st = why->status;
		src->fatal = *why;
	}
	src->stop = true;
}

static void
source_failed(void *ud, unsigned long line, const pt_error *err)
{
	struct source *src = ud;

	src->res->failed++;
	src->ops->failed(src->ud, line, err);
}

static void
source_created(void *ud, unsigned long line, const struct pt_credentials *c)
{
	struct source *src = ud;

	src->res->created++;
	src->ops->created(src->ud, line, c);
}

static char *
dup_or_null(const char *s, bool secret)
{
	return !s ? NULL : secret ? pt_secret_strdup(s) : pt_xstrdup(s);
}

/* Did the front end ask to stop (Ctrl-C)? Then the run stops here. */
static bool
source_canceled(struct source *src)
{
	pt_error e;

	if (!pt_db_cancel_requested(src->db))
		return false;
	pt_error_set(&e, PT_ERR_CANCELED,
	             _("stopped at line %lu: canceled; later lines were not attempted"),
	             pt_csv_reader_line(src->r));
	source_stop(src, &e);
	return true;
}

/* The next record to create; the ones that cannot be are reported here. */
static bool
source_next(void *ud, struct record *rec)
{
	struct source *src = ud;
	const pt_csv_reader *r = src->r;
	enum pt_csv_result got;
	pt_error e;

	memset(rec, 0, sizeof *rec);
	while (!src->stop) {
		if (source_canceled(src))
			break;
		got = pt_csv_reader_next(src->r, &e);
		if (got == PT_CSV_END) {
			src->stop = true;
			break;
		}
		if (got == PT_CSV_ERROR && e.status == PT_ERR_IO) {
			source_stop(src, &e);
			break;
		}
		/* Counted when read: the bar runs ahead of the server. */
		src->done++;
		/* A file that grew since it was counted: the total follows. */
		if (src->total && src->done > src->total)
			src->total = src->done;
		if (src->ops->progress)
			src->ops->progress(src->ud, src->done, src->total);
		if (got == PT_CSV_ERROR) {
			source_failed(src, pt_csv_reader_line(r), &e);
			continue;
		}
		rec->line = pt_csv_reader_line(r);
		if (pt_csv_reader_nfields(r) != src->lay.nfields) {
			pt_error_set(&e, PT_ERR_INVALID,
			             _("expected %zu fields as in the header, found %zu"),
			             src->lay.nfields, pt_csv_reader_nfields(r));
			source_failed(src, rec->line, &e);
			continue;
		}
		if (src->ops->utf8_passwords &&
		    !pt_utf8_valid(field_or_null(r, &src->lay, COL_PASSWORD))) {
			pt_error_set(&e, PT_ERR_INVALID, "%s", _(PT_BULK_NOT_UTF8));
			source_failed(src, rec->line, &e);
			continue;
		}
		rec->schema = dup_or_null(field_or_null(r, &src->lay, COL_SCHEMA), false);
		rec->user = dup_or_null(field_or_null(r, &src->lay, COL_USER), false);
		rec->password = dup_or_null(field_or_null(r, &src->lay, COL_PASSWORD), true);
		return true;
	}
	return false;
}

/* ---- worker processes ----------------------------------------------------
 *
 * More sessions run in worker processes, not threads: the SCRAM hash of
 * each password is most of a tenant's client cost, and in one process
 * OpenSSL 3's locks serialise it: two threads hashed 600 passwords with
 * PQencryptPasswordConn in 3.1 s where one took 1.8 s and two processes
 * 0.93 s (scram.c hashes on OpenSSL too, at a third of the cost). This
 * process keeps the reader and the front end; each worker has a session of
 * its own and asks for one record at a time over a socket pair (kernel
 * memory only: a record holds a password), so that a stop reaches every
 * worker after its tenant in flight. */

enum msg_type {
	MSG_READY = 'R',           /* worker: send me a record */
	MSG_RECORD = 'r',          /* parent: line, schema, user, password */
	MSG_END = 'e',             /* parent: no more */
	MSG_CREATED = 'c',         /* worker: line, schema, user, password, generated */
	MSG_FAILED = 'f',          /* worker: line, pt_error */
	MSG_STOP = 'x',            /* worker: pt_error; it is finishing */
};

/* A record is at most PT_CSV_DEFAULT_MAX_RECORD bytes of fields. */
#define MSG_MAX (PT_CSV_DEFAULT_MAX_RECORD + 3 * sizeof(pt_error))

/* A message being built or read, in secret memory. */
struct msg {
	char *buf;
	size_t len, pos;
	bool bad;
};

static void
msg_init(struct msg *m)
{
	m->buf = pt_secret_alloc(MSG_MAX);
	m->len = m->pos = 0;
	m->bad = false;
}

static void
msg_free(struct msg *m)
{
	pt_secret_free(m->buf);
	m->buf = NULL;
}

static void
put_bytes(struct msg *m, const void *p, size_t n)
{
	if (m->len + n > MSG_MAX) {
		m->bad = true;
		return;
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static void
put_u64(struct msg *m, uint64_t v)
{
	put_bytes(m, &v, sizeof v);
}

/* A string, or NULL. */
static void
put_str(struct msg *m, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;

	put_bytes(m, &n, sizeof n);
	if (s)
		put_bytes(m, s, n);
}

static void
get_bytes(struct msg *m, void *p, size_t n)
{
	if (m->pos + n > m->len) {
		m->bad = true;
		memset(p, 0, n);
		return;
	}
	memcpy(p, m->buf + m->pos, n);
	m->pos += n;
}

static uint64_t
get_u64(struct msg *m)
{
	uint64_t v;

	get_bytes(m, &v, sizeof v);
	return v;
}

/* malloc'd (secret memory with secret), or NULL. */
static char *
get_str(struct msg *m, bool secret)
{
	uint32_t n;
	char *s;

	get_bytes(m, &n, sizeof n);
	if (m->bad || n == UINT32_MAX)
		return NULL;
	if (m->pos + n > m->len) {
		m->bad = true;
		return NULL;
	}
	s = secret ? pt_secret_alloc((size_t)n + 1) : pt_xmalloc((size_t)n + 1);
	memcpy(s, m->buf + m->pos, n);
	s[n] = '\0';
	m->pos += n;
	return s;
}

/* Send the message built (then wiped) or just its type; false when the
 * other side is gone. */
static bool
msg_send(int fd, struct msg *m, char type)
{
	ssize_t n;
	size_t len;

	m->buf[0] = type;
	if (m->len == 0 || m->bad)
		m->len = 1;
	len = m->len;
	do
		n = send(fd, m->buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	sodium_memzero(m->buf, len);
	m->len = 1;
	return n == (ssize_t)len;
}

/* Start a message of type (the first byte is the type). */
static void
msg_start(struct msg *m)
{
	m->len = 1;
	m->pos = 1;
	m->bad = false;
}

/* Read one message; its type, or 0 when the other side is gone. */
static char
msg_recv(int fd, struct msg *m)
{
	ssize_t n;

	do
		n = recv(fd, m->buf, MSG_MAX, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	m->len = (size_t)n;
	m->pos = 1;
	m->bad = false;
	return m->buf[0];
}

/* The worker's end: records from the parent, results to it. */
struct pipe_feed {
	int fd;
	struct msg m;
	bool gone;                 /* the parent is: stop */
};

static bool
pipe_next(void *ud, struct record *rec)
{
	struct pipe_feed *p = ud;
	char type;

	memset(rec, 0, sizeof *rec);
	if (p->gone)
		return false;
	msg_start(&p->m);
	if (!msg_send(p->fd, &p->m, MSG_READY) || (type = msg_recv(p->fd, &p->m)) != MSG_RECORD) {
		p->gone = true;
		return false;
	}
	rec->line = (unsigned long)get_u64(&p->m);
	rec->schema = get_str(&p->m, false);
	rec->user = get_str(&p->m, false);
	rec->password = get_str(&p->m, true);
	sodium_memzero(p->m.buf, p->m.len);
	if (p->m.bad) {
		record_free(rec);
		p->gone = true;
		return false;
	}
	return true;
}

static void
pipe_created(void *ud, unsigned long line, const struct pt_credentials *c)
{
	struct pipe_feed *p = ud;
	uint64_t generated = c->password_generated;

	msg_start(&p->m);
	put_u64(&p->m, line);
	put_str(&p->m, c->schema_name);
	put_str(&p->m, c->username);
	put_str(&p->m, c->password);
	put_u64(&p->m, generated);
	p->gone |= !msg_send(p->fd, &p->m, MSG_CREATED);
}

/* A pt_error as it crosses the pipe: what its strings do not use is
 * zeroed, so that none of this worker's stack goes with it. */
static void
put_error(struct msg *m, const pt_error *err)
{
	pt_error e;

	memset(&e, 0, sizeof e);
	e.status = err->status;
	memcpy(e.message, err->message, strnlen(err->message, sizeof e.message - 1));
	memcpy(e.detail, err->detail, strnlen(err->detail, sizeof e.detail - 1));
	memcpy(e.sqlstate, err->sqlstate, strnlen(err->sqlstate, sizeof e.sqlstate - 1));
	put_bytes(m, &e, sizeof e);
}

static void
pipe_failed(void *ud, unsigned long line, const pt_error *err)
{
	struct pipe_feed *p = ud;

	msg_start(&p->m);
	put_u64(&p->m, line);
	put_error(&p->m, err);
	p->gone |= !msg_send(p->fd, &p->m, MSG_FAILED);
}

static void
pipe_stop(void *ud, const pt_error *why)
{
	struct pipe_feed *p = ud;

	msg_start(&p->m);
	put_error(&p->m, why);
	p->gone |= !msg_send(p->fd, &p->m, MSG_STOP);
}

/* A worker process: a session of its own, then records until the end.
 * Never returns. It leaves through _exit: the parent's stdio buffers and
 * exit handlers are the parent's. */
static void
worker_main(pt_db *parent, int fd, const struct pt_tenant_config *defaults)
{
	struct pipe_feed p = { .fd = fd };
	const struct feed f = {
		.next = pipe_next, .created = pipe_created, .failed = pipe_failed,
		.stop = pipe_stop, .ud = &p,
	};
	pt_error e;
	pt_db *db;

	msg_init(&p.m);
	/* The parent's session is the parent's: never touched here. */
	db = pt_db_clone(parent, &e);
	if (!db) {
		/* no session: the others carry on without this one */
		msg_free(&p.m);
		_exit(3);
	}
	run_session(db, defaults, &f);
	pt_db_close(db);
	msg_free(&p.m);
	_exit(0);
}

struct worker {
	pid_t pid;
	int fd;                    /* -1: gone */
	bool ready;                /* it said READY at least once: a session */
};

/* Start n workers; returns how many started. */
static size_t
start_workers(pt_db *db, const struct pt_tenant_config *defaults, struct worker *w,
              size_t n)
{
	size_t k = 0;

	/* what is buffered is the parent's to write, once */
	fflush(stdout);
	fflush(stderr);
	for (size_t i = 0; i < n; i++) {
		int sv[2], size = 2 * (int)MSG_MAX;

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
			break;
		(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
		(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
		w[k].pid = fork();
		if (w[k].pid == 0) {
			close(sv[0]);
			for (size_t j = 0; j < k; j++)
				close(w[j].fd);
			worker_main(db, sv[1], defaults);
		}
		close(sv[1]);
		if (w[k].pid < 0) {
			close(sv[0]);
			break;
		}
		w[k].fd = sv[0];
		w[k].ready = false;
		k++;
	}
	return k;
}

/* A worker's message, acted on; false when the worker is gone. */
static bool
serve(struct source *src, struct worker *w, struct msg *m)
{
	struct pt_credentials creds;
	struct record rec;
	pt_error err;
	unsigned long line;
	char *schema, *user, *pw;
	bool generated;

	switch (msg_recv(w->fd, m)) {
	case MSG_READY:
		w->ready = true;
		msg_start(m);
		if (!source_next(src, &rec))
			return msg_send(w->fd, m, MSG_END);
		put_u64(m, rec.line);
		put_str(m, rec.schema);
		put_str(m, rec.user);
		put_str(m, rec.password);
		record_free(&rec);
		return msg_send(w->fd, m, MSG_RECORD);
	case MSG_CREATED:
		line = (unsigned long)get_u64(m);
		schema = get_str(m, false);
		user = get_str(m, false);
		pw = get_str(m, true);
		generated = get_u64(m) != 0;
		sodium_memzero(m->buf, m->len);
		if (m->bad || !schema || !user || !pw) {
			pt_secret_free(pw);
		} else if (pt_credentials_for(src->db, schema, user, pw, generated, &creds,
		                              &err) == PT_OK) {
			source_created(src, line, &creds);
			pt_credentials_free(&creds);
		} else {
			/* committed, but its connection string cannot be told */
			source_failed(src, line, &err);
		}
		free(schema);
		free(user);
		return true;
	case MSG_FAILED:
		line = (unsigned long)get_u64(m);
		get_bytes(m, &err, sizeof err);
		if (!m->bad)
			source_failed(src, line, &err);
		return true;
	case MSG_STOP:
		get_bytes(m, &err, sizeof err);
		if (!m->bad)
			source_stop(src, &err);
		return true;
	default:
		return false;
	}
}

/* Hand out records until every worker has finished; the reports come in
 * as each tenant commits. */
static void
run_workers(struct source *src, struct worker *w, size_t n)
{
	struct pollfd pfd[PT_BULK_MAX_JOBS];
	size_t alive = n;
	struct msg m;

	msg_init(&m);
	while (alive) {
		for (size_t i = 0; i < n; i++) {
			pfd[i].fd = w[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		/* a Ctrl-C is noticed within 50 ms even while nobody writes */
		if (poll(pfd, n, 50) < 0 && errno != EINTR)
			break;
		if (!src->stop)
			(void)source_canceled(src);
		for (size_t i = 0; i < n; i++)
			if (w[i].fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !serve(src, &w[i], &m)) {
				close(w[i].fd);
				w[i].fd = -1;
				alive--;
			}
	}
	msg_free(&m);
	for (size_t i = 0; i < n; i++) {
		int status;

		if (w[i].fd >= 0)
			close(w[i].fd);
		while (waitpid(w[i].pid, &status, 0) < 0 && errno == EINTR)
			;
		src->res->sessions += w[i].ready;
	}
}

/* Whether the server runs on this machine (a Unix socket, loopback, or
 * the same address at both ends), and the connections it has left for
 * this role: the smaller of its free slots (those kept for superusers
 * aside) and the role's own CONNECTION LIMIT less its open sessions. */
static const char server_sql[] =
	"SELECT pg_catalog.inet_server_addr() IS NULL"
	"    OR pg_catalog.inet_server_addr() = pg_catalog.inet_client_addr()"
	"    OR pg_catalog.inet_server_addr() <<= '127.0.0.0/8'"
	"    OR pg_catalog.inet_server_addr() = '::1',"
	" least("
	" pg_catalog.current_setting('max_connections')::int"
	"  - pg_catalog.current_setting('superuser_reserved_connections')::int"
	"  - (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity"
	"      WHERE backend_type = 'client backend')::int,"
	" (SELECT CASE WHEN r.rolconnlimit < 0 THEN NULL"
	"              ELSE r.rolconnlimit - (SELECT pg_catalog.count(*)"
	"                                       FROM pg_catalog.pg_stat_activity a"
	"                                      WHERE a.usename = r.rolname)::int END"
	"    FROM pg_catalog.pg_roles r WHERE r.rolname = current_user))";

unsigned
pt_bulk_default_jobs(pt_db *db)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs;
	PGresult *res;
	pt_error e;

	/* Most of a tenant's cost is two SCRAM hashes of its password: this
	 * process's (scram.c, about 1 ms) and the server's, which hashes the
	 * empty password with the verifier's salt to refuse an empty one (3.5
	 * ms of a CREATE ROLE on PostgreSQL 15 here). psql pays the server's
	 * too. One session hashes the next tenant while the server runs the
	 * current one, so it goes at one backend's pace (0.9-1.0x psql's
	 * time); more sessions give the server's hashes every processor.
	 * Measured on 2 cores, 1,000 tenants, alternating rounds, 2026-12-07:
	 * alone on the machine two sessions took 0.68-0.70x psql's time and
	 * four 0.72-0.79x; beside another job's build and tests four took
	 * 2.98-3.15 s where two took 3.83-4.34 s (psql 4.9 s), since each
	 * process gets its share of a busy processor. So a server on this
	 * machine gets two sessions per processor here, at most 4; for one
	 * elsewhere this machine only hashes: one per processor, 2 to 4.
	 * Never more than half the connections the server has left, so that
	 * onboarding leaves the applications their slots. */
	res = pt_db_query(db, server_sql, 0, NULL, _("asking the server how many sessions to use"),
	                  &e);
	/* A Citus coordinator on this machine: two. Each tenant's DDL waits
	 * for its propagation to every worker, which a second session fills;
	 * the workers' backends share these processors too. Measured on the
	 * 3-node loopback cluster (2 cores, load 4-5, 2026-12-06), create
	 * --from of 200 tenants, --jobs 4/2/1 in turn, twice: 6.4/5.8/8.4 s
	 * and 6.1/6.0/7.5 s; of 150: 3.6/2.9/3.1 s. */
	if (!res || PQntuples(res) != 1) {
		PQclear(res);
		return 1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		jobs = cpus > 4 ? 4 : cpus < 2 ? 2 : (unsigned)cpus;
	else if (pt_db_citus(db)->present)
		jobs = 2;
	else
		jobs = cpus * 2 > 4 ? 4 : cpus < 1 ? 2 : (unsigned)(cpus * 2);
	if (!PQgetisnull(res, 0, 1)) {
		long left = strtol(PQgetvalue(res, 0, 1), NULL, 10);
		unsigned half = left / 2 > 0 ? (unsigned)(left / 2) : 1;

		if (half < jobs)
			jobs = half;
	}
	PQclear(res);
	return jobs;
}

static bool
regular_file(FILE *in)
{
	struct stat st;

	return fileno(in) >= 0 && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode);
}

enum pt_status
pt_bulk_create(pt_db *db, FILE *in, const struct pt_tenant_config *defaults,
               unsigned jobs, bool count_first, const struct pt_bulk_ops *ops,
               void *ud, struct pt_bulk_result *res, pt_error *err)
{
	struct source src = {
		.db = db, .r = pt_csv_reader_open(in, 0), .ops = ops, .ud = ud, .res = res,
		.st = PT_OK,
	};
	const struct feed f = {
		.next = source_next, .created = source_created, .failed = source_failed,
		.stop = source_stop, .ud = &src,
	};
	struct worker w[PT_BULK_MAX_JOBS];
	size_t nw = 0;
	pt_error e;

	memset(res, 0, sizeof *res);
	if (jobs == 0)
		jobs = pt_bulk_default_jobs(db);
	if (jobs > PT_BULK_MAX_JOBS)
		jobs = PT_BULK_MAX_JOBS;
	pt_csv_reader_set_time_limit(src.r, ops->input_timeout);
	if (count_first && regular_file(in))
		src.total = count_records(src.r);
	src.st = read_header(src.r, &src.lay, &e);
	/* Every session's tenants join the group: make it once, first. */
	if (src.st == PT_OK)
		src.st = pt_tenant_ensure_group(db, &e);
	if (src.st != PT_OK)
		src.fatal = e;
	else if (jobs > 1 && (nw = start_workers(db, defaults, w, jobs)) > 0)
		run_workers(&src, w, nw);
	/* One session, or no worker could start (or connect: then this one
	 * finishes what they left, if the run did not stop). */
	if (src.st == PT_OK && !src.stop) {
		res->sessions++;
		run_session(db, defaults, &f);
	}
	pt_csv_reader_close(src.r);
	if (src.st == PT_OK)
		pt_error_clear(&src.fatal);
	if (err)
		*err = src.fatal;
	return src.st;
}
