/* How long the console's list model takes on 100,000 rows: the median of
 * one filter keystroke and of one sort. Run: make bench-programs &&
 * ./bench/tui_model [rows]. */
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

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	enum pt_model_kind k[4] = { PT_MODEL_STR, PT_MODEL_STR, PT_MODEL_NUM, PT_MODEL_NUM };
	char **name = pt_xcalloc(n + 1, sizeof *name);
	char **role = pt_xcalloc(n + 1, sizeof *role);
	struct pt_model m;
	double t0, build, first_rank, filt[RUNS], filt1[RUNS], sort[RUNS];
	static const char *const typed[] = { "7", "ac" };

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
	build = now_ms() - t0;

	for (int r = 0; r < RUNS; r++) {
		/* the first keystroke: from no filter to one character, every row */
		pt_model_filter(&m, "");
		t0 = now_ms();
		pt_model_filter(&m, typed[0]);
		filt1[r] = now_ms() - t0;
		/* a further keystroke narrowing an existing filter */
		pt_model_filter(&m, "a");
		t0 = now_ms();
		pt_model_filter(&m, typed[1]);
		filt[r] = now_ms() - t0;
	}
	pt_model_filter(&m, "");
	/* the first sort by the other string column ranks its strings once */
	t0 = now_ms();
	pt_model_sort(&m, 1, false);
	first_rank = now_ms() - t0;
	for (int r = 0; r < RUNS; r++) {
		t0 = now_ms();
		pt_model_sort(&m, r % 4, r % 2);
		sort[r] = now_ms() - t0;
	}
	printf("rows %zu\n", n);
	printf("build (pack search text, rank the sort column) %.2f ms\n", build);
	printf("first sort by another string column (ranks it) %.2f ms\n", first_rank);
	printf("filter first keystroke median %.3f ms\n", median(filt1));
	printf("filter next keystroke median %.3f ms\n", median(filt));
	printf("sort median %.3f ms\n", median(sort));
	pt_model_free(&m);
	for (size_t i = 0; i < n; i++) {
		free(name[i]);
		free(role[i]);
	}
	free(name);
	free(role);
	return 0;
}
