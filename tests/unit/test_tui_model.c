/* The console's list model: filter, sort and the visible window. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "tui/activity.h"
#include "tui/model.h"

static const char *names[] = { "tenant_bravo", "tenant_alpha", "Tenant_Charlie",
                               "shared", "tenant_alpha2" };
static const int64_t sizes[] = { 300, 100, 200, -1, 100 };
#define N (sizeof names / sizeof *names)

static void
build(struct pt_model *m)
{
	enum pt_model_kind k[2] = { PT_MODEL_STR, PT_MODEL_NUM };

	pt_model_init(m, N, 2, k);
	for (size_t i = 0; i < N; i++) {
		pt_model_set_str(m, i, 0, names[i]);
		pt_model_set_num(m, i, 1, sizes[i]);
		pt_model_set_search(m, i, names[i]);
	}
	pt_model_finish(m);
}

static const char *
visname(const struct pt_model *m, size_t i)
{
	return names[m->vis[i]];
}

static void
sort_by_name(void **state)
{
	struct pt_model m;

	(void)state;
	build(&m);
	/* byte order: upper case sorts before lower case */
	assert_int_equal(m.nvis, N);
	assert_string_equal(visname(&m, 0), "Tenant_Charlie");
	assert_string_equal(visname(&m, 1), "shared");
	assert_string_equal(visname(&m, 2), "tenant_alpha");
	assert_string_equal(visname(&m, 3), "tenant_alpha2");
	assert_string_equal(visname(&m, 4), "tenant_bravo");
	pt_model_sort(&m, 0, true);
	assert_string_equal(visname(&m, 0), "tenant_bravo");
	assert_string_equal(visname(&m, 4), "Tenant_Charlie");
	pt_model_free(&m);
}

static void
sort_by_number_is_stable_and_signed(void **state)
{
	struct pt_model m;

	(void)state;
	build(&m);
	pt_model_sort(&m, 1, false);
	assert_string_equal(visname(&m, 0), "shared");          /* -1 first */
	/* the two 100s keep the name order they had */
	assert_string_equal(visname(&m, 1), "tenant_alpha");
	assert_string_equal(visname(&m, 2), "tenant_alpha2");
	assert_string_equal(visname(&m, 3), "Tenant_Charlie");
	assert_string_equal(visname(&m, 4), "tenant_bravo");
	pt_model_sort(&m, 1, true);
	assert_string_equal(visname(&m, 0), "tenant_bravo");
	assert_string_equal(visname(&m, 4), "shared");
	pt_model_free(&m);
}

static void
filter_case_insensitive_and_narrowing(void **state)
{
	struct pt_model m;

	(void)state;
	build(&m);
	pt_model_filter(&m, "ALPHA");
	assert_int_equal(m.nvis, 2);
	pt_model_filter(&m, "ALPHA2");
	assert_int_equal(m.nvis, 1);
	assert_string_equal(visname(&m, 0), "tenant_alpha2");
	/* widening again must look at every row, not the narrowed set */
	pt_model_filter(&m, "a");
	assert_int_equal(m.nvis, 5);
	pt_model_filter(&m, "charlie");
	assert_int_equal(m.nvis, 1);
	pt_model_filter(&m, "zzz");
	assert_int_equal(m.nvis, 0);
	assert_true(pt_model_selected(&m) == PT_MODEL_NONE);
	pt_model_filter(&m, "");
	assert_int_equal(m.nvis, N);
	pt_model_free(&m);
}

static void
selection_survives_filter_and_sort(void **state)
{
	struct pt_model m;

	(void)state;
	build(&m);
	assert_true(pt_model_select_row(&m, 0));       /* tenant_bravo */
	pt_model_sort(&m, 1, true);
	assert_int_equal(pt_model_selected(&m), 0);
	pt_model_filter(&m, "tenant");
	assert_int_equal(pt_model_selected(&m), 0);
	pt_model_filter(&m, "alpha");
	assert_true(pt_model_selected(&m) != 0);       /* filtered out: moves */
	pt_model_free(&m);
}

