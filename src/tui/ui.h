/* The console's engine, shared by the screens. Only the engine (engine.c)
 * owns the terminal's set-up; screens draw into the body window they are
 * given and act on actions, never on raw keys (forms excepted: they take
 * printable characters through their input callback first). */
#ifndef PT_TUI_UI_H
#define PT_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include <curses.h>

#include "catalog.h"
#include "conn.h"
#include "connstr.h"
#include "ops.h"
#include "roleinfo.h"
#include "tenant.h"
#include "lib/pgtenant.h"
#include "tui/model.h"
#include "tui/tui.h"

#undef CTRL
#define CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

/* Tmux split panes: every screen works down to this. */
#define PT_UI_MIN_COLS 60
#define PT_UI_MIN_LINES 15

/* X(action, command-line name, help text). The keymap below binds keys
 * to these; the help screen and the command line are generated from it. */
#define PT_ACTION_LIST(X) \
	X(ACT_NONE,        NULL,          NULL) \
	X(ACT_HELP,        "help",        N_("show this help, generated from the keymap")) \
	X(ACT_QUIT,        "quit",        N_("quit the console (also :q)")) \
	X(ACT_CLOSE,       NULL,          N_("go back; on the first screen, quit")) \
	X(ACT_UP,          NULL,          N_("move the selection up")) \
	X(ACT_DOWN,        NULL,          N_("move the selection down")) \
	X(ACT_PGUP,        NULL,          N_("page up")) \
	X(ACT_PGDN,        NULL,          N_("page down")) \
	X(ACT_HOME,        NULL,          N_("first row")) \
	X(ACT_END,         NULL,          N_("last row")) \
	X(ACT_ENTER,       NULL,          N_("open the selection / confirm")) \
	X(ACT_BACK,        "back",        N_("go back; cancel the form or the filter")) \
	X(ACT_FILTER,      "filter",      N_("filter as you type (Enter keeps it, Esc clears it)")) \
	X(ACT_SORT,        "sort",        N_("sort by the next column")) \
	X(ACT_SORT_REV,    NULL,          N_("reverse the sort order")) \
	X(ACT_REFRESH,     "refresh",     N_("reload from the server")) \
	X(ACT_NEXT_SCREEN, NULL,          N_("switch between tenants, roles and audit")) \
	X(ACT_CREATE,      "create",      N_("create a tenant (schema + login role)")) \
	X(ACT_DROP,        "drop",        N_("drop the selected tenant (type its name to confirm)")) \
	X(ACT_ROTATE,      "rotate",      N_("give the selected tenant a new password")) \
	X(ACT_DETAIL,      "detail",      N_("show who can reach the selected schema")) \
	X(ACT_ROLES,       "roles",       N_("show roles")) \
	X(ACT_TENANTS,     "tenants",     N_("show tenants")) \
	X(ACT_AUDIT,       "audit",       N_("audit tenant isolation")) \
	X(ACT_HARDEN,      "harden",      N_("preview the database-wide hardening")) \
	X(ACT_COMMAND,     NULL,          N_("open the command line (Tab completes)")) \
	X(ACT_RECONNECT,   "reconnect",   N_("reconnect to the server")) \
	X(ACT_NEXT_FIELD,  NULL,          N_("next field")) \
	X(ACT_PREV_FIELD,  NULL,          N_("previous field")) \
	X(ACT_COPY,        "copy",        N_("copy the connection string (audit: the fix) to your clipboard")) \
	X(ACT_WRITE,       "write",       N_("write a new 0600 file: the credentials, or the audit findings shown (JSON)")) \
	X(ACT_TEST,        "test",        N_("test the login as the tenant")) \
	X(ACT_FORMAT,      "format",      N_("cycle URI, key=value, JDBC, shell exports")) \
	X(ACT_INTERRUPT,   NULL,          N_("cancel a running query; twice: drop a silent server (never quits)")) \
	X(ACT_INTERVAL,    "interval",    N_("change the automatic refresh interval (0 = off)")) \
	X(ACT_SEVERITY,    "severity",    N_("audit: show only findings of at least the next severity")) \
	X(ACT_APPLY,       "apply",       N_("audit: apply the selected finding's fix (SQL shown first)")) \
	X(ACT_APPLY_RULE,  "apply-rule",  N_("audit: apply the fixes of every finding shown of its rule")) \
	X(ACT_LOCK,        "lock",        N_("lock the selected tenant out (NOLOGIN), SQL shown first")) \
	X(ACT_UNLOCK,      "unlock",      N_("let the selected tenant log in again")) \
	X(ACT_ALTER,       "alter",       N_("edit the selected tenant: connection limit, expiry, settings")) \
	X(ACT_MOVE,        "move",        N_("Citus: move the selected tenant to another worker, SQL shown first")) \
	X(ACT_LOCK_TERMINATE, NULL,       N_("lock preview: also terminate the tenant's sessions, or not")) \
	X(ACT_CANCEL_SESSION, "cancel-session", N_("detail: cancel the selected session's running query")) \
	X(ACT_TERMINATE_SESSION, "terminate-session", N_("detail: end the selected session (type its pid to confirm)")) \
	X(ACT_ACTIVITY,    "sessions",    N_("show every tenant's session: state, duration, waits, blockers (also :activity)")) \
	X(ACT_ALL_SESSIONS, "all-sessions", N_("sessions: also every session that is no tenant's (an admin's), or not"))

