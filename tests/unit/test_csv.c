/* The RFC 4180 reader: what it accepts, what it rejects and on which line. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "csv.h"
#include "secret.h"

struct fixture {
	FILE *f;
	pt_csv_reader *r;
	pt_error err;
};

static struct fixture *
open_text(const char *text, size_t len, size_t max_record)
{
	struct fixture *fx = test_calloc(1, sizeof *fx);

	/* A real file rather than fmemopen: the reader must cope with stdio
	 * as it is for files and pipes. */
	fx->f = tmpfile();
	assert_non_null(fx->f);
	assert_int_equal(fwrite(text, 1, len, fx->f), len);
	rewind(fx->f);
	fx->r = pt_csv_reader_open(fx->f, max_record);
	return fx;
}

static struct fixture *
open_str(const char *text)
{
	return open_text(text, strlen(text), 0);
}

static void
close_fx(struct fixture *fx)
{
	pt_csv_reader_close(fx->r);
	fclose(fx->f);
	test_free(fx);
}

/* Read one record and check its line and fields (NULL-terminated list). */
static void
expect_record(struct fixture *fx, unsigned long line, ...)
{
	va_list ap;
	size_t i = 0;
	const char *want;

	assert_int_equal(pt_csv_reader_next(fx->r, &fx->err), PT_CSV_RECORD);
	assert_int_equal(pt_csv_reader_line(fx->r), line);
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_true(i < pt_csv_reader_nfields(fx->r));
		assert_string_equal(pt_csv_reader_field(fx->r, i), want);
		i++;
	}
	va_end(ap);
	assert_int_equal(pt_csv_reader_nfields(fx->r), i);
}

