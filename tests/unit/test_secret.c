/* Generated passwords and secret memory, without a server. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <sodium.h>

#include "secret.h"

#define ALPHABET_LEN 62
/* 6,250 passwords: 200,000 characters. */
#define SAMPLE_PASSWORDS 6250
/* Chi-square with 61 degrees of freedom has mean 61 and standard deviation
 * 11; 150 is eight deviations out (p < 1e-9), so a fair generator never
 * fails while the modulo bias of byte % 62 (a statistic in the thousands
 * at this sample size) always does. */
#define CHI2_BOUND_61DF 150.0
/* Three character classes per position: 2 degrees of freedom, p < 1e-9. */
#define CHI2_BOUND_2DF 42.0

static int
setup(void **state)
{
	return pt_core_init() == 0 ? 0 : -1;
}

static int
alphabet_index(char c)
{
	const char *p = c ? strchr(pt_password_alphabet, c) : NULL;

	return p ? (int)(p - pt_password_alphabet) : -1;
}

static void
test_alphabet(void **state)
{
	const char *want =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	assert_int_equal(strlen(pt_password_alphabet), ALPHABET_LEN);
	for (const char *c = want; *c; c++)
		assert_non_null(strchr(pt_password_alphabet, *c));
}

static void
test_length_and_alphabet(void **state)
{
	for (int i = 0; i < 1000; i++) {
		char *pw = pt_password_generate();
		assert_int_equal(PT_GENERATED_PASSWORD_LEN, 32);
		assert_int_equal(strlen(pw), PT_GENERATED_PASSWORD_LEN);
		for (size_t j = 0; j < PT_GENERATED_PASSWORD_LEN; j++)
			if (!((pw[j] >= 'A' && pw[j] <= 'Z') || (pw[j] >= 'a' && pw[j] <= 'z') ||
			      (pw[j] >= '0' && pw[j] <= '9')))
				fail_msg("byte 0x%02x outside [A-Za-z0-9]", (unsigned char)pw[j]);
		pt_secret_free(pw);
	}
}

static void
test_passwords_differ(void **state)
{
	char *a = pt_password_generate();
	char *b = pt_password_generate();

	assert_string_not_equal(a, b);
	pt_secret_free(a);
	pt_secret_free(b);
}

static double
chi_square(const long *counts, int bins, long total)
{
	double expected = (double)total / bins, x = 0;

	for (int i = 0; i < bins; i++) {
		double d = (double)counts[i] - expected;
		x += d * d / expected;
	}
	return x;
}

static void
test_uniformity(void **state)
{
	long counts[ALPHABET_LEN] = { 0 };
	long total = 0;
	double x;

	for (int i = 0; i < SAMPLE_PASSWORDS; i++) {
		char *pw = pt_password_generate();
		for (const char *c = pw; *c; c++) {
			int k = alphabet_index(*c);
			assert_true(k >= 0);
			counts[k]++;
			total++;
		}
		pt_secret_free(pw);
	}
	assert_int_equal(total, 200000);
	x = chi_square(counts, ALPHABET_LEN, total);
	print_message("chi-square over %ld characters, 61 df: %.1f (bound %.0f)\n",
	              total, x, CHI2_BOUND_61DF);
	assert_true(x < CHI2_BOUND_61DF);
}

/* No position may favour a class of character (say, a first character
 * that is always a letter). */
static void
test_uniformity_per_position(void **state)
{
	static long counts[PT_GENERATED_PASSWORD_LEN][3];
	const double p[3] = { 26.0 / 62, 26.0 / 62, 10.0 / 62 };

	memset(counts, 0, sizeof counts);
	for (int i = 0; i < SAMPLE_PASSWORDS; i++) {
		char *pw = pt_password_generate();
		for (size_t j = 0; j < PT_GENERATED_PASSWORD_LEN; j++)
			counts[j][pw[j] >= 'a' && pw[j] <= 'z' ? 1 :
			          pw[j] >= '0' && pw[j] <= '9' ? 2 : 0]++;
		pt_secret_free(pw);
	}
	for (size_t j = 0; j < PT_GENERATED_PASSWORD_LEN; j++) {
		double x = 0;
		for (int k = 0; k < 3; k++) {
			double e = p[k] * SAMPLE_PASSWORDS, d = (double)counts[j][k] - e;
			x += d * d / e;
		}
		if (x >= CHI2_BOUND_2DF)
			fail_msg("position %zu: chi-square %.1f", j, x);
	}
}

/* The statistic above must be able to fail: a generator with modulo bias
 * (a random byte % 62) is caught at the same sample size and bound. */
