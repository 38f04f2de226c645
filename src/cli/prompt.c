#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "prompt.h"
#include "secret.h"

#define SECRET_MAX 1024

/* Read up to a newline from fd into buf (secret memory), byte by byte so
 * nothing is left in a stdio buffer. */
static bool
read_line_fd(int fd, char *buf, size_t bufsz, bool *too_long, bool *nul)
{
	size_t n = 0;
	char c;
	ssize_t r;

	*too_long = *nul = false;
	while ((r = read(fd, &c, 1)) == 1) {
		if (c == '\n')
			break;
		if (c == '\0')
			*nul = true;
		if (n + 1 < bufsz)
			buf[n++] = c;
		else
			*too_long = true;
	}
	if (r < 0 || (r == 0 && n == 0))
		return false;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return true;
}

static bool
ask(const char *prompt, char *buf, size_t bufsz, bool echo)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios saved, quiet;
	bool restore = false, ok, too_long, nul;

	if (fd < 0)
		return false;
	if (!echo && tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* nothing to do: the read below still works */
	}
	ok = read_line_fd(fd, buf, bufsz, &too_long, &nul) && !too_long && !nul;
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	close(fd);
	return ok;
}

char *
pt_prompt_password(void *ud, const char *prompt)
{
	char *pw = pt_secret_alloc(SECRET_MAX);

	if (!ask(prompt, pw, SECRET_MAX, false) || !*pw) {
		pt_secret_free(pw);
		return NULL;
	}
	return pw;
}

bool
pt_prompt_line(const char *prompt, char *buf, size_t bufsz)
{
	return ask(prompt, buf, bufsz, true);
}

char *
pt_read_secret_line(FILE *in, const char **why)
{
	char *pw = pt_secret_alloc(SECRET_MAX);
	bool too_long, nul;

	fflush(in);
	if (!read_line_fd(fileno(in), pw, SECRET_MAX, &too_long, &nul)) {
		*why = _("no password on standard input");
	} else if (too_long) {
		*why = _("the password on standard input is longer than 1023 bytes");
	} else if (nul) {
		*why = _("the password on standard input holds a NUL byte");
	} else if (!*pw) {
		*why = _("the password on standard input is empty");
	} else {
		return pw;
	}
	pt_secret_free(pw);
	return NULL;
}