static void
expect_error(struct fixture *fx, unsigned long line, const char *needle)
{
	assert_int_equal(pt_csv_reader_next(fx->r, &fx->err), PT_CSV_ERROR);
	assert_int_equal(pt_csv_reader_line(fx->r), line);
	assert_int_equal(fx->err.status, PT_ERR_INVALID);
	if (!strstr(fx->err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", fx->err.message, needle);
}

static void
expect_end(struct fixture *fx)
{
	assert_int_equal(pt_csv_reader_next(fx->r, &fx->err), PT_CSV_END);
	assert_int_equal(pt_csv_reader_next(fx->r, &fx->err), PT_CSV_END);
}

static void
plain_lf(void **state)
{
	struct fixture *fx = open_str("schema_name,username,password\n"
	                              "tenant_a,a_user,pw1\n"
	                              "tenant_b,,\n");
	expect_record(fx, 1, "schema_name", "username", "password", NULL);
	expect_record(fx, 2, "tenant_a", "a_user", "pw1", NULL);
	expect_record(fx, 3, "tenant_b", "", "", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
crlf_bom_and_no_final_newline(void **state)
{
	struct fixture *fx = open_str("\xEF\xBB\xBFschema_name,password\r\n"
	                              "tenant_a,x\r\n"
	                              "\r\n"
	                              "tenant_b,y");
	expect_record(fx, 1, "schema_name", "password", NULL);
	expect_record(fx, 2, "tenant_a", "x", NULL);
	expect_record(fx, 4, "tenant_b", "y", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
bom_only_at_start(void **state)
{
	/* A BOM later on is data, not something to skip. */
	struct fixture *fx = open_str("a\n\xEF\xBB\xBF" "b\n");
	expect_record(fx, 1, "a", NULL);
	expect_record(fx, 2, "\xEF\xBB\xBF" "b", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
quoted_fields(void **state)
{
	struct fixture *fx = open_str("\"tenant_a\",\"a,user\",\"say \"\"hi\"\"\"\n"
	                              "tenant_b,\"two\nlines\r\nhere\",\"\"\n"
	                              "tenant_c,\"\",\",\"\n"
	                              "\"\"\n");
	expect_record(fx, 1, "tenant_a", "a,user", "say \"hi\"", NULL);
	expect_record(fx, 2, "tenant_b", "two\nlines\r\nhere", "", NULL);
	/* The two embedded line breaks count: this record is on line 5. */
	expect_record(fx, 5, "tenant_c", "", ",", NULL);
	/* A lone pair of quotes is one empty field, not a blank line. */
	expect_record(fx, 6, "", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
blank_lines_and_empty_fields(void **state)
{
	struct fixture *fx = open_str("\n\n,\na,,\n\n,b\n");
	expect_record(fx, 3, "", "", NULL);
	expect_record(fx, 4, "a", "", "", NULL);
	expect_record(fx, 6, "", "b", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
bad_records_are_skipped(void **state)
{
	struct fixture *fx = open_str("a,b\"c,d\n"
	                              "ok,1\n"
	                              "\"x\"y,2\n"
	                              "ok,3\n"
	                              "bad\rcr,4\n"
	                              "ok,5\n"
	                              " \"lead\",6\n"
	                              "ok,7\n");
	expect_error(fx, 1, "double quote inside an unquoted field");
	expect_record(fx, 2, "ok", "1", NULL);
	expect_error(fx, 3, "after the closing quote");
	expect_record(fx, 4, "ok", "3", NULL);
	expect_error(fx, 5, "carriage return");
	expect_record(fx, 6, "ok", "5", NULL);
	expect_error(fx, 7, "double quote inside an unquoted field");
	expect_record(fx, 8, "ok", "7", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
unterminated_quote(void **state)
{
	struct fixture *fx = open_str("ok,1\n"
	                              "x,\"never\nclosed,2\n"
	                              "ok,3\n");
	expect_record(fx, 1, "ok", "1", NULL);
	expect_error(fx, 2, "opened on line 2 is never closed");
	expect_end(fx);
	close_fx(fx);
}

static void
nul_byte(void **state)
{
	static const char text[] = "a,b\0c\nok,1\n";
	struct fixture *fx = open_text(text, sizeof text - 1, 0);
	expect_error(fx, 1, "NUL");
	expect_record(fx, 2, "ok", "1", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
length_cap(void **state)
{
	/* A cap of 8 bytes of field text: 8 fit, 9 do not. */
	static const char text[] = "abcd,efgh\n"
	                           "abcd,efghi\n"
	                           "\"long\nquoted field\"\n"
	                           "ok\n";
	struct fixture *fx = open_text(text, sizeof text - 1, 8);
	expect_record(fx, 1, "abcd", "efgh", NULL);
	expect_error(fx, 2, "longer than 8 bytes");
	/* The cap is hit on the field's second line: reading resumes after it. */
	expect_error(fx, 3, "longer than 8 bytes");
	expect_record(fx, 5, "ok", NULL);
	expect_end(fx);
	close_fx(fx);
}

static void
field_cap(void **state)
{
	char text[PT_CSV_MAX_FIELDS * 4 + 16];
	size_t n = 0;

	/* Exactly the maximum, then one field too many. */
	for (int i = 0; i < PT_CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, i ? ",x" : "x");
	n += (size_t)snprintf(text + n, sizeof text - n, "\n");
	for (int i = 0; i <= PT_CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, i ? ",y" : "y");
	n += (size_t)snprintf(text + n, sizeof text - n, "\nok\n");
	struct fixture *fx = open_text(text, n, 0);
	assert_int_equal(pt_csv_reader_next(fx->r, &fx->err), PT_CSV_RECORD);
	assert_int_equal(pt_csv_reader_nfields(fx->r), PT_CSV_MAX_FIELDS);
	expect_error(fx, 2, "more than");
	expect_record(fx, 3, "ok", NULL);
	expect_end(fx);
	close_fx(fx);
}

/* More than one read buffer of input, with quoted fields across the seams,
 * then the same again after a rewind. */
static void
large_input_and_rewind(void **state)
{
	const int n = 20000;
	size_t cap = (size_t)n * 64, len = 0;
	char *text = test_malloc(cap);

	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
		                        "tenant_%d,\"u,%d\",\"p\"\"%d\nx\"\r\n", i, i, i);
	struct fixture *fx = open_text(text, len, 0);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			char a[32], b[32], c[32];
			snprintf(a, sizeof a, "tenant_%d", i);
			snprintf(b, sizeof b, "u,%d", i);
			snprintf(c, sizeof c, "p\"%d\nx", i);
			expect_record(fx, (unsigned long)i * 2 + 1, a, b, c, NULL);
		}
		expect_end(fx);
		assert_true(pt_csv_reader_rewind(fx->r));
	}
	close_fx(fx);
	test_free(text);
}

static void
pipe_cannot_rewind(void **state)
{
	FILE *p = popen("printf 'a,b\\n'", "r");
	pt_csv_reader *r;
	pt_error err;

	assert_non_null(p);
	r = pt_csv_reader_open(p, 0);
	assert_int_equal(pt_csv_reader_next(r, &err), PT_CSV_RECORD);
	assert_string_equal(pt_csv_reader_field(r, 1), "b");
	assert_int_equal(pt_csv_reader_next(r, &err), PT_CSV_END);
	assert_false(pt_csv_reader_rewind(r));
	pt_csv_reader_close(r);
	pclose(p);
}

/* /dev/zero has no line end: the reader must stop, not skip forever. */
static void
runaway_line_stops(void **state)
{
	FILE *z = fopen("/dev/zero", "r");
	pt_csv_reader *r;
	pt_error err;

	(void)state;
	assert_non_null(z);
	r = pt_csv_reader_open(z, 0);
	assert_int_equal(pt_csv_reader_next(r, &err), PT_CSV_ERROR);
	assert_int_equal(err.status, PT_ERR_IO);
	if (!strstr(err.message, "not a CSV file"))
		fail_msg("message \"%s\"", err.message);
	/* And it stays stopped. */
	assert_int_equal(pt_csv_reader_next(r, &err), PT_CSV_ERROR);
	assert_int_equal(err.status, PT_ERR_IO);
	pt_csv_reader_close(r);
	fclose(z);
}

/* A pipe that stalls ends in an error once the time limit is spent;
 * records that came before it are still read. */
static void
stalled_pipe_times_out(void **state)
{
	FILE *p = popen("printf 'a,b\\nc,d'; exec sleep 6", "r");
	struct timespec t0, t1;
	pt_csv_reader *r;
	pt_error err;

	(void)state;
	assert_non_null(p);
	r = pt_csv_reader_open(p, 0);
	pt_csv_reader_set_time_limit(r, 0.5);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pt_csv_reader_next(r, &err), PT_CSV_RECORD);
	assert_string_equal(pt_csv_reader_field(r, 1), "b");
	assert_int_equal(pt_csv_reader_next(r, &err), PT_CSV_ERROR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(err.status, PT_ERR_IO);
	if (!strstr(err.message, "did not end within"))
		fail_msg("message \"%s\"", err.message);
	/* Generous for a loaded machine, yet before the pipe's end. */
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	pt_csv_reader_close(r);
	pclose(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_lf),
		cmocka_unit_test(crlf_bom_and_no_final_newline),
		cmocka_unit_test(bom_only_at_start),
		cmocka_unit_test(quoted_fields),
		cmocka_unit_test(blank_lines_and_empty_fields),
		cmocka_unit_test(bad_records_are_skipped),
		cmocka_unit_test(unterminated_quote),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(length_cap),
		cmocka_unit_test(field_cap),
		cmocka_unit_test(large_input_and_rewind),
		cmocka_unit_test(pipe_cannot_rewind),
		cmocka_unit_test(runaway_line_stops),
		cmocka_unit_test(stalled_pipe_times_out),
	};

	if (pt_core_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
