/* libFuzzer harness: the CSV reader. The first input byte picks the record
 * cap (a small one reaches the "too long" paths); the rest is the file.
 * Invariants: every call ends (at most one result per input byte, plus
 * one), fields stay within the cap and the field limit, line numbers never
 * go back, a rewind reads the same again, and no secret is left behind.
 * For input without quotes, CRs, NULs or a BOM, every non-empty line must
 * be exactly its comma-separated fields. */
#include "config.h"

#include <stdio.h>

#include "csv.h"
#include "fuzz.h"

/* A digest of one pass: results, field counts and bytes. */
struct pass {
	unsigned long hash;
	size_t records, errors;
};

static void
mix(struct pass *p, const void *data, size_t n)
{
	const unsigned char *b = data;
	for (size_t i = 0; i < n; i++)
		p->hash = (p->hash ^ b[i]) * 1099511628211UL;
}

static int
simple_input(const uint8_t *d, size_t n)
{
	if (n >= 1 && d[0] == 0xef)
		return 0;
	return !memchr(d, '"', n) && !memchr(d, '\r', n) && !memchr(d, '\0', n);
}

static void
read_all(pt_csv_reader *r, size_t size, size_t cap, struct pass *p,
         const uint8_t *text, size_t tsize, int simple)
{
	unsigned long last_line = 0;
	const uint8_t *line = text, *end = text + tsize;

	memset(p, 0, sizeof *p);
	p->hash = 14695981039346656037UL;
	for (size_t iter = 0;; iter++) {
		pt_error err;
		enum pt_csv_result res = pt_csv_reader_next(r, &err);

		FUZZ_CHECK(iter <= size + 1);
		mix(p, &res, sizeof res);
		if (res == PT_CSV_END)
			break;
		FUZZ_CHECK(pt_csv_reader_line(r) >= last_line);
		last_line = pt_csv_reader_line(r);
		if (res == PT_CSV_ERROR) {
			FUZZ_CHECK(err.status != PT_OK && err.message[0]);
			p->errors++;
			if (err.status == PT_ERR_IO)
				break;
			if (simple) {   /* without quotes a bad record is one line */
				const uint8_t *nl;
				while (line < end && *line == '\n')
					line++;
				nl = memchr(line, '\n', (size_t)(end - line));
				line = nl ? nl : end;
			}
			continue;
		}
		FUZZ_CHECK(res == PT_CSV_RECORD);
		p->records++;
		{
			size_t nf = pt_csv_reader_nfields(r), total = 0;
			FUZZ_CHECK(nf >= 1 && nf <= PT_CSV_MAX_FIELDS);
			mix(p, &nf, sizeof nf);
			for (size_t i = 0; i < nf; i++) {
				const char *f = pt_csv_reader_field(r, i);
				FUZZ_CHECK(f != NULL);
				total += strlen(f);
				mix(p, f, strlen(f) + 1);
			}
			FUZZ_CHECK(total <= cap);
			if (simple) {
				/* the next non-empty line of the input, split at commas */
				const uint8_t *nl;
				size_t fi = 0;
				while (line < end && *line == '\n')
					line++;
				nl = memchr(line, '\n', (size_t)(end - line));
				if (!nl)
					nl = end;
				for (const uint8_t *q = line; fi < nf; fi++) {
					const uint8_t *comma = memchr(q, ',', (size_t)(nl - q));
					const uint8_t *fe = comma ? comma : nl;
					const char *f = pt_csv_reader_field(r, fi);
					FUZZ_CHECK(strlen(f) == (size_t)(fe - q) && !memcmp(f, q, (size_t)(fe - q)));
					FUZZ_CHECK((fi + 1 == nf) == (comma == NULL));
					q = fe + 1;
				}
				line = nl;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 0, 1, 2, 7, 16, 63, 64, 255, 1024 };
	size_t cap;
	FILE *in;
	pt_csv_reader *r;
	struct pass a, b;
	int simple;

	if (size < 2)
		return 0;
	cap = caps[data[0] % (sizeof caps / sizeof *caps)];
	data++;
	size--;
	in = fmemopen((void *)data, size, "r");
	FUZZ_CHECK(in != NULL);
	r = pt_csv_reader_open(in, cap);
	FUZZ_CHECK(r != NULL);
	if (!cap)
		cap = PT_CSV_DEFAULT_MAX_RECORD;
	simple = simple_input(data, size);
	read_all(r, size, cap, &a, data, size, simple);
	/* what was read once reads the same after a rewind */
	FUZZ_CHECK(pt_csv_reader_rewind(r));
	read_all(r, size, cap, &b, data, size, 0);
	FUZZ_CHECK(a.hash == b.hash && a.records == b.records && a.errors == b.errors);
	pt_csv_reader_close(r);
	fclose(in);
	FUZZ_CHECK(pt_secret_live() == 0);
	return 0;
}
