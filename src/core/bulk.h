/* Onboarding many tenants from one CSV file: a header naming the columns
 * (schema_name, and optionally username and password, in any order), then
 * one tenant per record. Each tenant is created in its own transaction by
 * pt_tenant_create, so a bad or failing row costs only itself.
 */
#ifndef PT_BULK_H
#define PT_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conn.h"
#include "error.h"
#include "tenant.h"

/* Why a password is refused under utf8_passwords; also the single
 * create's message, so that both say the same. */
#define PT_BULK_NOT_UTF8 N_("the password is not valid UTF-8, which JSON cannot " \
                            "carry: use --format=csv or table")

struct pt_bulk_ops {
	/* A tenant was created from the record on line; c (and its secrets)
	 * is valid during the call only. */
	void (*created)(void *ud, unsigned long line, const struct pt_credentials *c);
	/* The record on line was not created; err says why. */
	void (*failed)(void *ud, unsigned long line, const pt_error *err);
	/* After every record: records done and their total (0 = unknown,
	 * the input could not be counted in advance). May be NULL. */
	void (*progress)(void *ud, size_t done, size_t total);
	/* Refuse a record whose password is not valid UTF-8, before creating
	 * it (the output cannot carry such a password: JSON). */
	bool utf8_passwords;
	/* Seconds the whole run may wait for input, in all (0 = no bound). */
	double input_timeout;
};

struct pt_bulk_result {
	size_t created;
	size_t failed;
	size_t sessions;           /* how many worked: --jobs, or fewer */
};

/* Create a tenant for every record of in, which must not have been read
 * from yet (secrets in it stay in secret memory; see csv.h). defaults
 * supplies what the file does not (user pattern, connection limit, expiry);
 * its schema_name, username and password are ignored. jobs sessions (0:
 * pt_bulk_default_jobs; at most PT_BULK_MAX_JOBS) create tenants at once:
 * db and jobs - 1 more like it, fewer when the server refuses them. Each
 * tenant is reported as its transaction ends, so with several sessions not
 * quite in the order of the file. With count_first and a regular file the
 * records are counted before anything is created, so that progress can
 * tell a total (never a pipe or a device: counting would consume it, or
 * never end).
 *
 * More than one session runs in worker processes (see bulk.c for why), which
 * hand their results back to this one: the callbacks are always called
 * here, one at a time.
 *
 * Returns PT_OK when the whole input was worked through, even if some
 * records failed (res says how many). A missing or bad header, a read error,
 * a cancel (the wait hook) or a connection that cannot be re-established
 * stops the run: the error says so, res counts what happened before, and
 * every tenant whose transaction committed was still reported. */
#define PT_BULK_MAX_JOBS 32
enum pt_status pt_bulk_create(pt_db *db, FILE *in,
                              const struct pt_tenant_config *defaults,
                              unsigned jobs, bool count_first,
                              const struct pt_bulk_ops *ops, void *ud,
                              struct pt_bulk_result *res, pt_error *err);

/* How many sessions a bulk run uses when not told. */
unsigned pt_bulk_default_jobs(pt_db *db);

#endif
