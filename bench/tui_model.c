/* How long the console's list model takes on 100,000 rows: the median of
 * one filter keystroke and of one sort. Run: make bench-programs &&
 * ./bench/tui_model [rows]; ./bench/tui_model --audit [findings] measures
 * the audit worklist's shape instead (five columns, a sentence of text
 * per finding searched by the filter); ./bench/tui_model --activity
 * [sessions] the activity screen's (default 1,000 sessions, the model
 * the screen rebuilds on every refresh). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "ops.h"
#include "tui/activity.h"
#include "tui/model.h"

#define RUNS 21

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v)
{
	qsort(v, RUNS, sizeof *v, dcmp);
	return v[RUNS / 2];
}

/* Filter keystrokes and sorts on a finished model of ncols columns; the
 * first sort by string column rank_col ranks it. */
static void
measure(struct pt_model *m, size_t n, int ncols, int rank_col, double build)
{
	static const char *const typed[] = { "7", "ac" };
	double t0, first_rank, filt[RUNS], filt1[RUNS], sort[RUNS];

	for (int r = 0; r < RUNS; r++) {
		/* the first keystroke: from no filter to one character, every row */
		pt_model_filter(m, "");
		t0 = now_ms();
		pt_model_filter(m, typed[0]);
		filt1[r] = now_ms() - t0;
		/* a further keystroke narrowing an existing filter */
		pt_model_filter(m, "a");
		t0 = now_ms();
		pt_model_filter(m, typed[1]);
		filt[r] = now_ms() - t0;
	}
	pt_model_filter(m, "");
	/* the first sort by the other string column ranks its strings once */
	t0 = now_ms();
	pt_model_sort(m, rank_col, false);
	first_rank = now_ms() - t0;
	for (int r = 0; r < RUNS; r++) {
		t0 = now_ms();
		pt_model_sort(m, r % ncols, r % 2);
		sort[r] = now_ms() - t0;
	}
	printf("rows %zu\n", n);
	printf("build (pack search text, rank the sort column) %.2f ms\n", build);
	printf("first sort by another string column (ranks it) %.2f ms\n", first_rank);
	printf("filter first keystroke median %.3f ms\n", median(filt1));
	printf("filter next keystroke median %.3f ms\n", median(filt));
	printf("sort median %.3f ms\n", median(sort));
}

/* Findings as the audit screen models them: severity, rule, role, schema,
 * and the finding's sentence (which the filter searches too). */
static int
audit_bench(size_t n)
{
	static const char *const rules[] = {
		"cross-tenant-table-grant", "public-schema-usage", "database-connect-public",
		"tenant-member-of-tenant", "password-never-expires", "large-object-grant",
	};
	enum pt_model_kind k[5] = { PT_MODEL_NUM, PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_STR,
	                            PT_MODEL_STR };
	char **role = pt_xcalloc(n + 1, sizeof *role), **schema = pt_xcalloc(n + 1, sizeof *schema);
	char **detail = pt_xcalloc(n + 1, sizeof *detail);
	struct pt_model m;
	double t0;

	srand(42);
	t0 = now_ms();
	pt_model_init(&m, n, 5, k);
	for (size_t i = 0; i < n; i++) {
		const char *rule = rules[(unsigned)rand() % 6];
		char *s;

		role[i] = pt_xasprintf("t%05zu_user", (size_t)rand() % 3000);
		schema[i] = pt_xasprintf("tenant_%05zu", i % 3000);
		detail[i] = pt_xasprintf("Tenant role %s holds SELECT on table %s.orders_%zu "
		                         "through a direct grant, so it reads another tenant's "
		                         "rows.", role[i], schema[i], i);
		pt_model_set_num(&m, i, 0, rand() % 4);
		pt_model_set_str(&m, i, 1, rule);
		pt_model_set_str(&m, i, 2, role[i]);
		pt_model_set_str(&m, i, 3, schema[i]);
		pt_model_set_str(&m, i, 4, detail[i]);
		s = pt_xasprintf("%s %s %s %s", rule, role[i], schema[i], detail[i]);
		pt_model_set_search(&m, i, s);
		free(s);
	}
	m.sort_desc = true;
	pt_model_finish(&m);
	measure(&m, n, 5, 4, now_ms() - t0);
	pt_model_free(&m);
	for (size_t i = 0; i < n; i++) {
		free(role[i]);
		free(schema[i]);
		free(detail[i]);
	}
	free(role);
	free(schema);
	free(detail);
	return 0;
}

/* Sessions as pt_activity_load gives them: 300 tenants, every state, a
 * tenth waiting for a lock, queries of a few hundred bytes, and one
 * session in twenty an admin's. */
