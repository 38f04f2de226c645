/* Copying text to the DBA's own clipboard, however the terminal is
 * nested (OSC 52, tmux, GNU screen). */
#ifndef PT_TUI_CLIPBOARD_H
#define PT_TUI_CLIPBOARD_H

#include <stdbool.h>
#include <stddef.h>

/* Build the escape sequence that sets the clipboard to text: plain
 * OSC 52, or (screen) the same wrapped in DCS chunks of at most 768
 * bytes. Returns a malloc'd string the caller wipes and frees. */
char *pt_clipboard_osc52(const char *text, bool screen);

/* Copy text: write OSC 52 to fd (the terminal); when $TMUX is set also
 * hand it to `tmux load-buffer -w -` on stdin (never argv); when $STY is
 * set use the DCS-wrapped form. Returns true when at least one way was
 * used; how in *how (a static, translated string). */
bool pt_clipboard_copy(int fd, const char *text, const char **how);

#endif
