#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "secret.h"

#define CHUNK 65536

struct pt_csv_reader {
	FILE *in;
	char *chunk;            /* secret: raw bytes as read */
	size_t pos, len;
	bool eof, io_error, at_start;
	bool timed_out;         /* waited longer than time_limit in all */
	bool runaway;           /* a line longer than anything we skip */
	int io_errno;
	double time_limit, waited;   /* seconds; 0 = no limit */
	char *rec;              /* secret: the fields, each NUL-terminated */
	size_t rec_cap;         /* max_record + room for the NULs */
	size_t max_record, used, text;   /* text: field bytes, NULs excluded */
	size_t off[PT_CSV_MAX_FIELDS];
	size_t nf;
	unsigned long line, start_line;
};

pt_csv_reader *
pt_csv_reader_open(FILE *in, size_t max_record)
{
	pt_csv_reader *r = pt_xcalloc(1, sizeof *r);

	/* Unbuffered: fread then copies straight into our secret chunk and
	 * stdio keeps no plaintext of its own. Must precede any other I/O. */
	setvbuf(in, NULL, _IONBF, 0);
	r->in = in;
	r->max_record = max_record ? max_record : PT_CSV_DEFAULT_MAX_RECORD;
	r->rec_cap = r->max_record + PT_CSV_MAX_FIELDS + 1;
	r->chunk = pt_secret_alloc(CHUNK);
	r->rec = pt_secret_alloc(r->rec_cap);
	r->line = 1;
	r->at_start = true;
	return r;
}

void
pt_csv_reader_close(pt_csv_reader *r)
{
	if (!r)
		return;
	pt_secret_free(r->chunk);
	pt_secret_free(r->rec);
	free(r);
}

bool
pt_csv_reader_rewind(pt_csv_reader *r)
{
	if (fseek(r->in, 0, SEEK_SET) != 0)
		return false;
	clearerr(r->in);
	r->pos = r->len = 0;
	r->eof = r->io_error = r->timed_out = r->runaway = false;
	r->waited = 0;
	r->at_start = true;
	r->nf = r->used = r->text = 0;
	r->line = r->start_line = 1;
	return true;
}

void
pt_csv_reader_set_time_limit(pt_csv_reader *r, double seconds)
{
	r->time_limit = seconds > 0 ? seconds : 0;
}

static void
io_failed(pt_csv_reader *r, int errnum)
{
	r->eof = r->io_error = true;
	r->io_errno = errnum;
}

/* Read what the input has now (0 at its end), waiting for it no longer
 * than what is left of the time limit. read(2) rather than fread: fread
 * of an unbuffered pipe waits until the whole chunk is there. */
static size_t
read_some(pt_csv_reader *r, char *buf, size_t want)
{
	int fd = fileno(r->in);
	ssize_t n;

	if (fd < 0) {   /* a stream without a descriptor (fmemopen) */
		size_t got = fread(buf, 1, want, r->in);
		if (!got && ferror(r->in))
			io_failed(r, errno);
		return got;
	}
	if (r->time_limit > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double t0 = pt_now(), left = r->time_limit - r->waited;
		int ready = left > 0 ? poll(&pfd, 1, (int)(left * 1000) + 1) : 0;

		r->waited += pt_now() - t0;
		if (ready == 0) {
			r->timed_out = true;
			io_failed(r, ETIMEDOUT);
			return 0;
		}
		if (ready < 0) {
			io_failed(r, errno);
			return 0;
		}
	}
	n = read(fd, buf, want);
	if (n < 0) {
		io_failed(r, errno);
		return 0;
	}
	return (size_t)n;
}

