/* The activity screen's model: see activity.h. No curses here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui/activity.h"

const char *
pt_activity_state(const struct pt_session *s)
{
	if (pt_session_waiting(s))
		return "waiting";
	return s->state && *s->state ? s->state : "-";
}

char *
pt_activity_waiting_on(const struct pt_session *s)
{
	if (s->blocked_by && *s->blocked_by)
		/* the pids first: they are what x and X need, and a cut must
		 * not take them */
		return pt_xasprintf(_("pid %s"), s->blocked_by);
	if (s->wait_event_type)
		return pt_xasprintf("%s:%s", s->wait_event_type, s->wait_event ? s->wait_event : "");
	return pt_xstrdup("-");
}

void
pt_activity_age(long long s, char *buf, size_t bufsz)
{
	if (s < 0)
		snprintf(buf, bufsz, "-");
	else if (s < 60)
		snprintf(buf, bufsz, "%llds", s);
	else if (s < 3600)
		snprintf(buf, bufsz, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, bufsz, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, bufsz, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

static void
free_rows(struct pt_activity *a)
{
	for (size_t i = 0; i < a->list.n; i++) {
		free(a->wait[i]);
		free(a->who[i]);
	}
	free(a->wait);
	free(a->who);
	a->wait = a->who = NULL;
	pt_session_list_free(&a->list);
}

void
pt_activity_set(struct pt_activity *a, struct pt_session_list *list, const char *filter)
{
	static const enum pt_model_kind kinds[AC_COUNT] = {
		[AC_TENANT] = PT_MODEL_STR, [AC_PID] = PT_MODEL_NUM, [AC_STATE] = PT_MODEL_STR,
		[AC_TIME] = PT_MODEL_NUM, [AC_XACT] = PT_MODEL_NUM, [AC_WAIT] = PT_MODEL_STR,
		[AC_APP] = PT_MODEL_STR, [AC_CLIENT] = PT_MODEL_STR, [AC_QUERY] = PT_MODEL_STR,
		[AC_NODE] = PT_MODEL_STR,
	};
	int col = a->have ? a->model.sort_col : AC_TIME;
	bool desc = a->have ? a->model.sort_desc : true;
	const struct pt_session *was = pt_activity_selected(a);
	int keep_pid = was ? was->pid : 0;
	char *keep_start = was && was->backend_start ? pt_xstrdup(was->backend_start) : NULL;
	struct pt_model *m = &a->model;
	size_t n = list->n;
	bool nodes = false;

	if (a->have) {
		pt_model_free(m);
		free_rows(a);
	}
	a->list = *list;
	memset(list, 0, sizeof *list);
	for (size_t i = 0; i < n; i++)
		nodes = nodes || a->list.rows[i].node;
	a->nodes = nodes;
	if (col >= AC_COUNT - !nodes)
		col = AC_TIME;
	a->wait = pt_xcalloc(n + 1, sizeof *a->wait);
	a->who = pt_xcalloc(n + 1, sizeof *a->who);
	pt_model_init(m, n, AC_COUNT - !nodes, kinds);
	for (size_t i = 0; i < n; i++) {
		const struct pt_session *s = &a->list.rows[i];
		char *hay = pt_session_search_text(s);

		a->wait[i] = pt_activity_waiting_on(s);
		/* a session that is no tenant's says so where the tenant would be */
		a->who[i] = s->tenant ? pt_xstrdup(s->schemas ? s->schemas : "")
		                      : pt_xasprintf("(%s)", s->role ? s->role : "?");
		pt_model_set_str(m, i, AC_TENANT, a->who[i]);
		pt_model_set_num(m, i, AC_PID, s->pid);
		pt_model_set_str(m, i, AC_STATE, pt_activity_state(s));
		pt_model_set_num(m, i, AC_TIME, s->duration < 0 ? -1 : (int64_t)(s->duration * 1e6));
		pt_model_set_num(m, i, AC_XACT, s->xact_age);
		pt_model_set_str(m, i, AC_WAIT, a->wait[i]);
		pt_model_set_str(m, i, AC_APP, s->application_name);
		pt_model_set_str(m, i, AC_CLIENT, s->client);
		pt_model_set_str(m, i, AC_QUERY, s->query);
		if (nodes)
			pt_model_set_str(m, i, AC_NODE, s->node);
		pt_model_set_search(m, i, hay);
		free(hay);
	}
	m->sort_col = col;
	m->sort_desc = desc;
	pt_model_finish(m);
	pt_model_filter(m, filter ? filter : "");
	a->have = true;
	for (size_t i = 0; keep_pid && i < n; i++) {
		const struct pt_session *s = &a->list.rows[i];

		if (s->pid == keep_pid && (!keep_start || (s->backend_start &&
		                                           !strcmp(s->backend_start, keep_start)))) {
			pt_model_select_row(m, i);
			break;
		}
	}
	free(keep_start);
}

void
pt_activity_free(struct pt_activity *a)
{
	if (!a->have)
		return;
	pt_model_free(&a->model);
	free_rows(a);
	memset(a, 0, sizeof *a);
}

const struct pt_session *
pt_activity_selected(const struct pt_activity *a)
{
	size_t r;

	if (!a->have)
		return NULL;
	r = pt_model_selected(&a->model);
	return r == PT_MODEL_NONE ? NULL : &a->list.rows[r];
}
