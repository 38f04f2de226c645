#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "bulk.h"
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

/* What the workers share. The reader, the counts and the front end's
 * callbacks are used under the lock only, so a front end never sees two
 * calls at once; the hashing and the waiting for the server happen
 * outside it, and that is what runs in parallel. */
struct shared {
	pthread_mutex_t lock;
	pt_csv_reader *r;
	struct layout lay;
	const struct pt_tenant_config *defaults;
	const struct pt_bulk_ops *ops;
	void *ud;
	struct pt_bulk_result *res;
	size_t done, total;
	bool stop;                 /* read no further: the end, or a fatal error */
	enum pt_status st;         /* the first fatal error, and why */
	pt_error fatal;
};

/* One session, the thread working it, and the tenant whose transaction
 * the session is running. */
struct slot {
	struct shared *sh;
	pt_db *db;
	pthread_t thread;
	bool started;
	bool busy;
	unsigned long line;
	struct pt_tenant_job job;
};

/* One record, copied out of the reader (whose fields the next read
 * overwrites) so that it can be worked on outside the lock. */
struct record {
	unsigned long line;
	char *schema, *user;
	char *password;            /* secret memory */
	pt_error bad;              /* PT_OK, or why the record is refused */
};

static void
record_free(struct record *rec)
{
	free(rec->schema);
	free(rec->user);
	pt_secret_free(rec->password);
	memset(rec, 0, sizeof *rec);
}

static char *
dup_or_null(const char *s, bool secret)
{
	return !s ? NULL : secret ? pt_secret_strdup(s) : pt_xstrdup(s);
}

/* The first fatal error stops every worker; later ones are only reported
 * by the records they hit. Under the lock. */
static void
stop_with(struct shared *sh, const pt_error *why)
{
	if (sh->st == PT_OK) {
		sh->st = why->status;
		sh->fatal = *why;
	}
	sh->stop = true;
}

/* Report a failed record; false when the run must stop (the user canceled
 * it, or the session is gone and cannot be re-established). */
static bool
record_failed(struct slot *sl, unsigned long line, const pt_error *err)
{
	struct shared *sh = sl->sh;
	pt_error again, why;
	bool go_on = true;

	/* Whether that tenant was committed is unknown (its line says the
	 * connection was lost); the rest can go in over a new connection. */
	if (err->status == PT_ERR_CONNECTION_LOST && !pt_db_alive(sl->db) &&
	    pt_db_reconnect(sl->db, &again) != PT_OK) {
		pt_error_set(&why, PT_ERR_CONNECTION_LOST,
		             _("stopped after line %lu: the connection is lost and cannot be "
		               "re-established (%s); later lines were not attempted"),
		             line, again.message);
		go_on = false;
	} else if (err->status == PT_ERR_CANCELED) {
		/* The front end asked to stop (Ctrl-C): that tenant was rolled
		 * back, and the rest must not be attempted. */
		pt_error_set(&why, PT_ERR_CANCELED,
		             _("stopped at line %lu: canceled; later lines were not attempted"),
		             line);
		go_on = false;
	}
	pthread_mutex_lock(&sh->lock);
	sh->res->failed++;
	sh->ops->failed(sh->ud, line, err);
	if (!go_on)
		stop_with(sh, &why);
	pthread_mutex_unlock(&sh->lock);
	return go_on;
}

/* Wait for the slot's tenant, if any, and report it. */
static bool
finish(struct slot *sl)
{
	struct shared *sh = sl->sh;
	struct pt_credentials creds;
	pt_error err;

	if (!sl->busy)
		return true;
	sl->busy = false;
	if (pt_tenant_job_finish(sl->db, &sl->job, &creds, &err) != PT_OK)
		return record_failed(sl, sl->line, &err);
	pthread_mutex_lock(&sh->lock);
	sh->res->created++;
	sh->ops->created(sh->ud, sl->line, &creds);
	pthread_mutex_unlock(&sh->lock);
	pt_credentials_free(&creds);
	return true;
}

