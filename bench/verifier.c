/* How long one SCRAM verifier of a generated password takes: libpq's
 * PQencryptPasswordConn against pgtenant's, 4096 iterations, in rounds
 * that alternate the two so that a busy neighbour slows both alike.
 * Prints the median microseconds per call of each:
 *
 *   bench/verifier [ROUNDS]        (make bench-programs; default 20 rounds of 25)
 *
 * and, for the benchmarks' psql scripts, hashes before any clock starts:
 *
 *   bench/verifier --libpq < passwords > verifiers   (one a line, 4096 iterations)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "scram.h"
#include "secret.h"

#define PER_ROUND 25

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp);
	return v[n / 2];
}

/* Microseconds per verifier over PER_ROUND calls. */
static double
round_us(PGconn *c, const char *pw, int ours)
{
	double t0 = now_us();
	pt_error err;

	for (int i = 0; i < PER_ROUND; i++) {
		char *v = ours ? pt_scram_verifier(c, "bench_user", pw, &err)
		               : PQencryptPasswordConn(c, pw, "bench_user", "scram-sha-256");

		if (!v) {
			fprintf(stderr, "bench/verifier: no verifier\n");
			exit(1);
		}
		if (ours)
			free(v);
		else
			PQfreemem(v);
	}
	return (now_us() - t0) / PER_ROUND;
}

/* A verifier for each password line of stdin, as psql's \password makes it. */
static int
hash_lines(PGconn *c)
{
	char line[1024];

	while (fgets(line, sizeof line, stdin)) {
		char *v;

		line[strcspn(line, "\n")] = '\0';
		v = PQencryptPasswordConn(c, line, "bench_user", "scram-sha-256");
		if (!v)
			return 1;
		puts(v);
		PQfreemem(v);
	}
	return ferror(stdin) || fflush(stdout) != 0;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	/* a connection to read settings from, never started */
	PGconn *c = PQconnectStart("pgtenant_no_such_option=1");
	double *libpq, *ours;
	char *pw;

	if (argc > 1 && strcmp(argv[1], "--libpq") == 0)
		return c ? hash_lines(c) : 1;

	if (rounds < 1 || !c || pt_core_init() != 0) {
		fprintf(stderr, "usage: bench/verifier [ROUNDS]\n");
		return 2;
	}
	libpq = calloc((size_t)rounds, sizeof *libpq);
	ours = calloc((size_t)rounds, sizeof *ours);
	if (!libpq || !ours)
		return 1;
	pw = pt_password_generate();
	(void)round_us(c, pw, 0);
	(void)round_us(c, pw, 1);
	for (int r = 0; r < rounds; r++) {
		if (r % 2) {
			ours[r] = round_us(c, pw, 1);
			libpq[r] = round_us(c, pw, 0);
		} else {
			libpq[r] = round_us(c, pw, 0);
			ours[r] = round_us(c, pw, 1);
		}
	}
	printf("libpq PQencryptPasswordConn median %.0f us\n", median(libpq, (size_t)rounds));
	printf("pgtenant pt_scram_verifier median %.0f us\n", median(ours, (size_t)rounds));
	pt_secret_free(pw);
	free(libpq);
	free(ours);
	PQfinish(c);
	return 0;
}