static void
window_follows_selection(void **state)
{
	enum pt_model_kind k[1] = { PT_MODEL_NUM };
	struct pt_model m;

	(void)state;
	pt_model_init(&m, 100, 1, k);
	for (size_t i = 0; i < 100; i++) {
		pt_model_set_num(&m, i, 0, (int64_t)i);
		pt_model_set_search(&m, i, "x");
	}
	pt_model_finish(&m);
	assert_int_equal(pt_model_window(&m, 10), 0);
	pt_model_move(&m, 15);
	assert_int_equal(m.sel, 15);
	assert_int_equal(pt_model_window(&m, 10), 6);   /* sel on the last line */
	pt_model_move(&m, -3);
	assert_int_equal(pt_model_window(&m, 10), 6);   /* still visible: no scroll */
	pt_model_move(&m, -1000);
	assert_int_equal(m.sel, 0);
	assert_int_equal(pt_model_window(&m, 10), 0);
	pt_model_end(&m);
	assert_int_equal(m.sel, 99);
	assert_int_equal(pt_model_window(&m, 10), 90);
	/* the window grows (resize): no blank space below the last row */
	assert_int_equal(pt_model_window(&m, 50), 50);
	pt_model_home(&m);
	assert_int_equal(pt_model_window(&m, 200), 0);
	pt_model_move(&m, 1000);
	assert_int_equal(m.sel, 99);
	pt_model_free(&m);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Ranking packs 8 bytes after the shared prefix into an integer: strings
 * that tie there, are prefixes of each other or are equal must still come
 * out in strcmp order, equal ones in their previous order. */
static void
sort_matches_strcmp(void **state)
{
	enum pt_model_kind k[1] = { PT_MODEL_STR };
	static const char *const stems[] = { "tenant_", "tenant_abcdefgh", "tenant_abcdefghi",
	                                     "tenant_abcdefgh_x", "tenant_z", "tenant_", "tenant_\xc3\xa9" };
	enum { N2 = 3000 };
	char *strs[N2], *sorted[N2];
	struct pt_model m;

	(void)state;
	srand(7);
	for (size_t i = 0; i < N2; i++) {
		char buf[64];

		snprintf(buf, sizeof buf, "%s%.*s", stems[rand() % 7], rand() % 4, "abcz" + rand() % 2);
		strs[i] = strdup(buf);
		sorted[i] = strs[i];
	}
	qsort(sorted, N2, sizeof *sorted, cmp_str);
	pt_model_init(&m, N2, 1, k);
	for (size_t i = 0; i < N2; i++) {
		pt_model_set_str(&m, i, 0, strs[i]);
		pt_model_set_search(&m, i, strs[i]);
	}
	pt_model_finish(&m);
	for (size_t i = 0; i < N2; i++)
		assert_string_equal(strs[m.vis[i]], sorted[i]);
	for (size_t i = 1; i < N2; i++)
		if (!strcmp(strs[m.vis[i - 1]], strs[m.vis[i]]))
			assert_true(m.vis[i - 1] < m.vis[i]);   /* stable */
	pt_model_sort(&m, 0, true);
	for (size_t i = 0; i < N2; i++)
		assert_string_equal(strs[m.vis[i]], sorted[N2 - 1 - i]);
	pt_model_free(&m);
	for (size_t i = 0; i < N2; i++)
		free(strs[i]);
}

/* Both filter paths: one scan of all the text, and narrowing the rows
 * that passed (taken when few did). A newline in a row's text must not
 * let a match span two rows. */
static void
filter_scan_and_narrow(void **state)
{
	enum pt_model_kind k[1] = { PT_MODEL_NUM };
	struct pt_model m;
	char buf[32];

	(void)state;
	pt_model_init(&m, 1000, 1, k);
	for (size_t i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, i == 500 ? "end\nnext" : "Row%zu", i);
		pt_model_set_num(&m, i, 0, (int64_t)i);
		pt_model_set_search(&m, i, buf);
	}
	pt_model_finish(&m);
	pt_model_filter(&m, "row12");            /* 12, 120..129 */
	assert_int_equal(m.nvis, 11);
	pt_model_filter(&m, "row123");           /* narrowed */
	assert_int_equal(m.nvis, 1);
	assert_int_equal(pt_model_selected(&m), 123);
	pt_model_filter(&m, "row9");             /* widened: all rows again */
	assert_int_equal(m.nvis, 111);
	assert_int_equal(m.vis[0], 9);           /* in sort order */
	assert_int_equal(m.vis[110], 999);
	pt_model_filter(&m, "499end");       /* never across two rows */
	assert_int_equal(m.nvis, 0);
	pt_model_filter(&m, "end next");         /* the newline reads as a space */
	assert_int_equal(m.nvis, 1);
	pt_model_filter(&m, "w999");
	assert_int_equal(m.nvis, 1);             /* the last row's text is found */
	pt_model_free(&m);
}