/* The next record for a worker, or false when there is none to work on.
 * Records the reader refuses are reported here. Under the lock. */
static bool
next_record(struct slot *sl, struct record *rec)
{
	struct shared *sh = sl->sh;
	const pt_csv_reader *r = sh->r;
	enum pt_csv_result got;
	pt_error e;

	memset(rec, 0, sizeof *rec);
	while (!sh->stop) {
		if (pt_db_cancel_requested(sl->db)) {
			pt_error_set(&e, PT_ERR_CANCELED,
			             _("stopped at line %lu: canceled; later lines were not "
			               "attempted"), pt_csv_reader_line(r));
			stop_with(sh, &e);
			break;
		}
		got = pt_csv_reader_next(sh->r, &e);
		if (got == PT_CSV_END) {
			sh->stop = true;
			break;
		}
		/* Counted when read: the bar runs ahead of the server. */
		sh->done++;
		/* A file that grew since it was counted: the total follows. */
		if (sh->total && sh->done > sh->total)
			sh->total = sh->done;
		if (got == PT_CSV_ERROR && e.status == PT_ERR_IO) {
			stop_with(sh, &e);
			break;
		}
		if (sh->ops->progress)
			sh->ops->progress(sh->ud, sh->done, sh->total);
		if (got == PT_CSV_ERROR) {
			sh->res->failed++;
			sh->ops->failed(sh->ud, pt_csv_reader_line(r), &e);
			continue;
		}
		rec->line = pt_csv_reader_line(r);
		if (pt_csv_reader_nfields(r) != sh->lay.nfields) {
			pt_error_set(&rec->bad, PT_ERR_INVALID,
			             _("expected %zu fields as in the header, found %zu"),
			             sh->lay.nfields, pt_csv_reader_nfields(r));
			return true;
		}
		rec->schema = dup_or_null(field_or_null(r, &sh->lay, COL_SCHEMA), false);
		rec->user = dup_or_null(field_or_null(r, &sh->lay, COL_USER), false);
		rec->password = dup_or_null(field_or_null(r, &sh->lay, COL_PASSWORD), true);
		return true;
	}
	return false;
}

/* One record into the slot: hash its password while the server still runs
 * the slot's previous tenant, then report that one and send this one. */
static bool
create_one(struct slot *sl, struct record *rec)
{
	struct shared *sh = sl->sh;
	struct pt_tenant_config cfg = *sh->defaults;
	struct pt_tenant_job job;
	pt_error err = rec->bad;
	bool ok = err.status == PT_OK;

	if (ok) {
		cfg.schema_name = rec->schema;
		cfg.username = rec->user;
		cfg.password = rec->password;
		if (sh->ops->utf8_passwords && !pt_utf8_valid(cfg.password)) {
			pt_error_set(&err, PT_ERR_INVALID, "%s", _(PT_BULK_NOT_UTF8));
			ok = false;
		} else
			ok = pt_tenant_job_prepare(sl->db, &cfg, &job, &err) == PT_OK;
	}
	if (!finish(sl)) {
		if (ok)
			pt_tenant_job_free(&job);
		return false;
	}
	if (ok && pt_tenant_job_send(sl->db, &job, &err) == PT_OK) {
		sl->busy = true;
		sl->line = rec->line;
		sl->job = job;
		return true;
	}
	if (ok)
		pt_tenant_job_free(&job);
	return record_failed(sl, rec->line, &err);
}

/* A worker: records from the shared reader into its own session until the
 * input ends or the run stops; then its last tenant is reported, committed
 * or not. Every worker hashes on its own CPU: with one session the client's
 * SCRAM hash of each password, not the server, sets the pace. */
