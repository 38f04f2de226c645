#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#if HAVE_SYS_PRCTL_H
# include <sys/prctl.h>
#endif
#include <sodium.h>

#include "error.h"
#include "secret.h"

const char pt_password_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int
pt_core_init(void)
{
	struct rlimit none = { 0, 0 };

	/* A core file of an admin console would hold the admin's connection
	 * and every password typed: never write one. */
	(void)setrlimit(RLIMIT_CORE, &none);
#if HAVE_PRCTL && defined(PR_SET_DUMPABLE)
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	return sodium_init() < 0 ? -1 : 0;
}

/* Every secret buffer carries this just before the caller's bytes, inside
 * the guarded allocation: where that allocation begins and how big it is,
 * so that pt_secret_free can find both from the caller's pointer. */
struct secret_head {
	char *base;
	size_t cap;
};

/* sodium_malloc costs about fifteen system calls (mmap, guard pages made
 * inaccessible, mlock, madvise) and sodium_free five more: a bulk run
 * makes and frees eight secrets a tenant, and those calls were a third of
 * its processor time (1 s of system time for 1,000 tenants, strace -c).
 * So a freed buffer of the common size is wiped and kept for the next
 * secret instead: it stays locked, out of core dumps and between its
 * guard pages, and holds nothing. At most POOL_MAX are kept (each pins
 * one page of locked memory). */
#define POOL_CAP 2048           /* one page with libsodium's canary */
#define POOL_MAX 64

static struct {
	pthread_mutex_t lock;   /* the library's handles may live in threads */
	char *free[POOL_MAX];   /* bases of wiped POOL_CAP buffers */
	size_t n_free;
	size_t live;            /* handed out and not yet freed */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
pool_prepare(void)
{
	pthread_mutex_lock(&pool.lock);
}

static void
pool_parent(void)
{
	pthread_mutex_unlock(&pool.lock);
}

/* A child does not inherit memory locks (fork(2)): there the kept buffers
 * could be swapped out with the next secret in them. Let them go; the
 * child's own secrets get new, locked buffers. */
static void
pool_child(void)
{
	pthread_mutex_unlock(&pool.lock);
	while (pool.n_free)
		sodium_free(pool.free[--pool.n_free]);
}

static void
pool_register(void)
{
	(void)pthread_atfork(pool_prepare, pool_parent, pool_child);
}

char *
pt_secret_alloc(size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t cap, need;
	struct secret_head h;
	char *user;

	if (n == 0)
		n = 1;
	need = sizeof h + n;
	cap = need <= POOL_CAP ? POOL_CAP : need;
	h = (struct secret_head){ NULL, cap };
	pthread_once(&once, pool_register);
	pthread_mutex_lock(&pool.lock);
	if (cap == POOL_CAP && pool.n_free)
		h.base = pool.free[--pool.n_free];
	pool.live++;
	pthread_mutex_unlock(&pool.lock);
	if (!h.base && !(h.base = sodium_malloc(cap)))
		pt_die("cannot allocate %zu bytes of secret memory", n);
	/* The caller's bytes end where the buffer does, against the guard
	 * page, so an overrun still faults. sodium_malloc fills with 0xdb;
	 * callers expect a terminated string. */
	user = h.base + cap - n;
	memset(user, 0, n);
	memcpy(user - sizeof h, &h, sizeof h);
	return user;
}

char *
pt_secret_strdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = pt_secret_alloc(n);
	memcpy(p, s, n);
	return p;
}

void
pt_secret_free(char *secret)
{
	struct secret_head h;
	bool kept = false;

	if (!secret)
		return;
	memcpy(&h, secret - sizeof h, sizeof h);
	if (h.cap == POOL_CAP)
		sodium_memzero(h.base, h.cap);
	pthread_mutex_lock(&pool.lock);
	pool.live--;
	if (h.cap == POOL_CAP && pool.n_free < POOL_MAX) {
		pool.free[pool.n_free++] = h.base;
		kept = true;
	}
	pthread_mutex_unlock(&pool.lock);
	if (!kept)
		sodium_free(h.base);   /* zeroes before releasing */
}

size_t
pt_secret_live(void)
{
	size_t n;

	pthread_mutex_lock(&pool.lock);
	n = pool.live;
	pthread_mutex_unlock(&pool.lock);
	return n;
}

char *
pt_password_generate(void)
{
	const uint32_t k = (uint32_t)(sizeof pt_password_alphabet - 1);
	char *pw = pt_secret_alloc(PT_GENERATED_PASSWORD_LEN + 1);

	for (size_t i = 0; i < PT_GENERATED_PASSWORD_LEN; i++)
		pw[i] = pt_password_alphabet[randombytes_uniform(k)];
	pw[PT_GENERATED_PASSWORD_LEN] = '\0';
	return pw;
}
