#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "bulk.h"
#include "csv.h"
#include "sanitize.h"

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

/* One session and the tenant whose transaction it is running. */
struct slot {
	pt_db *db;
	bool busy;
	unsigned long line;
	struct pt_tenant_job job;
};

/* Report a failed record; false (with fatal) when the run must stop: the
 * user canceled it, or the session is gone and cannot be re-established. */
static bool
record_failed(pt_db *db, unsigned long line, const pt_error *err,
              const struct pt_bulk_ops *ops, void *ud,
              struct pt_bulk_result *res, pt_error *fatal)
{
	pt_error again;

	res->failed++;
	ops->failed(ud, line, err);
	if (err->status == PT_ERR_CANCELED) {
		/* The front end asked to stop (Ctrl-C): that tenant was rolled
		 * back, and the rest must not be attempted. */
		pt_error_set(fatal, PT_ERR_CANCELED,
		             _("stopped at line %lu: canceled; later lines were not attempted"),
		             line);
		return false;
	}
	if (err->status != PT_ERR_CONNECTION_LOST || pt_db_alive(db))
		return true;
	/* Whether that tenant was committed is unknown (its line says the
	 * connection was lost); the rest can go in over a new connection. */
	if (pt_db_reconnect(db, &again) == PT_OK)
		return true;
	pt_error_set(fatal, PT_ERR_CONNECTION_LOST,
	             _("stopped after line %lu: the connection is lost and cannot be "
	               "re-established (%s); later lines were not attempted"),
	             line, again.message);
	return false;
}

/* Wait for the slot's tenant, if any, and report it. */
static bool
finish(struct slot *sl, const struct pt_bulk_ops *ops, void *ud,
       struct pt_bulk_result *res, pt_error *fatal)
{
	struct pt_credentials creds;
	pt_error err;

	if (!sl->busy)
		return true;
	sl->busy = false;
	if (pt_tenant_job_finish(sl->db, &sl->job, &creds, &err) != PT_OK)
		return record_failed(sl->db, sl->line, &err, ops, ud, res, fatal);
	res->created++;
	ops->created(ud, sl->line, &creds);
	pt_credentials_free(&creds);
	return true;
}

/* Finish every slot; the first fatal error wins. */
static bool
finish_all(struct slot *slots, size_t n, const struct pt_bulk_ops *ops, void *ud,
           struct pt_bulk_result *res, pt_error *fatal)
{
	bool ok = true;
	pt_error e;

	for (size_t i = 0; i < n; i++)
		if (!finish(&slots[i], ops, ud, res, ok ? fatal : &e))
			ok = false;
	return ok;
}

/* One record into the slot: hash its password while the server still runs
 * the slot's previous tenant (and the other slots theirs), then report that
 * one and send this one. */