/* Make at least want bytes available unless the input ends first. */
static void
fill(pt_csv_reader *r, size_t want)
{
	while (r->len - r->pos < want && !r->eof) {
		size_t n;
		if (r->pos > 0) {
			memmove(r->chunk, r->chunk + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
		}
		n = read_some(r, r->chunk + r->len, CHUNK - r->len);
		r->len += n;
		if (n == 0)
			r->eof = true;
	}
}

/* The next byte, or -1 at the end of the input. */
static inline int
next_byte(pt_csv_reader *r)
{
	if (r->pos == r->len) {
		fill(r, 1);
		if (r->pos == r->len)
			return -1;
	}
	return (unsigned char)r->chunk[r->pos++];
}

/* After a bad record: carry on after the end of the current line, unless
 * it goes on for longer than a record may be (/dev/zero, say): then the
 * input is not lines at all, and the reader stops for good. */
static void
skip_line(pt_csv_reader *r)
{
	size_t skipped = 0;
	int c;

	while ((c = next_byte(r)) != -1) {
		if (c == '\n') {
			r->line++;
			return;
		}
		if (++skipped > r->max_record + CHUNK) {
			r->runaway = true;
			return;
		}
	}
}

static bool
end_field(pt_csv_reader *r)
{
	if (r->nf == PT_CSV_MAX_FIELDS)
		return false;
	r->rec[r->used++] = '\0';
	r->off[r->nf++] = r->used;   /* where the next field will begin */
	return true;
}

/* The input cannot be read on: a read error, no end within the time
 * limit, or a line without end. */
static enum pt_csv_result
fatal(const pt_csv_reader *r, pt_error *err)
{
	if (r->runaway)
		pt_error_set(err, PT_ERR_IO,
		             _("line %lu goes on for more than %zu bytes: this is not a "
		               "CSV file; stopping"), r->start_line, r->max_record + CHUNK);
	else if (r->timed_out)
		pt_error_set(err, PT_ERR_IO,
		             _("the input did not end within %g s of waiting for it "
		               "in all; stopping"), r->time_limit);
	else
		pt_error_set(err, PT_ERR_IO, _("cannot read the input: %s"),
		             strerror(r->io_errno));
	return PT_CSV_ERROR;
}

enum state { START, UNQUOTED, QUOTED, AFTER_QUOTE, AFTER_CR };

enum pt_csv_result
pt_csv_reader_next(pt_csv_reader *r, pt_error *err)
{
	enum state st = START;
	const char *why = NULL;
	unsigned long quote_line = 0;
	int c;

	r->nf = r->used = r->text = 0;
	if (r->runaway || r->timed_out)
		return fatal(r, err);
	if (r->at_start) {
		r->at_start = false;
		fill(r, 3);
		if (r->len - r->pos >= 3 && !memcmp(r->chunk + r->pos, "\xEF\xBB\xBF", 3))
			r->pos += 3;
	}
	for (;;) {
		if (st == START && r->nf == 0)
			r->start_line = r->line;
		c = next_byte(r);
		if (c == -1 && r->io_error)
			return fatal(r, err);
		if (c == 0) {
			why = _("the line holds a NUL byte");
			goto bad;
		}
		switch (st) {
		case START:
			if (c == '"') {
				st = QUOTED;
				quote_line = r->line;
				continue;
			}
			if (c == -1 || c == '\n' || c == '\r') {
				/* Nothing at all on the line: not a record. */
				if (r->nf == 0) {
					if (c == -1)
						return PT_CSV_END;
					if (c == '\r') {
						st = AFTER_CR;
						continue;
					}
					r->line++;
					continue;
				}
				goto end_of_line;
			}
			if (c == ',')
				goto comma;
			st = UNQUOTED;
			goto append;
		case UNQUOTED:
			if (c == ',')
				goto comma;
			if (c == -1 || c == '\n' || c == '\r')
				goto end_of_line;
			if (c == '"') {
				why = _("a double quote inside an unquoted field: quote the whole "
				        "field and double the quote (\"a\"\"b\")");
				goto bad;
			}
			goto append;
		case QUOTED:
			if (c == -1) {
				pt_error_set(err, PT_ERR_INVALID,
				             _("the quoted field opened on line %lu is never closed"),
				             quote_line);
				return PT_CSV_ERROR;
			}
			if (c == '"') {
				st = AFTER_QUOTE;
				continue;
			}
			if (c == '\n')
				r->line++;
			goto append;
		case AFTER_QUOTE:
			if (c == '"') {
				st = QUOTED;
				goto append;
			}
			if (c == ',')
				goto comma;
			if (c == -1 || c == '\n' || c == '\r')
				goto end_of_line;
			why = _("a character after the closing quote of a field: "
			        "only a comma or the end of the line may follow it");
			goto bad;
		case AFTER_CR:
			if (c == '\n' || c == -1) {
				if (c == '\n')
					r->line++;
				if (r->nf == 0 && r->used == 0)
					st = START;   /* an empty CRLF line */
				else
					return PT_CSV_RECORD;
				if (c == -1)
					return PT_CSV_END;
				continue;
			}
			why = _("a carriage return that does not end the line");
			r->pos--;   /* c may be the line feed skip_line needs */
			goto bad;
		}
		continue;
append:
		if (r->text == r->max_record) {
			pt_error_set(err, PT_ERR_INVALID,
			             _("the record is longer than %zu bytes"), r->max_record);
			if (c != '\n')
				skip_line(r);
			return r->runaway ? fatal(r, err) : PT_CSV_ERROR;
		}
		r->rec[r->used++] = (char)c;
		r->text++;
		continue;
comma:
		if (!end_field(r))
			goto too_many;
		st = START;
		continue;
end_of_line:
		if (!end_field(r))
			goto too_many;
		if (c == '\r') {
			st = AFTER_CR;
			continue;
		}
		if (c == '\n')
			r->line++;
		return PT_CSV_RECORD;
too_many:
		pt_error_set(err, PT_ERR_INVALID, _("the record has more than %d fields"),
		             PT_CSV_MAX_FIELDS);
		if (c != '\n')
			skip_line(r);
		else
			r->line++;
		return r->runaway ? fatal(r, err) : PT_CSV_ERROR;
bad:
		pt_error_set(err, PT_ERR_INVALID, "%s", why);
		skip_line(r);
		return r->runaway ? fatal(r, err) : PT_CSV_ERROR;
	}
}

size_t
pt_csv_reader_nfields(const pt_csv_reader *r)
{
	return r->nf;
}

const char *
pt_csv_reader_field(const pt_csv_reader *r, size_t i)
{
	if (i >= r->nf)
		pt_die("CSV field %zu of %zu", i, r->nf);
	return r->rec + (i ? r->off[i - 1] : 0);
}

unsigned long
pt_csv_reader_line(const pt_csv_reader *r)
{
	return r->start_line;
}
