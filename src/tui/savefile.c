/* Files the console writes for the user (credentials, audit findings):
 * always new, mode 0600, never over anything, by default in the private
 * state directory rather than the current one (which may be a checkout),
 * and the message always says the full path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/ui.h"

char *
pt_ui_state_path(const char *name)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir;

	if (xdg && *xdg == '/')
		dir = pt_xasprintf("%s/pgtenant", xdg);
	else if (home && *home)
		dir = pt_xasprintf("%s/.local/state/pgtenant", home);
	else
		return NULL;
	/* mkdir -p, private */
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
	{
		char *path = pt_xasprintf("%s/%s", dir, name);

		free(dir);
		return path;
	}
}

/* The default path, or when a file is there already (a second w) the
 * first free "NAME-2.EXT", "NAME-3.EXT", ...: what is offered can be
 * written. malloc'd, NULL without a home. */
static char *
free_default(const char *name)
{
	char *def = pt_ui_state_path(name);
	struct stat st;

	for (int i = 2; def && lstat(def, &st) == 0 && i < 1000; i++) {
		const char *dot = strrchr(name, '.');
		int stem = dot && dot > name ? (int)(dot - name) : (int)strlen(name);
		char *other = pt_xasprintf("%.*s-%d%s", stem, name, i, name + stem);

		free(def);
		def = pt_ui_state_path(other);
		free(other);
	}
	return def;
}

int
pt_ui_create_file(struct pt_ui *ui, const char *question, const char *name, char **path)
{
	char safe[256], typed[512], label[1024];
	char *def;
	int fd, e;

	/* name carries server text (a schema, a database): a '/' or a
	 * leading dot must not move the file elsewhere or hide it */
	snprintf(safe, sizeof safe, "%s", name);
	for (char *p = safe; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !(*p == '-' || *p == '_' || (*p == '.' && p > safe)))
			*p = '_';
	def = free_default(safe);
	snprintf(label, sizeof label, _("%s (Enter: %s):"), question, def ? def : safe);
	if (!pt_ui_prompt(ui, label, false, typed, sizeof typed)) {
		free(def);
		pt_ui_msg(ui, "%s", _("Nothing written."));
		return -1;
	}
	*path = pt_xstrdup(*typed ? typed : def ? def : safe);
	fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	e = errno;
	free(def);
	if (fd < 0) {
		pt_ui_err(ui, _("Cannot create %s: %s"), *path, strerror(e));
		free(*path);
		*path = NULL;
	}
	return fd;
}

char *
pt_ui_file_done(struct pt_ui *ui, char *path, bool ok, int err)
{
	char *full;

	if (!ok) {
		pt_ui_err(ui, _("Cannot write %s: %s"), path, strerror(err));
		/* created by us a moment ago: half a file is worse than none */
		unlink(path);
		free(path);
		return NULL;
	}
	full = realpath(path, NULL);
	if (full) {
		free(path);
		return full;
	}
	return path;
}