enum pt_action {
#define PT_ACTION_ENUM(a, cmd, help) a,
	PT_ACTION_LIST(PT_ACTION_ENUM)
#undef PT_ACTION_ENUM
	ACT_COUNT
};

/* Where a key binding applies: a screen lists the scopes it accepts. */
enum {
	SC_GLOBAL = 1 << 0,
	SC_LIST = 1 << 1,      /* tenants, roles, audit */
	SC_TENANTS = 1 << 2,
	SC_FORM = 1 << 3,
	SC_RESULT = 1 << 4,
	SC_CONFIRM = 1 << 5,   /* preview screens, detail, help */
	SC_AUDIT = 1 << 6,
	SC_DETAIL = 1 << 7,    /* a tenant's detail (lock, unlock, edit) */
	SC_SESSIONS = 1 << 8,  /* the detail screen's sessions, the activity screen */
	SC_ACTIVITY = 1 << 9,  /* the activity screen */
};

struct pt_keybind {
	int key;               /* a character or a KEY_* code */
	bool is_code;          /* key is a KEY_* code */
	enum pt_action action;
	unsigned scope;
	const char *name;      /* how the help shows the key */
};

extern const struct pt_keybind pt_keymap[];
extern const size_t pt_keymap_len;
const char *pt_action_help(enum pt_action a);    /* translated */
const char *pt_action_command(enum pt_action a); /* NULL: no command */
enum pt_action pt_action_from_command(const char *word);

/* Colour roles with their monochrome fallback attributes. */
#define PT_COLOR_LIST(X) \
	X(COL_NORMAL,   -1,            -1,          A_NORMAL) \
	X(COL_HEADER,   COLOR_BLACK,   COLOR_CYAN,  A_REVERSE) \
	X(COL_TITLE,    COLOR_CYAN,    -1,          A_BOLD) \
	X(COL_BADGE,    COLOR_WHITE,   COLOR_RED,   A_REVERSE | A_BOLD) \
	X(COL_WARN,     COLOR_YELLOW,  -1,          A_BOLD) \
	X(COL_ERROR,    COLOR_RED,     -1,          A_BOLD) \
	X(COL_OK,       COLOR_GREEN,   -1,          A_BOLD) \
	X(COL_DIM,      COLOR_BLUE,    -1,          A_DIM) \
	X(COL_BAR,      COLOR_GREEN,   -1,          A_NORMAL) \
	X(COL_STATUS,   COLOR_BLACK,   COLOR_WHITE, A_REVERSE)

enum pt_color {
#define PT_COLOR_ENUM(c, fg, bg, mono) c,
	PT_COLOR_LIST(PT_COLOR_ENUM)
#undef PT_COLOR_ENUM
	COL_COUNT
};

struct pt_ui;

