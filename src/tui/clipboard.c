/* Copy to the clipboard: see clipboard.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>

#include "error.h"
#include "tui/clipboard.h"

#define SCREEN_CHUNK 768

char *
pt_clipboard_osc52(const char *text, bool screen)
{
	size_t len = strlen(text);
	size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = pt_xmalloc(b64len);
	char *out, *p;
	size_t outsz;

	sodium_bin2base64(b64, b64len, (const unsigned char *)text, len,
	                  sodium_base64_VARIANT_ORIGINAL);
	b64len = strlen(b64);
	if (!screen) {
		out = pt_xasprintf("\033]52;c;%s\a", b64);
		sodium_memzero(b64, b64len);
		free(b64);
		return out;
	}
	/* GNU screen passes a DCS string through to the outer terminal but
	 * cuts it at 768 bytes: split the OSC into several DCS strings, each
	 * carrying at most 768 bytes, which the outer terminal sees joined. */
	outsz = b64len + 16 + (b64len / (SCREEN_CHUNK - 16) + 2) * 8;
	out = p = pt_xmalloc(outsz);
	{
		const char *head = "\033]52;c;";
		/* one byte of every chunk is kept for the closing BEL, which
		 * must fit in the last one */
		size_t done = 0, room = SCREEN_CHUNK - 1 - strlen(head);

		p += sprintf(p, "\033P%s", head);
		for (;;) {
			size_t take = b64len - done < room ? b64len - done : room;

			memcpy(p, b64 + done, take);
			p += take;
			done += take;
			if (done == b64len)
				break;
			p += sprintf(p, "\033\\\033P");
			room = SCREEN_CHUNK - 1;
		}
		p += sprintf(p, "\a\033\\");
	}
	sodium_memzero(b64, b64len);
	free(b64);
	return out;
}

static bool
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		s += k;
		n -= (size_t)k;
	}
	return true;
}

/* tmux's default set-clipboard external drops an application's OSC 52;
 * load-buffer -w works with the defaults and forwards it outward. */
static bool
tmux_load_buffer(const char *text)
{
	int pfd[2];
	pid_t pid;
	int status;
	bool ok;
	struct sigaction sa, old;

	if (pipe(pfd) != 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(pfd[0], STDIN_FILENO);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		close(pfd[0]);
		close(pfd[1]);
		execlp("tmux", "tmux", "load-buffer", "-w", "-", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	/* a tmux that dies early must not kill us with SIGPIPE */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old);
	ok = write_all(pfd[1], text, strlen(text));
	close(pfd[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool
pt_clipboard_copy(int fd, const char *text, const char **how)
{
	const char *sty = getenv("STY"), *tmux = getenv("TMUX");
	char *seq = pt_clipboard_osc52(text, sty && *sty);
	bool ok = write_all(fd, seq, strlen(seq));

	sodium_memzero(seq, strlen(seq));
	free(seq);
	*how = _("sent to the terminal (OSC 52)");
	if (tmux && *tmux) {
		if (tmux_load_buffer(text))
			*how = _("copied to the tmux buffer and the terminal");
		else
			*how = _("sent to the terminal (OSC 52); tmux load-buffer failed");
		ok = true;
	} else if (sty && *sty) {
		*how = _("sent through GNU screen (OSC 52)");
	}
	return ok;
}