static bool
create_one(struct slot *sl, const pt_csv_reader *r, const struct layout *lay,
           const struct pt_tenant_config *defaults, const struct pt_bulk_ops *ops,
           void *ud, struct pt_bulk_result *res, pt_error *fatal)
{
	unsigned long line = pt_csv_reader_line(r);
	struct pt_tenant_config cfg = *defaults;
	struct pt_tenant_job job;
	pt_error err;
	bool ok;

	if (pt_csv_reader_nfields(r) != lay->nfields) {
		pt_error_set(&err, PT_ERR_INVALID,
		             _("expected %zu fields as in the header, found %zu"),
		             lay->nfields, pt_csv_reader_nfields(r));
		ok = false;
	} else {
		cfg.schema_name = field_or_null(r, lay, COL_SCHEMA);
		cfg.username = field_or_null(r, lay, COL_USER);
		/* Still in the reader's secret memory; the job copies it into
		 * secret memory of its own. */
		cfg.password = field_or_null(r, lay, COL_PASSWORD);
		if (ops->utf8_passwords && !pt_utf8_valid(cfg.password)) {
			pt_error_set(&err, PT_ERR_INVALID, "%s", _(PT_BULK_NOT_UTF8));
			ok = false;
		} else
			ok = pt_tenant_job_prepare(sl->db, &cfg, &job, &err) == PT_OK;
	}
	if (!finish(sl, ops, ud, res, fatal)) {
		if (ok)
			pt_tenant_job_free(&job);
		return false;
	}
	if (ok && pt_tenant_job_send(sl->db, &job, &err) == PT_OK) {
		sl->busy = true;
		sl->line = line;
		sl->job = job;
		return true;
	}
	if (ok)
		pt_tenant_job_free(&job);
	return record_failed(sl->db, line, &err, ops, ud, res, fatal);
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

unsigned
pt_bulk_default_jobs(pt_db *db)
{
	(void)db;
	/* One. The client's SCRAM hash of each password is the bottleneck,
	 * and it runs in one thread: bench/run --scale measured 1,000 tenants
	 * into 50,000 at 10.3 s with one session, 15.9 s with two and 21.8 s
	 * with four on a busy 2-core machine, where the extra server
	 * processes only took CPU from the hashing. More sessions pay off
	 * when the server is far away (latency overlaps) or the client has
	 * cores to spare: --jobs. */
	return 1;
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
	pt_csv_reader *r = pt_csv_reader_open(in, 0);
	struct layout lay = { .nfields = 0 };
	struct slot slots[PT_BULK_MAX_JOBS];
	size_t total = 0, done = 0, nslots, next = 0;
	enum pt_csv_result got;
	enum pt_status st;
	pt_error e;

	memset(res, 0, sizeof *res);
	memset(slots, 0, sizeof slots);
	if (jobs == 0)
		jobs = pt_bulk_default_jobs(db);
	if (jobs > PT_BULK_MAX_JOBS)
		jobs = PT_BULK_MAX_JOBS;
	pt_csv_reader_set_time_limit(r, ops->input_timeout);
	if (count_first && regular_file(in))
		total = count_records(r);
	st = read_header(r, &lay, &e);
	/* Every session's tenants join the group: make it once, first. */
	if (st == PT_OK)
		st = pt_tenant_ensure_group(db, &e);
	nslots = st == PT_OK ? open_slots(db, jobs, slots) : 1;
	if (st == PT_OK)
		slots[0].db = db;
	while (st == PT_OK && (got = pt_csv_reader_next(r, &e)) != PT_CSV_END) {
		if (pt_db_cancel_requested(db)) {
			st = pt_error_set(&e, PT_ERR_CANCELED,
			                  _("stopped at line %lu: canceled; later lines were not "
			                    "attempted"), pt_csv_reader_line(r));
			break;
		}
		if (got == PT_CSV_ERROR) {
			pt_error bad = e;
			if (bad.status == PT_ERR_IO) {
				st = PT_ERR_IO;
				break;
			}
			res->failed++;
			ops->failed(ud, pt_csv_reader_line(r), &bad);
		} else if (!create_one(&slots[next], r, &lay, defaults, ops, ud, res, &e)) {
			st = e.status;
		}
		/* Round robin: the slot used longest ago is the likeliest done. */
		next = (next + 1) % nslots;
		/* Counted when read: the bar runs ahead of the server. */
		done++;
		/* A file that grew since it was counted: the total follows. */
		if (total && done > total)
			total = done;
		if (ops->progress)
			ops->progress(ud, done, total);
	}
	/* Stopped or not, every tenant in flight is reported: committed ones
	 * with their credentials. */
	if (st == PT_OK) {
		if (!finish_all(slots, nslots, ops, ud, res, &e))
			st = e.status;
	} else {
		pt_error keep = e;
		(void)finish_all(slots, nslots, ops, ud, res, &e);
		e = keep;
	}
	for (size_t i = 1; i < nslots; i++)
		pt_db_close(slots[i].db);
	pt_csv_reader_close(r);
	if (st == PT_OK)
		pt_error_clear(&e);
	if (err)
		*err = e;
	return st;
}
