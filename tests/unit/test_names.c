#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "names.h"
static void t(void **s) { pt_error e; assert_int_equal(pt_name_validate("tenant_acme", PT_NAME_SCHEMA, &e), PT_OK); }
int main(void) { const struct CMUnitTest tests[] = { cmocka_unit_test(t) }; return cmocka_run_group_tests(tests, NULL, NULL); }