static void
test_uniformity_check_catches_modulo_bias(void **state)
{
	long counts[ALPHABET_LEN] = { 0 };
	unsigned char buf[4096];
	long total = 0;
	double x;

	while (total < 200000) {
		randombytes_buf(buf, sizeof buf);
		for (size_t i = 0; i < sizeof buf && total < 200000; i++, total++)
			counts[buf[i] % ALPHABET_LEN]++;
	}
	x = chi_square(counts, ALPHABET_LEN, total);
	print_message("biased generator: chi-square %.1f\n", x);
	assert_true(x > CHI2_BOUND_61DF);
}

static void
test_secret_alloc_zeroed(void **state)
{
	char *s = pt_secret_alloc(100);
	char *one = pt_secret_alloc(0);

	for (int i = 0; i < 100; i++)
		assert_int_equal(s[i], 0);
	assert_int_equal(one[0], 0);
	pt_secret_free(s);
	pt_secret_free(one);
}

static void
test_secret_round_trip(void **state)
{
	const char *in = "p@ss w:/?#&%= \xc3\xa9\xe5\xaf\x86\xe7\xa0\x81 'quote\" \\";
	char *copy = pt_secret_strdup(in);
	char *big;
	size_t n = 1 << 20;

	assert_non_null(copy);
	assert_ptr_not_equal(copy, in);
	assert_string_equal(copy, in);
	pt_secret_free(copy);

	assert_null(pt_secret_strdup(NULL));
	pt_secret_free(NULL);

	copy = pt_secret_strdup("");
	assert_string_equal(copy, "");
	pt_secret_free(copy);

	/* A megabyte written and read back whole. */
	big = pt_secret_alloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 7 + 1);
	for (size_t i = 0; i < n; i++)
		if (big[i] != (char)(i * 7 + 1))
			fail_msg("secret byte %zu changed", i);
	pt_secret_free(big);
}

/* A freed secret's buffer serves the next one (secret.c's pool): it comes
 * back wiped whole, not just the bytes the new caller asks for. */
static void
test_secret_reused_wiped(void **state)
{
	char *a = pt_secret_alloc(40), *b, *c;

	memset(a, 'x', 40);
	pt_secret_free(a);
	b = pt_secret_alloc(40);
	assert_ptr_equal(a, b);
	for (int i = 0; i < 40; i++)
		assert_int_equal(b[i], 0);
	memset(b, 'y', 40);
	pt_secret_free(b);
	/* A longer secret in the same buffer starts before the old bytes. */
	c = pt_secret_alloc(1500);
	for (int i = 0; i < 1500; i++)
		if (c[i])
			fail_msg("byte %d of a reused buffer not wiped: 0x%02x", i,
			         (unsigned char)c[i]);
	pt_secret_free(c);
}

/* Writing one byte past a secret hits the guard page, whether its buffer
 * is new, reused or too big for the pool. */
static void
test_secret_overrun_faults(void **state)
{
	static const size_t sizes[] = { 33, 33, 5000 };

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		char *p = pt_secret_alloc(n);
		int status;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			volatile char *v = p;

			signal(SIGSEGV, SIG_DFL);   /* not cmocka's handler */
			v[n - 1] = 1;      /* the last byte is ours */
			v[n] = 1;          /* the next is not */
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGSEGV);
		pt_secret_free(p);
	}
}

static long
locked_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmLck: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* A forked child (create --from's workers) does not inherit memory locks,
 * so it must not reuse the buffers its parent kept: its secrets are in
 * locked memory of its own. */
static void
test_secret_locked_in_child(void **state)
{
	int status;
	pid_t pid;

	pt_secret_free(pt_secret_alloc(40));    /* one buffer kept */
	if (locked_kib() <= 0)
		skip();                         /* no mlock here at all */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *p = pt_secret_alloc(40);

		_exit(locked_kib() > 0 && p ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void *
churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		char *a = pt_password_generate(), *b = pt_secret_strdup(a);

		if (strcmp(a, b))
			return (void *)1;
		pt_secret_free(a);
		pt_secret_free(b);
	}
	return NULL;
}

/* The library's handles may be used from several threads at once. */
static void
test_secret_threads(void **state)
{
	pthread_t t[4];
	void *rc;
	size_t before = pt_secret_live();

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_null(rc);
	}
	assert_int_equal(pt_secret_live(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alphabet),
		cmocka_unit_test(test_length_and_alphabet),
		cmocka_unit_test(test_passwords_differ),
		cmocka_unit_test(test_uniformity),
		cmocka_unit_test(test_uniformity_per_position),
		cmocka_unit_test(test_uniformity_check_catches_modulo_bias),
		cmocka_unit_test(test_secret_alloc_zeroed),
		cmocka_unit_test(test_secret_round_trip),
		cmocka_unit_test(test_secret_reused_wiped),
		cmocka_unit_test(test_secret_overrun_faults),
		cmocka_unit_test(test_secret_locked_in_child),
		cmocka_unit_test(test_secret_threads),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