static void *
work(void *arg)
{
	struct slot *sl = arg;
	struct shared *sh = sl->sh;
	struct record rec;
	bool more;

	for (;;) {
		pthread_mutex_lock(&sh->lock);
		more = next_record(sl, &rec);
		pthread_mutex_unlock(&sh->lock);
		if (!more)
			break;
		more = create_one(sl, &rec);
		record_free(&rec);
		if (!more)
			break;
	}
	(void)finish(sl);
	return NULL;
}

/* The sessions to run: db itself and up to jobs - 1 more. A session that
 * cannot be opened (connection slots, CONNECTION LIMIT) only means fewer. */
static size_t
open_slots(pt_db *db, unsigned jobs, struct slot *slots)
{
	size_t n = 1;
	pt_error e;

	slots[0].db = db;
	while (n < jobs && (slots[n].db = pt_db_clone(db, &e)) != NULL)
		n++;
	return n;
}

/* The connections the server has left for this role: the smaller of the
 * server's free slots (those kept for superusers aside) and the role's own
 * CONNECTION LIMIT less its open sessions. */
static const char headroom_sql[] =
	"SELECT least("
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
	unsigned jobs = cpus < 2 ? 2 : cpus > 4 ? 4 : (unsigned)cpus;
	PGresult *res;
	pt_error e;

	/* A session per processor here, each hashing in its own thread: the
	 * client's SCRAM hash (PQencryptPasswordConn, milliseconds a password)
	 * is most of a tenant's cost, and the server's DDL overlaps with it.
	 * bench/run --scale measured 1,000 tenants into 50,000 on 2 cores.
	 * But never more than half the connections the server has left, so
	 * that onboarding does not take the slots the applications need. */
	res = pt_db_query(db, headroom_sql, 0, NULL, _("counting free connections"), &e);
	if (res && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		long left = strtol(PQgetvalue(res, 0, 0), NULL, 10);
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
	struct shared sh = {
		.r = pt_csv_reader_open(in, 0), .defaults = defaults, .ops = ops, .ud = ud,
		.res = res, .st = PT_OK,
	};
	struct slot slots[PT_BULK_MAX_JOBS];
	size_t nslots = 1;
	pt_error e;

	memset(res, 0, sizeof *res);
	memset(slots, 0, sizeof slots);
	pthread_mutex_init(&sh.lock, NULL);
	if (jobs == 0)
		jobs = pt_bulk_default_jobs(db);
	if (jobs > PT_BULK_MAX_JOBS)
		jobs = PT_BULK_MAX_JOBS;
	/* A libpq built without thread safety: one session, no threads. */
	if (!PQisthreadsafe())
		jobs = 1;
	pt_csv_reader_set_time_limit(sh.r, ops->input_timeout);
	if (count_first && regular_file(in))
		sh.total = count_records(sh.r);
	sh.st = read_header(sh.r, &sh.lay, &e);
	/* Every session's tenants join the group: make it once, first. */
	if (sh.st == PT_OK)
		sh.st = pt_tenant_ensure_group(db, &e);
	if (sh.st != PT_OK)
		sh.fatal = e;
	else
		nslots = open_slots(db, jobs, slots);
	for (size_t i = 0; sh.st == PT_OK && i < nslots; i++) {
		slots[i].sh = &sh;
		/* db's own slot runs on this thread, the others on their own; a
		 * thread that cannot start leaves its session unused. */
		slots[i].started = i == 0 ||
			pthread_create(&slots[i].thread, NULL, work, &slots[i]) == 0;
		res->sessions += slots[i].started;
	}
	if (sh.st == PT_OK)
		work(&slots[0]);
	/* Stopped or not, every worker reports its tenant in flight:
	 * committed ones with their credentials. */
	for (size_t i = 1; i < nslots; i++) {
		if (slots[i].started)
			pthread_join(slots[i].thread, NULL);
		pt_db_close(slots[i].db);
	}
	pthread_mutex_destroy(&sh.lock);
	pt_csv_reader_close(sh.r);
	if (sh.st == PT_OK)
		pt_error_clear(&sh.fatal);
	if (err)
		*err = sh.fatal;
	return sh.st;
}
