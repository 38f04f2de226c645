/* The keymap and the actions it binds: data, not a switch. The help
 * screen and the command line are generated from these tables (tig's
 * keys.c), so neither can drift from the keys. */
#include "config.h"

#include <string.h>
#include <curses.h>

#include "tui/ui.h"
/* The keymap: data, not a switch. The help screen is generated from it. */
const struct pt_keybind pt_keymap[] = {
	{ '?',           false, ACT_HELP,        SC_GLOBAL, "?" },
	{ KEY_F(1),      true,  ACT_HELP,        SC_GLOBAL, "F1" },
	{ 'q',           false, ACT_CLOSE,       SC_GLOBAL, "q" },
	{ 'Q',           false, ACT_QUIT,        SC_GLOBAL, "Q" },
	{ ':',           false, ACT_COMMAND,     SC_GLOBAL, ":" },
	{ 'R',           false, ACT_RECONNECT,   SC_GLOBAL, "R" },
	{ 'i',           false, ACT_INTERVAL,    SC_GLOBAL, "i" },
	{ CTRL('c'),     false, ACT_INTERRUPT,   SC_GLOBAL, "Ctrl-C" },
	{ KEY_ESC,       false, ACT_BACK,        SC_GLOBAL, "Esc" },
	{ KEY_UP,        true,  ACT_UP,          SC_LIST | SC_CONFIRM, "Up" },
	{ 'k',           false, ACT_UP,          SC_LIST | SC_CONFIRM, "k" },
	{ KEY_DOWN,      true,  ACT_DOWN,        SC_LIST | SC_CONFIRM, "Down" },
	{ 'j',           false, ACT_DOWN,        SC_LIST | SC_CONFIRM, "j" },
	{ KEY_PPAGE,     true,  ACT_PGUP,        SC_LIST | SC_CONFIRM, "PgUp" },
	{ KEY_NPAGE,     true,  ACT_PGDN,        SC_LIST | SC_CONFIRM, "PgDn" },
	{ KEY_HOME,      true,  ACT_HOME,        SC_LIST | SC_CONFIRM, "Home" },
	{ 'g',           false, ACT_HOME,        SC_LIST | SC_CONFIRM, "g" },
	{ KEY_END,       true,  ACT_END,         SC_LIST | SC_CONFIRM, "End" },
	{ 'G',           false, ACT_END,         SC_LIST | SC_CONFIRM, "G" },
	{ '\n',          false, ACT_ENTER,       SC_LIST | SC_FORM | SC_CONFIRM | SC_RESULT, "Enter" },
	{ '\r',          false, ACT_ENTER,       SC_LIST | SC_FORM | SC_CONFIRM | SC_RESULT, NULL },
	{ KEY_ENTER,     true,  ACT_ENTER,       SC_LIST | SC_FORM | SC_CONFIRM | SC_RESULT, NULL },
	{ '/',           false, ACT_FILTER,      SC_LIST, "/" },
	{ 's',           false, ACT_SORT,        SC_LIST, "s" },
	{ 'S',           false, ACT_SORT_REV,    SC_LIST, "S" },
	{ 'r',           false, ACT_REFRESH,     SC_LIST, "r" },
	{ '\t',          false, ACT_NEXT_SCREEN, SC_LIST, "Tab" },
	{ 'c',           false, ACT_CREATE,      SC_LIST, "c" },
	{ 'd',           false, ACT_DROP,        SC_TENANTS, "d" },
	{ 'p',           false, ACT_ROTATE,      SC_TENANTS, "p" },
	{ 'a',           false, ACT_AUDIT,       SC_LIST, "a" },
	{ 'H',           false, ACT_HARDEN,      SC_LIST, "H" },
	{ '\t',          false, ACT_NEXT_FIELD,  SC_FORM, "Tab" },
	{ KEY_DOWN,      true,  ACT_NEXT_FIELD,  SC_FORM, "Down" },
	{ KEY_BTAB,      true,  ACT_PREV_FIELD,  SC_FORM, "Shift-Tab" },
	{ KEY_UP,        true,  ACT_PREV_FIELD,  SC_FORM, "Up" },
	{ 'y',           false, ACT_COPY,        SC_RESULT | SC_AUDIT, "y" },
	{ 'v',           false, ACT_SEVERITY,    SC_AUDIT, "v" },
	{ 'F',           false, ACT_APPLY,       SC_AUDIT, "F" },
	{ 'A',           false, ACT_APPLY_RULE,  SC_AUDIT, "A" },
	{ 'w',           false, ACT_WRITE,       SC_RESULT | SC_AUDIT, "w" },
	{ 't',           false, ACT_TEST,        SC_RESULT, "t" },
	{ 'f',           false, ACT_FORMAT,      SC_RESULT, "f" },
	{ 'l',           false, ACT_LOCK,        SC_TENANTS | SC_DETAIL, "l" },
	{ 'u',           false, ACT_UNLOCK,      SC_TENANTS | SC_DETAIL, "u" },
	{ 'e',           false, ACT_ALTER,       SC_TENANTS | SC_DETAIL, "e" },
	{ 'm',           false, ACT_MOVE,        SC_TENANTS | SC_DETAIL, "m" },
	{ 't',           false, ACT_LOCK_TERMINATE, SC_CONFIRM, "t" },
	{ 'x',           false, ACT_CANCEL_SESSION, SC_SESSIONS, "x" },
	{ 'X',           false, ACT_TERMINATE_SESSION, SC_SESSIONS, "X" },
	{ 'r',           false, ACT_REFRESH,     SC_SESSIONS, "r" },
	{ 'o',           false, ACT_ACTIVITY,    SC_LIST | SC_DETAIL, "o" },
	{ 'A',           false, ACT_ALL_SESSIONS, SC_ACTIVITY, "A" },
};
const size_t pt_keymap_len = sizeof pt_keymap / sizeof *pt_keymap;

static const char *const action_help[] = {
#define PT_ACTION_HELP(a, cmd, help) help,
	PT_ACTION_LIST(PT_ACTION_HELP)
#undef PT_ACTION_HELP
};
static const char *const action_cmd[] = {
#define PT_ACTION_CMD(a, cmd, help) cmd,
	PT_ACTION_LIST(PT_ACTION_CMD)
#undef PT_ACTION_CMD
};

const char *
pt_action_help(enum pt_action a)
{
	return a < ACT_COUNT && action_help[a] ? _(action_help[a]) : "";
}

const char *
pt_action_command(enum pt_action a)
{
	return a < ACT_COUNT ? action_cmd[a] : NULL;
}

enum pt_action
pt_action_from_command(const char *word)
{
	for (int a = 0; a < ACT_COUNT; a++)
		if (action_cmd[a] && !strcmp(action_cmd[a], word))
			return (enum pt_action)a;
	/* vi's and tig's */
	if (!strcmp(word, "q"))
		return ACT_QUIT;
	if (!strcmp(word, "activity"))
		return ACT_ACTIVITY;
	return ACT_NONE;
}
