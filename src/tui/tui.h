/* The ncurses console. */
#ifndef PT_TUI_H
#define PT_TUI_H

#include "cli/cli.h"

/* Open the console with the global options in cli; returns the exit
 * status. Refuses (exit 2, with a message naming the scriptable commands)
 * when stdin/stdout are not terminals or the terminal is dumb or unknown. */
int pt_tui_run(struct pt_cli *cli);

#endif