/* One screen: a const table of callbacks. Every callback may be NULL. */
struct pt_screen_ops {
	const char *title;                 /* N_() */
	unsigned scopes;                   /* which key bindings apply */
	/* Called when the screen comes to the top of the stack. */
	void (*enter)(struct pt_ui *ui);
	/* Called when the screen is popped: release (and wipe) its state. */
	void (*leave)(struct pt_ui *ui);
	/* Draw into the body window (h rows of w columns). */
	void (*draw)(struct pt_ui *ui, WINDOW *win, int h, int w);
	/* A key before the keymap sees it; true when consumed. */
	bool (*input)(struct pt_ui *ui, wint_t ch, bool is_code);
	/* An action; true when handled (else the engine's global handling). */
	bool (*action)(struct pt_ui *ui, enum pt_action a);
	/* A list screen's columns (N_() titles, NULL-terminated) and its
	 * model, for s/S, ":sort NAME" and its completion. */
	const char *const *col_titles;
	struct pt_model *(*model)(struct pt_ui *ui);
	/* One-line key hint for the status bar. */
	const char *hint;                  /* N_() */
	const char *hint_ro;               /* N_(); in a read-only session */
	/* The hint when it depends on what is shown (NULL: hint, hint_ro). */
	const char *(*hint_for)(struct pt_ui *ui);
	/* The automatic refresh, for a screen other than the tenants list
	 * (which the session reloads itself); runs in the background. */
	void (*reload)(struct pt_ui *ui);
};

extern const struct pt_screen_ops pt_scr_tenants, pt_scr_roles, pt_scr_detail,
	pt_scr_create, pt_scr_preview, pt_scr_result, pt_scr_audit, pt_scr_help, pt_scr_role,
	pt_scr_connect, pt_scr_activity;

#define PT_UI_STACK 8

/* What the preview screen is about to run. */
enum pt_pending { PEND_NONE, PEND_CREATE, PEND_DROP, PEND_ROTATE, PEND_HARDEN, PEND_FIX,
	PEND_LOCK, PEND_UNLOCK, PEND_ALTER, PEND_MOVE };

struct pt_ui {
	const struct pt_tui_opts *opt;
	pt_db *db;
	/* The API over db, for the changes to tenants (create, drop, rotate,
	 * lock, unlock, alter): borrowed, so db keeps its wait hook and
	 * read-only mode and stays the console's. Made and released with db
	 * (pt_ui_connect, pt_ui_disconnect); db's reconnects keep it. */
	pgt_admin *admin;
	bool quit;
	bool lost;                          /* the connection dropped */
	double next_reconnect;              /* monotonic seconds */
	double backoff;
	bool color;
	attr_t attr[COL_COUNT];
	WINDOW *body;
	const struct pt_screen_ops *stack[PT_UI_STACK];
	int depth;
	char message[512];
	bool message_error;
	int spinner;
	bool busy;
	bool cancel;                        /* Ctrl-C seen while busy */
	int dropped_keys;                   /* typed while busy: ignored */
	bool background;                    /* an automatic refresh runs: a key
	                                       cancels it and then acts */
	int stops;                          /* Ctrl-C (or q) during this wait */
	/* keys typed during an automatic refresh, acted on after it (on the
	 * same screen: a refresh opens none) */
	struct { wint_t ch; bool code; } replay[16];
	int nreplay;
	int refresh_s;                      /* 0 = no automatic refresh */
	double next_refresh;
	unsigned refreshes;
	bool need_redraw;
	struct pt_endpoint ep;
	bool have_ep;

	/* tenants screen */
	struct pt_schema_list schemas;
	struct pt_model tmodel;
	bool have_schemas;
	int tname_width;                    /* the widest schema name's columns */
	bool sizes_pending;
	bool sizes_unknown;                 /* measuring was canceled or failed */
	bool sizes_complete;                /* every row has a size (maybe old) */
	int64_t max_size;
	bool filtering;
	char filter[PT_MODEL_FILTER_MAX];