static void
empty_model(void **state)
{
	enum pt_model_kind k[1] = { PT_MODEL_STR };
	struct pt_model m;

	(void)state;
	pt_model_init(&m, 0, 1, k);
	pt_model_finish(&m);
	pt_model_filter(&m, "a");
	pt_model_sort(&m, 0, true);
	pt_model_move(&m, 5);
	pt_model_end(&m);
	assert_true(pt_model_selected(&m) == PT_MODEL_NONE);
	assert_int_equal(pt_model_window(&m, 10), 0);
	pt_model_free(&m);
}

/* ---- the activity screen's model ---------------------------------------- */

static char *
dup(const char *s)
{
	return s ? pt_xstrdup(s) : NULL;
}

static void
add_session(struct pt_session_list *l, const char *schema, const char *role, int pid,
            const char *state, double duration, const char *blocked_by,
            const char *wait_type, const char *query, const char *started, const char *node)
{
	struct pt_session *s;

	l->rows = realloc(l->rows, (l->n + 1) * sizeof *l->rows);
	assert_non_null(l->rows);
	s = &l->rows[l->n++];
	memset(s, 0, sizeof *s);
	s->schemas = dup(schema);
	s->role = dup(role);
	s->tenant = schema != NULL;
	s->pid = pid;
	s->state = dup(state);
	s->duration = duration;
	s->state_age = (long long)duration;
	s->xact_age = -1;
	s->blocked_by = dup(blocked_by);
	s->wait_event_type = dup(wait_type);
	s->query = dup(query);
	s->backend_start = dup(started);
	s->node = dup(node);
	s->application_name = dup("psql");
}

static void
sessions(struct pt_session_list *l, bool with_admin)
{
	memset(l, 0, sizeof *l);
	add_session(l, "tenant_acme", "acme_user", 101, "active", 2.5, NULL, "Timeout",
	            "SELECT pg_sleep(600)", "2026-01-01T00:00:01.000001Z", NULL);
	add_session(l, "tenant_acme", "acme_user", 102, "active", 30.25, "101", "Lock",
	            "SELECT * FROM t", "2026-01-01T00:00:02.000001Z", NULL);
	add_session(l, "tenant_blackmesa_labs", "labs_user", 103, "idle in transaction", 0.5,
	            NULL, "Client", "SELECT 1", "2026-01-01T00:00:03.000001Z", NULL);
	if (with_admin)
		add_session(l, NULL, "admin", 104, "active", 99.0, NULL, NULL, "VACUUM",
		            "2026-01-01T00:00:04.000001Z", NULL);
}

static int
vis_pid(const struct pt_activity *a, size_t i)
{
	return a->list.rows[a->model.vis[i]].pid;
}

