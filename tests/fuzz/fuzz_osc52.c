/* libFuzzer harness: the OSC 52 encoder. The plain form must be exactly
 * ESC ] 52 ; c ; base64(text) BEL; the GNU screen form must be DCS
 * strings (ESC P ... ESC \) of at most 768 bytes each whose contents,
 * joined, are the plain form; neither may hold any other control byte. */
#include "config.h"

#include <sodium.h>

#include "fuzz.h"
#include "tui/clipboard.h"

#define CHUNK 768

static void
check_plain(const char *text, const char *osc)
{
	size_t n = strlen(osc), len = strlen(text), binlen = 0;
	unsigned char *bin;

	FUZZ_CHECK(n >= 8 && !strncmp(osc, "\033]52;c;", 7) && osc[n - 1] == '\a');
	for (size_t i = 7; i + 1 < n; i++)
		FUZZ_CHECK((unsigned char)osc[i] > 0x20 && (unsigned char)osc[i] < 0x7f);
	bin = malloc(len + 1);
	FUZZ_CHECK(sodium_base642bin(bin, len + 1, osc + 7, n - 8, NULL, &binlen, NULL,
	                             sodium_base64_VARIANT_ORIGINAL) == 0);
	FUZZ_CHECK(binlen == len && !memcmp(bin, text, len));
	free(bin);
}

static void
check_screen(const char *plain, const char *dcs)
{
	size_t plen = strlen(plain), joined = 0;
	const char *p = dcs;

	while (*p) {
		const char *end;
		FUZZ_CHECK(p[0] == '\033' && p[1] == 'P');
		p += 2;
		end = strstr(p, "\033\\");
		FUZZ_CHECK(end != NULL);
		FUZZ_CHECK((size_t)(end - p) <= CHUNK);
		FUZZ_CHECK(joined + (size_t)(end - p) <= plen);
		FUZZ_CHECK(!memcmp(plain + joined, p, (size_t)(end - p)));
		joined += (size_t)(end - p);
		p = end + 2;
	}
	FUZZ_CHECK(joined == plen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char *plain = pt_clipboard_osc52(text, false);
	char *screen = pt_clipboard_osc52(text, true);

	check_plain(text, plain);
	check_screen(plain, screen);
	free(plain);
	free(screen);
	free(text);
	FUZZ_CHECK(pt_secret_live() == 0);
	return 0;
}