static void
fake_sessions(struct pt_session_list *l, size_t n)
{
	static const char *const states[] = { "active", "idle", "idle in transaction", "active" };

	memset(l, 0, sizeof *l);
	l->rows = pt_xcalloc(n + 1, sizeof *l->rows);
	l->n = n;
	for (size_t i = 0; i < n; i++) {
		struct pt_session *s = &l->rows[i];
		size_t t = (size_t)rand() % 300;

		s->tenant = i % 20 != 0;
		s->schemas = s->tenant ? pt_xasprintf("tenant_%c%c_%04zu", 'a' + (int)(t % 26),
		                                      'a' + (int)(t / 26 % 26), t) : NULL;
		s->role = s->tenant ? pt_xasprintf("t%04zu_user", t) : pt_xstrdup("admin");
		s->pid = 10000 + (int)i;
		s->state = pt_xstrdup(states[(unsigned)rand() % 4]);
		s->duration = (double)(rand() % 100000) / 1000.0;
		s->state_age = (long long)s->duration;
		s->xact_age = rand() % 3 ? rand() % 600 : -1;
		if (i % 10 == 0) {
			s->wait_event_type = pt_xstrdup("Lock");
			s->wait_event = pt_xstrdup("relation");
			s->blocked_by = pt_xasprintf("%d", 10000 + (int)(i / 2));
		} else {
			s->wait_event_type = pt_xstrdup("Client");
			s->wait_event = pt_xstrdup("ClientRead");
		}
		s->application_name = pt_xasprintf("app-%zu", i % 17);
		s->client = pt_xasprintf("10.0.%zu.%zu", i / 250, i % 250);
		s->backend_start = pt_xasprintf("2026-12-06T21:%02zu:%02zu.000000Z", i / 60 % 60, i % 60);
		s->query = pt_xasprintf("SELECT o.id, o.total, c.name FROM orders o JOIN customers c "
		                        "ON c.id = o.customer_id WHERE o.created_at > now() - "
		                        "interval '%zu days' AND o.status = 'open' ORDER BY o.total "
		                        "DESC LIMIT 50 /* request %zu */", i % 30, i);
	}
}

static int
activity_bench(size_t n)
{
	struct pt_activity a;
	struct pt_session_list l;
	double t0, build, reload[RUNS];

	srand(42);
	memset(&a, 0, sizeof a);
	fake_sessions(&l, n);
	t0 = now_ms();
	pt_activity_set(&a, &l, "");
	build = now_ms() - t0;
	/* what every refresh costs: a new list modelled, sort and filter kept */
	for (int r = 0; r < RUNS; r++) {
		fake_sessions(&l, n);
		t0 = now_ms();
		pt_activity_set(&a, &l, "idle");
		reload[r] = now_ms() - t0;
	}
	pt_model_filter(&a.model, "");
	measure(&a.model, n, a.model.ncols, AC_APP, build);
	printf("refresh (model a new list, sort and filter kept) median %.3f ms\n",
	       median(reload));
	pt_activity_free(&a);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t n;
	enum pt_model_kind k[4] = { PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_NUM, PT_MODEL_NUM };
	char **name, **role;
	struct pt_model m;
	double t0;

	if (argc > 1 && !strcmp(argv[1], "--activity"))
		return activity_bench(argc > 2 ? strtoul(argv[2], NULL, 10) : 1000);
	if (argc > 1 && !strcmp(argv[1], "--audit"))
		return audit_bench(argc > 2 ? strtoul(argv[2], NULL, 10) : 5000);
	n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	name = pt_xcalloc(n + 1, sizeof *name);
	role = pt_xcalloc(n + 1, sizeof *role);
	srand(42);
	t0 = now_ms();
	pt_model_init(&m, n, 4, k);
	for (size_t i = 0; i < n; i++) {
		unsigned r = (unsigned)rand();

		name[i] = pt_xasprintf("tenant_%c%c%c_%06zu", 'a' + r % 26,
		                       'a' + (r / 26) % 26, 'a' + (r / 676) % 26, i);
		role[i] = pt_xasprintf("%s_user", name[i] + 7);
		pt_model_set_str(&m, i, 0, name[i]);
		pt_model_set_str(&m, i, 1, role[i]);
		pt_model_set_num(&m, i, 2, rand() % 500);
		pt_model_set_num(&m, i, 3, (int64_t)rand() * 4096);
		char *s = pt_xasprintf("%s %s", name[i], role[i]);
		pt_model_set_search(&m, i, s);
		free(s);
	}
	pt_model_finish(&m);
	measure(&m, n, 4, 1, now_ms() - t0);
	pt_model_free(&m);
	for (size_t i = 0; i < n; i++) {
		free(name[i]);
		free(role[i]);
	}
	free(name);
	free(role);
	return 0;
}