static void
activity_sort_filter_keep(void **state)
{
	struct pt_activity a;
	struct pt_session_list l;
	(void)state;

	memset(&a, 0, sizeof a);
	sessions(&l, false);
	pt_activity_set(&a, &l, "");
	assert_int_equal(l.n, 0);           /* the rows moved in */
	assert_int_equal(a.model.ncols, AC_COUNT - 1);   /* no node column */
	/* longest first, to the microsecond */
	assert_int_equal(a.model.nvis, 3);
	assert_int_equal(vis_pid(&a, 0), 102);
	assert_int_equal(vis_pid(&a, 1), 101);
	assert_int_equal(vis_pid(&a, 2), 103);
	/* states in full; a lock wait is "waiting" and names its blocker */
	assert_string_equal(pt_activity_state(&a.list.rows[1]), "waiting");
	assert_string_equal(pt_activity_state(&a.list.rows[2]), "idle in transaction");
	assert_string_equal(a.wait[1], "pid 101");
	/* the filter: states, the word "waiting", tenants, case-insensitive */
	pt_model_filter(&a.model, "WAITING");
	assert_int_equal(a.model.nvis, 1);
	assert_int_equal(vis_pid(&a, 0), 102);
	pt_model_filter(&a.model, "idle in trans");
	assert_int_equal(a.model.nvis, 1);
	assert_int_equal(vis_pid(&a, 0), 103);
	pt_model_filter(&a.model, "acme");
	assert_int_equal(a.model.nvis, 2);
	pt_model_select_row(&a.model, 0);   /* pid 101 */
	pt_model_sort(&a.model, AC_PID, false);
	/* a reload (with an admin's session now) keeps sort, filter and the
	 * selected session */
	sessions(&l, true);
	pt_activity_set(&a, &l, "acme");
	assert_int_equal(a.model.sort_col, AC_PID);
	assert_int_equal(a.model.nvis, 2);
	assert_int_equal(vis_pid(&a, 0), 101);
	assert_non_null(pt_activity_selected(&a));
	assert_int_equal(pt_activity_selected(&a)->pid, 101);
	/* the admin's session: marked where the tenant would be */
	pt_model_filter(&a.model, "");
	assert_int_equal(a.model.nvis, 4);
	assert_string_equal(a.who[3], "(admin)");
	assert_false(a.list.rows[3].tenant);
	pt_activity_free(&a);
}

static void
activity_nodes_and_ages(void **state)
{
	struct pt_activity a;
	struct pt_session_list l;
	char buf[32];
	(void)state;

	memset(&a, 0, sizeof a);
	sessions(&l, false);
	free(l.rows[0].node);
	l.rows[0].node = dup("worker1:5432");
	pt_activity_set(&a, &l, "worker1");
	assert_true(a.nodes);
	assert_int_equal(a.model.ncols, AC_COUNT);
	assert_int_equal(a.model.nvis, 1);
	pt_activity_free(&a);
	/* an empty list is a model too */
	memset(&l, 0, sizeof l);
	pt_activity_set(&a, &l, "x");
	assert_int_equal(a.model.nvis, 0);
	assert_null(pt_activity_selected(&a));
	pt_activity_free(&a);
	pt_activity_age(-1, buf, sizeof buf);
	assert_string_equal(buf, "-");
	pt_activity_age(725, buf, sizeof buf);
	assert_string_equal(buf, "12m05s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sort_by_name),
		cmocka_unit_test(sort_by_number_is_stable_and_signed),
		cmocka_unit_test(filter_case_insensitive_and_narrowing),
		cmocka_unit_test(selection_survives_filter_and_sort),
		cmocka_unit_test(window_follows_selection),
		cmocka_unit_test(sort_matches_strcmp),
		cmocka_unit_test(filter_scan_and_narrow),
		cmocka_unit_test(empty_model),
		cmocka_unit_test(activity_sort_filter_keep),
		cmocka_unit_test(activity_nodes_and_ages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