	/* roles screen */
	struct pt_role_list roles;
	char **rattrs;                      /* per role: its attributes as text */
	char target_role[64];               /* the role the role detail shows */
	struct pt_role_detail rdetail;
	bool have_rdetail;
	struct pt_model rmodel;
	bool have_roles;
	bool rfiltering;
	char rfilter[PT_MODEL_FILTER_MAX];

	/* the schema the detail/drop/rotate concern */
	char target_schema[64];
	char move_to[128];                  /* Citus: the worker a PEND_MOVE goes to */

	/* create form (the password field is secret memory) */
	pgt_config *cfg;                    /* what its preview showed; NULL:
	                                       none (freed, wiped, with the form) */
	char f_schema[64], f_user[64], f_limit[16], f_valid[40];
	char *f_password;                   /* secret, PT_UI_PW_MAX bytes */
	bool user_edited;
	int field;

	/* preview */
	enum pt_pending pending;
	char *preview_sql;                  /* malloc'd; the pgt_ previews' too
	                                       (pgt_free is free: the program
	                                       links the API's own objects) */

	/* result */
	pgt_credentials *creds;             /* NULL: none */
	enum pt_connstr_format fmt;
	const char *shown;                  /* creds in fmt: belongs to creds */
	const char *result_title;           /* N_() */
	bool creds_kept;                    /* copied or written since shown */

	/* detail */
	struct pt_schema_detail detail;
	bool have_detail;
	char detail_role[64];               /* the tenant's role; "" = no tenant */
	int scroll;                         /* the top screen's */
	int scroll_under[PT_UI_STACK];      /* each screen's under the top */

	/* Where the terminal's cursor shows (screen row and column) after a
	 * draw: a field or filter being typed in; -1 hides it. */
	int cur_y, cur_x;

	/* Text the terminal itself must wrap (the connection string), so that
	 * a mouse selection or tmux -J sees one line: written raw after each
	 * refresh at body row raw_row. Borrowed; NULL = none. */
	const char *raw_text;
	int raw_row;

	/* audit */
	void *audit;                        /* struct pt_audit * */
	void *harden;                       /* struct pt_harden_plan * */
	struct pt_model amodel;             /* the findings: filter and sort */
	size_t *amap;                       /* model row -> finding (those of at
	                                       least severity amin) */
	int amin;
	const void **fixes;                 /* the findings a PEND_FIX applies */
	size_t nfixes;
	bool afiltering;
	char afilter[PT_MODEL_FILTER_MAX];
	bool audit_open;                    /* Enter: the selected finding in full */

	/* lock, unlock and the edit form (scr_alter.c); the detail's settings */
	bool lock_terminate;                /* the lock preview's t: end sessions too */
	void *alter;                        /* the edit form's state */
	struct pt_tenant_settings dsettings;
	bool have_dsettings;
	/* sessions: the tenants list's column and the detail's list */
	struct pt_session_counts scounts;   /* loaded with the tenants list */
	bool have_scounts;                  /* false: not read (failed or canceled) */
	struct pt_session_list sessions;    /* the detail's tenant's sessions */
	bool have_sessions;                 /* false: not read */
	size_t ssel;                        /* the selected one */
	int sessions_line;                  /* page line of the first session row */
	int page_lines;                     /* the detail page's length */
};

#define PT_UI_PW_MAX 256
#define PT_UI_REFRESH_DEFAULT 5     /* seconds: the list and the server state */
#define PT_UI_SIZES_EVERY 12        /* sizes on every 12th refresh (a minute) */

