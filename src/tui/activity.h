/* The activity screen's model: every tenant's session (or every session)
 * as filterable, sortable rows, with no knowledge of curses, so that the
 * screen, the unit test and the benchmark run the same code. */
#ifndef PT_TUI_ACTIVITY_H
#define PT_TUI_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>

#include "ops.h"
#include "tui/model.h"

/* The model's columns, in the order s cycles them. The node column (on
 * Citus only) is last: elsewhere the model has one column less and a
 * sort never stops at an empty one. */
enum { AC_TENANT, AC_PID, AC_STATE, AC_TIME, AC_XACT, AC_WAIT, AC_APP, AC_CLIENT,
       AC_QUERY, AC_NODE, AC_COUNT };

struct pt_activity {
	struct pt_session_list list;    /* owned */
	struct pt_model model;
	char **wait;                    /* per row: pt_activity_waiting_on */
	char **who;                     /* per row: the tenant, or "(role)" */
	bool nodes;                     /* a row has a node: the column shows */
	bool have;
};

/* Take list (its rows move in; *list is emptied) and model it. The sort,
 * the filter and the selected session (by pid and start) of what a held
 * before stay; a fresh one sorts by duration, longest first. */
void pt_activity_set(struct pt_activity *a, struct pt_session_list *list,
                     const char *filter);
void pt_activity_free(struct pt_activity *a);
/* The selected session, or NULL. */
const struct pt_session *pt_activity_selected(const struct pt_activity *a);

/* The state as the screen shows it, in full: "waiting" for a session
 * waiting for a lock, else the server's word ("idle in transaction"). */
const char *pt_activity_state(const struct pt_session *s);
/* What a session waits for: "pid 12,34" holding its lock, else the wait
 * event ("Timeout:PgSleep"), else "-". malloc'd. */
char *pt_activity_waiting_on(const struct pt_session *s);
/* "45s", "12m03s", "5h07m", "3d04h"; "-" for a negative age. */
void pt_activity_age(long long s, char *buf, size_t bufsz);

#endif
