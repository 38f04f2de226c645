/* How long the console's list model takes on 100,000 rows: the median of
 * one filter keystroke and of one sort. Run: make bench-programs &&
 * ./bench/tui_model [rows]; ./bench/tui_model --audit [findings] measures
 * the audit worklist's shape instead (five columns, a sentence of text
 * per finding searched by the filter). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
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

int
main(int argc, char **argv)
{
	size_t n;
	enum pt_model_kind k[4] = { PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_NUM, PT_MODEL_NUM };
	char **name, **role;
	struct pt_model m;
	double t0;

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