/* The engine's services for screens. */
void pt_ui_push(struct pt_ui *ui, const struct pt_screen_ops *s);
void pt_ui_pop(struct pt_ui *ui);
void pt_ui_replace(struct pt_ui *ui, const struct pt_screen_ops *s);
const struct pt_screen_ops *pt_ui_top(const struct pt_ui *ui);
void pt_ui_msg(struct pt_ui *ui, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pt_ui_err(struct pt_ui *ui, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report a failed core call; notices a lost connection. */
void pt_ui_fail(struct pt_ui *ui, const pt_error *err);
/* The same for a failed pgt_ call: the same texts; frees err. */
void pt_ui_fail_api(struct pt_ui *ui, pgt_error *err);
/* False (with a message) when the server is out of reach. */
bool pt_ui_need_server(struct pt_ui *ui);
/* --read-only, or a server that only reads (a standby). */
bool pt_ui_read_only(const struct pt_ui *ui);
/* False (with a message) when the session is read-only. */
bool pt_ui_need_write(struct pt_ui *ui);
/* Redraw everything now (used while a query runs). */
void pt_ui_draw(struct pt_ui *ui);
/* A (y/N) question on the message line, answered by one key: true for
 * y or Y, false for any other key. */
bool pt_ui_confirm(struct pt_ui *ui, const char *question);
/* A blocking one-line prompt on the message line; masked hides input.
 * Returns false on Esc. buf receives UTF-8. */
bool pt_ui_prompt(struct pt_ui *ui, const char *label, bool masked,
                  char *buf, size_t bufsz);
/* Reload the tenants list (keeps filter, sort, selection). */
void pt_ui_load_tenants(struct pt_ui *ui);
/* Release the tenants list's session counts. */
void pt_ui_free_session_counts(struct pt_ui *ui);
/* The marks of schema's tenant in the tenants list, into buf: its
 * session-waits-on-a-lock letter, its idle-in-transaction letter (past
 * pt_ui_idle_xact_s), both or none (""). Returns buf. */
const char *pt_ui_session_marks(const struct pt_ui *ui, const char *schema, char *buf,
                                size_t bufsz);
/* The letters themselves (translated) and the threshold in seconds. */
const char *pt_ui_mark_blocked(void);
const char *pt_ui_mark_idle_xact(void);
int pt_ui_idle_xact_s(const struct pt_ui *ui);
/* The tenants list's model columns (sort cycle order). */
/* TC_NODE (Citus only) last: on plain PostgreSQL the model has one column
 * less and sorting never stops at an empty one. */
enum { TC_NAME, TC_ROLES, TC_TABLES, TC_SIZE, TC_LIMIT, TC_VALID, TC_SESSIONS, TC_NODE,
       TC_COUNT };
/* The roles list's model columns. */
enum { RC_NAME, RC_ATTRS, RC_LIMIT, RC_VALID, RC_MEMBER, RC_COUNT };
void pt_ui_load_roles(struct pt_ui *ui);
void pt_ui_free_roles(struct pt_ui *ui);
/* Put the endpoint for connection strings in ui->ep (once). */
void pt_ui_endpoint(struct pt_ui *ui);
/* Select the schema named name in the tenants list (clearing a filter
 * that hides it); false when it is not there. */
bool pt_ui_select_schema(struct pt_ui *ui, const char *name);
/* The selected tenant schema name, or NULL. */
const char *pt_ui_selected_schema(struct pt_ui *ui);
/* Run one action as if its key were pressed (used by the command line). */
void pt_ui_dispatch(struct pt_ui *ui, enum pt_action a);
/* Open the preview for a pending operation on ui->target_schema. */
void pt_ui_start(struct pt_ui *ui, enum pt_pending what);
double pt_ui_now(void);
/* Connect to target (NULL: the environment); true on success. */
bool pt_ui_connect(struct pt_ui *ui, const char *target);
/* Close the session and the API handle over it (none open is fine). */
void pt_ui_disconnect(struct pt_ui *ui);
/* Are there PG* variables naming a server? */
bool pt_ui_have_pg_env(void);
/* Try to reconnect now (R, or the backoff timer). */
void pt_ui_reconnect(struct pt_ui *ui);
/* The automatic refresh interval in seconds (0 = off), from now. */
void pt_ui_set_refresh(struct pt_ui *ui, int seconds);
/* Work the session does while no key is pressed: reconnect with
 * backoff, load the sizes, the automatic refresh (server state, banner,
 * list), which also notices a server that went away. */
void pt_ui_session_idle(struct pt_ui *ui);
/* How long (ms) the engine may wait for a key before the session has
 * work to do (pt_ui_session_idle). */
int pt_ui_idle_timeout(const struct pt_ui *ui);
/* The engine pumps keys while the core waits for the server: true means
 * cancel the query (Ctrl-C). */
bool pt_ui_wait_hook(void *ud);
/* Open the harden preview (scr_audit.c). */
void pt_ui_harden_preview(struct pt_ui *ui);
/* Apply the fixes the preview showed, then audit again (scr_audit.c). */
void pt_ui_audit_apply(struct pt_ui *ui);
/* Release a harden plan kept from a preview. */
void pt_ui_harden_forget(struct pt_ui *ui);
/* Arrow/page/home/end and sort on a list model (titles: N_() column
 * names for the message); true when a was one of them. */
bool pt_ui_list_nav(struct pt_ui *ui, struct pt_model *m, enum pt_action a,
                    const char *const *titles);
/* Sort the top screen's list by the column whose title (translated or
 * not) starts with name, case-insensitively; false (with a message) when
 * there is none. */
bool pt_ui_sort_by(struct pt_ui *ui, const char *name);
/* The arrow shown after the sorted column's title, or "". */
const char *pt_ui_sort_mark(const struct pt_model *m, int col);
/* Filter-as-you-type on a list: while *active, printable keys edit
 * filter (applied to m at once), Enter keeps it, Esc clears it. True when
 * the key was used. */
bool pt_ui_filter_input(struct pt_model *m, char *filter, size_t filtersz,
                        bool *active, wint_t ch, bool is_code);
/* The last body line of a list: "shown/total" and the filter. */
void pt_ui_list_footer(WINDOW *win, int y, int w, const struct pt_model *m,
                       const char *filter, bool active);
/* A list column: what the layout needs to know. */
struct pt_ui_col {
	const char *title;      /* N_() */
	int min, max;           /* width range; max 0: takes what is left */
	int drop;               /* order in which columns go when the pane is
	                           narrow: highest first; 0 = never */
	bool right;             /* right-aligned (numbers) */
	bool mid;               /* names: cut in the middle, so that two long
	                           ones stay apart ("tenant_b…sa_labs") */
};
/* Widths for n columns in w cells, one space apart after a margin of 1:
 * columns are dropped (width 0) by their drop order until the rest fit at
 * their minimum, then widened: the flexible one (max 0) to twice its
 * minimum, the others up to their maximum in column order, and the
 * flexible one takes the remainder. */
void pt_ui_layout(const struct pt_ui_col *cols, int n, int w, int *width);
/* The flexible column no wider than fit (its widest content), unless
 * that is under its minimum: a wide pane leaves the rest blank rather
 * than padding the names. */
void pt_ui_layout_fit(int *width, int n, const struct pt_ui_col *cols, int fit);
/* pt_ui_put cutting in the middle: the head, an ellipsis and the tail. */
int pt_ui_put_mid(WINDOW *win, int y, int x, const char *utf8, int maxcols, attr_t a);
/* The title row, the sorted column marked with its arrow (never cut
 * away), and one cell of a row; both return the x after the column. */
int pt_ui_col_title(WINDOW *win, int y, int x, const struct pt_ui_col *c, int width,
                    const char *mark);
int pt_ui_cell(WINDOW *win, int y, int x, const struct pt_ui_col *c, int width,
               const char *text, attr_t a);
/* The selection bar: the whole row in reverse video, never colour alone. */
void pt_ui_select_bar(WINDOW *win, int y, int w);
/* Files the console writes (savefile.c). $XDG_STATE_HOME/pgtenant/<name>
 * (default ~/.local/state/...), creating the directory with mode 0700;
 * malloc'd, NULL without a home. */
char *pt_ui_state_path(const char *name);
/* Ask "<question> (Enter: <default>):" on the message line, the default
 * being name (made safe as a file name) in the state directory, and
 * create the typed or default path new with mode 0600 (O_EXCL: never
 * over anything; no symlink followed). Returns the descriptor
 * and the path in *path (malloc'd), or -1 with the reason shown. */
int pt_ui_create_file(struct pt_ui *ui, const char *question, const char *name,
                      char **path);
/* After writing and closing it: ok false says why (strerror(err)),
 * removes the half-written file and returns NULL; true returns the full
 * path (malloc'd) for the caller's message. Takes path. */
char *pt_ui_file_done(struct pt_ui *ui, char *path, bool ok, int err);

/* Show the terminal's cursor at y, x of win once this draw is done (a
 * field being typed in): never a drawn '_', which reads as part of names
 * full of underscores. Screens call it from their draw callback. */
void pt_ui_cursor_at(WINDOW *win, int y, int x);

/* The widgets: every string drawn goes through pt_sanitize here (server
 * text is tenant-controlled), widths are display columns (wcwidth), and
 * text cut to fit ends with an ellipsis. pt_ui_put draws one line in at
 * most maxcols columns and returns the columns used. */
int pt_ui_put(WINDOW *w, int y, int x, const char *utf8, int maxcols, attr_t a);
int pt_ui_width(const char *utf8);
/* utf8 wrapped at width columns between words (newlines break lines),
 * from wrapped line skip on, over at most maxlines lines (-1: no limit);
 * the last line ends with an ellipsis when text remains. win NULL only
 * counts. Returns the lines drawn. */
int pt_ui_wrap(WINDOW *w, int y, int x, const char *utf8, int width, int skip,
               int maxlines, attr_t a);
/* pt_ui_wrap from the first line. */
int pt_ui_put_wrapped(WINDOW *w, int y, int x, const char *utf8, int width,
                      int maxlines, attr_t a);
/* utf8 cut into rows of exactly width columns, as a terminal wraps it
 * (connection strings: no ellipsis, nothing added). Returns the rows. */
int pt_ui_wrap_hard(WINDOW *w, int y, int x, const char *utf8, int width, int maxlines,
                    attr_t a);
/* How many lines pt_ui_wrap makes of utf8 at width. */
int pt_ui_wrap_lines(const char *utf8, int width);
/* Up/Down/PgUp/PgDn/Home/End on a text of 'total' lines of which
 * 'visible' fit: moves ui->scroll so the last page stays full. False for
 * any other action. */
bool pt_ui_scroll(struct pt_ui *ui, enum pt_action a, int total, int visible);
/* A page of text (a detail screen): pt_ui_scroll, and Enter goes back. */
bool pt_ui_page_action(struct pt_ui *ui, enum pt_action a, int total, int visible);
/* A line-editing step for a form field: printable characters append,
 * Backspace deletes one character. True when ch was used. */
bool pt_ui_edit(char *buf, size_t bufsz, wint_t ch, bool is_code);

/* x and X on session s (NULL: none selected) of the tenant owning schema
 * (NULL: of any tenant): refused at once in a read-only session; X asks
 * for the pid to be typed; the server checks the pid, its start and its
 * tenant in the statement that signals it. True when it was sent (or the
 * server refused it): the caller reloads its list. (scr_detail.c) */
bool pt_ui_signal_session(struct pt_ui *ui, const char *schema, const struct pt_session *s,
                          enum pt_signal sig);
/* A session's state colour (the words say it too): running, holding a
 * transaction open, waiting for a lock. (widgets.c) */
attr_t pt_ui_session_attr(const struct pt_ui *ui, const struct pt_session *s);

/* Lock, unlock and edit (scr_alter.c): the edit form, and running the
 * change its preview showed (back to the form with the server's reason
 * when it fails). */
extern const struct pt_screen_ops pt_scr_alter;
void pt_ui_alter_apply(struct pt_ui *ui);
/* Tab/Shift-Tab (Down/Up) on a form of n fields, wrapping around; false
 * for any other action. */
bool pt_ui_form_move(enum pt_action a, int *field, int n);

/* The ':' command line (readline inside ncurses). */
/* The next key typed during an automatic refresh, not acted on yet:
 * whatever reads keys (the main loop, the command line) takes these
 * first, in order. False when there is none. */
bool pt_ui_take_replay(struct pt_ui *ui, wint_t *ch, bool *code);

void pt_cmdline_init(struct pt_ui *ui);
void pt_cmdline_run(struct pt_ui *ui);
void pt_cmdline_done(void);
/* Would this line keep a secret if stored? (exposed for tests) */
bool pt_cmdline_line_has_secret(const char *line);

#endif
