/* A program that knows libpgtenant only through pgtenant.h and pkg-config:
 * every call of the API against the test server, the failures a program
 * meets included. Prints TAP-ish "ok"/"not ok" lines; exit status 0 when
 * every check held. argv[1]: the admin target ("" = the PG* environment);
 * argv[2]: a file that receives the tenant's connection string, which the
 * calling script logs in with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pgtenant.h>

static int failures;

static void
check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

/* Check that *errp is of category want, then free it and clear *errp
 * for the next call. */
static void
check_error(pgt_error **errp, pgt_category want, const char *what)
{
	pgt_error *err = *errp;
	char line[512];

	snprintf(line, sizeof line, "%s: %s (sqlstate \"%s\": %s)", what,
	         pgt_category_name(err ? pgt_error_category(err) : PGT_OK),
	         err ? pgt_error_sqlstate(err) : "",
	         err ? pgt_error_message(err) : "no error");
	check(err && pgt_error_category(err) == want, line);
	pgt_error_free(err);
	*errp = NULL;
}

static long
find(const pgt_tenant_list *l, const char *schema)
{
	for (size_t i = 0; i < pgt_tenant_list_count(l); i++)
		if (strcmp(pgt_tenant_list_schema(l, i), schema) == 0)
			return (long)i;
	return -1;
}

int
main(int argc, char **argv)
{
	pgt_error *err = NULL;
	pgt_admin *admin;
	pgt_config *cfg;
	pgt_credentials *cr, *cr2;
	pgt_tenant_list *l;
	pgt_alter *a;
	char *json, *sql;
	const char *s, *why[4];
	long i;
	int terminated = -1;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: c_api TARGET CONNSTR-FILE\n");
		return 2;
	}
	check(pgt_version() && *pgt_version(), "pgt_version");

	admin = pgt_admin_open("host=127.0.0.1 port=1 connect_timeout=5", &err);
	check(admin == NULL, "open on a closed port fails");
	check_error(&err, PGT_ERR_CONNECTION, "open on a closed port");

	/* A password libpq quotes back in its error, in every spelling: no
	 * part of it in the message (main leaked the word after a space, and
	 * the start of a password the message was cut in). */
	{
		static char longpw[1600];
		char target[1800];
		const char *targets[4], *secrets[4][2] = {
			{ "hunter2", "w1ldc4rd" },
			{ "s3cr%zzet", "s3cr" },
			{ "longpw", NULL },
			{ "q3uot ed", "ed\\'x" },
		};

		memset(longpw, 'K', sizeof longpw - 1);
		targets[0] = "host=127.0.0.1 port=1 password=hunter2 w1ldc4rd";
		targets[1] = "postgresql://u:s3cr%zzet@127.0.0.1:1/db";
		snprintf(target, sizeof target, "postgresql://u:%s%%zz@127.0.0.1:1/db", longpw);
		targets[2] = target;
		targets[3] = "host=127.0.0.1 port=1 password='q3uot ed\\'x' w1ldc4rd";
		for (int t = 0; t < 4; t++) {
			const char *msg;
			int leak = 0;
			char what[96];

			admin = pgt_admin_open(targets[t], &err);
			msg = err ? pgt_error_message(err) : "";
			for (int k = 0; k < 2; k++) {
				const char *sec = t == 2 && k == 0 ? "KKKKKKKKKKKK" : secrets[t][k];
				if (sec && strstr(msg, sec))
					leak = 1;
			}
			snprintf(what, sizeof what, "open's error does not show password %d (%.60s)",
			         t, msg);
			check(!admin && err && !leak, what);
			pgt_error_free(err);
			err = NULL;
		}
	}

	admin = pgt_admin_open(argv[1], &err);
	if (!admin) {
		printf("not ok - open: %s\n", pgt_error_message(err));
		pgt_error_free(err);
		return 1;
	}
	check(1, "open");

	cfg = pgt_config_new();
	pgt_config_set_schema_name(cfg, "tenant_capi");
	pgt_config_set_password(cfg, "");
	cr = pgt_tenant_create(admin, cfg, &err);
	check(cr != NULL, "create tenant_capi");
	if (!cr) {
		printf("# %s\n", pgt_error_message(err));
		return 1;
	}
	check(strcmp(pgt_credentials_username(cr), "capi_user") == 0, "derived user name");
	check(strcmp(pgt_credentials_schema_name(cr), "tenant_capi") == 0, "schema name");
	check(strlen(pgt_credentials_password(cr)) == 32 &&
	      strspn(pgt_credentials_password(cr),
	             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 32,
	      "generated password: 32 alphanumerics");
	check(pgt_credentials_password_generated(cr) == 1, "password_generated");
	check(strncmp(pgt_credentials_connection_string(cr), "postgresql://", 13) == 0,
	      "connection string is a URI");
	s = pgt_credentials_connection_string_as(cr, PGT_STRING_CONNINFO, &err);
	check(s && strstr(s, "user='capi_user'") && strstr(s, "password='") &&
	      strstr(s, pgt_credentials_password(cr)), "conninfo form");
	check(pgt_credentials_connection_string_as(cr, PGT_STRING_CONNINFO, &err) == s,
	      "conninfo form kept by the credentials");
	s = pgt_credentials_connection_string_as(cr, PGT_STRING_JDBC, &err);
	check(s && strncmp(s, "jdbc:postgresql://", 18) == 0, "JDBC form");
	s = pgt_credentials_connection_string_as(cr, PGT_STRING_ENV, &err);
	check(s && strstr(s, "export PGUSER="), "env form");
	check(pgt_credentials_connection_string_as(cr, PGT_STRING_URI, &err) ==
	      pgt_credentials_connection_string(cr), "URI form");
	check(pgt_credentials_connection_string_as(cr, (pgt_string_form)99, &err) == NULL,
	      "unknown form fails");
	check_error(&err, PGT_ERR_INVALID, "unknown form");
	/* No sslmode here: nothing to warn about but a socket for JDBC. */
	check(pgt_credentials_string_warnings(cr, PGT_STRING_URI, why, 4) == 0 &&
	      pgt_credentials_string_warnings(cr, PGT_STRING_JDBC, why, 4) <= 1 &&
	      pgt_credentials_string_warnings(cr, PGT_STRING_JDBC, NULL, 0) == 0,
	      "string warnings");
	f = fopen(argv[2], "w");
	check(f && fprintf(f, "%s\n", pgt_credentials_connection_string(cr)) > 0 &&
	      fclose(f) == 0, "connection string written");
	pgt_credentials_free(cr);

	cr = pgt_tenant_create(admin, cfg, &err);
	check(cr == NULL, "second create fails");
	check_error(&err, PGT_ERR_EXISTS, "second create");

	pgt_config_set_schema_name(cfg, "Tenant-Bad");
	check(pgt_config_check(cfg, &err) == PGT_ERR_INVALID, "config check refuses a bad name");
	check_error(&err, PGT_ERR_INVALID, "config check");
	check(pgt_tenant_create(admin, cfg, &err) == NULL, "bad name fails");
	check_error(&err, PGT_ERR_INVALID, "bad name");
	pgt_config_free(cfg);

	/* The user name pattern, checked and then used. */
	cfg = pgt_config_new();
	check(pgt_config_check(cfg, &err) == PGT_ERR_INVALID, "config check: no schema name");
	check_error(&err, PGT_ERR_INVALID, "config check: no schema name");
	pgt_config_set_schema_name(cfg, "tenant_capi3");
	pgt_config_set_user_pattern(cfg, "{tenant}_{tenant}");
	check(pgt_config_check(cfg, &err) == PGT_ERR_INVALID, "config check refuses a bad pattern");
	check_error(&err, PGT_ERR_INVALID, "config check: bad pattern");
	pgt_config_set_user_pattern(cfg, "app_{tenant}");
	check(pgt_config_check(cfg, &err) == PGT_OK, "config check");
	cr = pgt_tenant_create(admin, cfg, &err);
	check(cr && strcmp(pgt_credentials_username(cr), "app_capi3") == 0,
	      "user name from the pattern");
	pgt_credentials_free(cr);
	check(pgt_tenant_drop(admin, "tenant_capi3", &err) == PGT_OK, "drop tenant_capi3");
	pgt_config_free(cfg);
	/* A fresh test server has not been hardened. */
	check(pgt_admin_hardened(admin) == 0 && pgt_admin_hardened(NULL) == 0, "not hardened");
	check(pgt_admin_database(admin) && *pgt_admin_database(admin) &&
	      pgt_admin_database(NULL) == NULL, "database name");

	/* A second tenant with every option, its password given. */
	cfg = pgt_config_new();
	pgt_config_set_schema_name(cfg, "tenant_capi2");
	pgt_config_set_username(cfg, "capi2_owner");
	pgt_config_set_password(cfg, "Given-Pw-42");
	pgt_config_set_connection_limit(cfg, 3);
	pgt_config_set_valid_until(cfg, "2099-01-01");
	cr = pgt_tenant_create(admin, cfg, &err);
	check(cr && strcmp(pgt_credentials_username(cr), "capi2_owner") == 0 &&
	      strcmp(pgt_credentials_password(cr), "Given-Pw-42") == 0 &&
	      pgt_credentials_password_generated(cr) == 0, "create with every option");
	pgt_credentials_free(cr);
	pgt_config_free(cfg);

	l = pgt_tenant_list_load(admin, 1, &err);
	check(l != NULL, "list");
	i = find(l, "tenant_capi");
	check(i >= 0 && strcmp(pgt_tenant_list_role(l, (size_t)i), "capi_user") == 0 &&
	      !pgt_tenant_list_locked(l, (size_t)i) && pgt_tenant_list_tables(l, (size_t)i) == 0 &&
	      pgt_tenant_list_size(l, (size_t)i) >= 0, "list row of tenant_capi");
	check(find(l, "tenant_capi2") >= 0, "list has tenant_capi2");
	check(pgt_tenant_list_schema(l, pgt_tenant_list_count(l)) == NULL, "row out of range");
	pgt_tenant_list_free(l);

	/* Checks need no server; previews look the tenant up and change nothing. */
	check(pgt_schema_name_check("tenant_capi", &err) == PGT_OK, "schema name check");
	check(pgt_schema_name_check("Tenant-X", &err) == PGT_ERR_INVALID,
	      "schema name check refuses Tenant-X");
	check_error(&err, PGT_ERR_INVALID, "schema name check");
	sql = pgt_tenant_lock_preview(admin, "tenant_capi", 1, &err);
	check(sql && strstr(sql, "NOLOGIN") && strstr(sql, "pg_terminate_backend"),
	      "lock preview");
	pgt_free(sql);
	sql = pgt_tenant_unlock_preview(admin, "tenant_capi", &err);
	check(sql && strstr(sql, " LOGIN"), "unlock preview");
	pgt_free(sql);
	sql = pgt_tenant_drop_preview(admin, "tenant_capi2", &err);
	check(sql && strstr(sql, "DROP SCHEMA") && strstr(sql, "tenant_capi2"), "drop preview");
	pgt_free(sql);
	sql = pgt_tenant_drop_preview(admin, "tenant_nobody", &err);
	check(sql == NULL, "drop preview of no tenant fails");
	check_error(&err, PGT_ERR_NOT_FOUND, "drop preview of no tenant");
	/* The create preview: the SQL with the schema and the user, its
	 * password neither in plaintext nor as a verifier. */
	cfg = pgt_config_new();
	pgt_config_set_schema_name(cfg, "tenant_capi4");
	pgt_config_set_password(cfg, "Preview-Pw-77");
	sql = pgt_tenant_create_preview(admin, cfg, &err);
	check(sql && strstr(sql, "CREATE SCHEMA") && strstr(sql, "tenant_capi4") &&
	      strstr(sql, "capi4_user") && strstr(sql, "<redacted>"), "create preview");
	check(sql && !strstr(sql, "Preview-Pw-77") && !strstr(sql, "SCRAM-SHA-256$"),
	      "create preview holds no password");
	pgt_free(sql);
	pgt_config_set_schema_name(cfg, "Tenant-Bad");
	check(pgt_tenant_create_preview(admin, cfg, &err) == NULL, "create preview of a bad name");
	check_error(&err, PGT_ERR_INVALID, "create preview of a bad name");
	pgt_config_free(cfg);
	cfg = pgt_config_new();
	check(pgt_tenant_create_preview(admin, cfg, &err) == NULL,
	      "create preview without a schema name");
	check_error(&err, PGT_ERR_INVALID, "create preview without a schema name");
	check(pgt_tenant_create_preview(NULL, cfg, &err) == NULL, "create preview without a handle");
	check_error(&err, PGT_ERR_INVALID, "create preview without a handle");
	pgt_config_free(cfg);
	a = pgt_alter_new();
	pgt_alter_set_connection_limit(a, 7);
	pgt_alter_set_setting(a, "statement_timeout", "2000");
	check(pgt_alter_check(a, &err) == PGT_OK, "alter check");
	sql = pgt_tenant_alter_preview(admin, "tenant_capi", a, &err);
	check(sql && strstr(sql, "CONNECTION LIMIT 7") && strstr(sql, "statement_timeout"),
	      "alter preview");
	pgt_free(sql);
	pgt_alter_set_setting(a, "search_path", "tenant_capi2");
	check(pgt_alter_check(a, &err) == PGT_ERR_INVALID, "alter check refuses search_path");
	check_error(&err, PGT_ERR_INVALID, "alter check");
	check(pgt_tenant_alter_preview(admin, "tenant_capi", a, &err) == NULL,
	      "alter preview refuses search_path");
	check_error(&err, PGT_ERR_INVALID, "alter preview");
	pgt_alter_free(a);
	l = pgt_tenant_list_load(admin, 0, &err);
	i = l ? find(l, "tenant_capi") : -1;
	check(i >= 0 && !pgt_tenant_list_locked(l, (size_t)i) && find(l, "tenant_capi2") >= 0 &&
	      find(l, "tenant_capi4") < 0, "previews changed nothing");
	pgt_tenant_list_free(l);

	check(pgt_tenant_lock(admin, "tenant_capi", 1, &terminated, &err) == PGT_OK &&
	      terminated == 0, "lock");
	l = pgt_tenant_list_load(admin, 0, &err);
	i = l ? find(l, "tenant_capi") : -1;
	check(i >= 0 && pgt_tenant_list_locked(l, (size_t)i) &&
	      pgt_tenant_list_size(l, (size_t)i) == -1, "listed as locked, size not loaded");
	pgt_tenant_list_free(l);
	check(pgt_tenant_unlock(admin, "tenant_capi", &err) == PGT_OK, "unlock");

	a = pgt_alter_new();
	pgt_alter_set_connection_limit(a, 5);
	pgt_alter_set_valid_until(a, "2098-12-31");
	pgt_alter_set_setting(a, "statement_timeout", "1000");
	pgt_alter_set_setting(a, "work_mem", NULL);
	check(pgt_tenant_alter(admin, "tenant_capi", a, &err) == PGT_OK, "alter");
	pgt_alter_free(a);
	a = pgt_alter_new();
	pgt_alter_set_setting(a, "search_path", "tenant_capi2");
	check(pgt_tenant_alter(admin, "tenant_capi", a, &err) == PGT_ERR_INVALID,
	      "alter refuses search_path");
	check_error(&err, PGT_ERR_INVALID, "alter search_path");
	pgt_alter_free(a);

	cr = pgt_tenant_rotate_password(admin, "tenant_capi2", NULL, &err);
	check(cr && strlen(pgt_credentials_password(cr)) == 32 &&
	      strcmp(pgt_credentials_username(cr), "capi2_owner") == 0, "rotate");
	pgt_credentials_free(cr);
	cr2 = pgt_tenant_rotate_password(admin, "tenant_nobody", "x", &err);
	check(cr2 == NULL, "rotate of no tenant fails");
	check_error(&err, PGT_ERR_NOT_FOUND, "rotate of no tenant");

	json = pgt_audit_json(admin, &err);
	check(json && json[0] == '{' && strstr(json, "\"findings\""), "audit json");
	pgt_free(json);

	check(pgt_tenant_drop(admin, "tenant_capi2", &err) == PGT_OK, "drop tenant_capi2");
	check(pgt_tenant_drop(admin, "tenant_capi2", &err) == PGT_ERR_NOT_FOUND,
	      "drop again fails");
	check_error(&err, PGT_ERR_NOT_FOUND, "drop again");
	l = pgt_tenant_list_load(admin, 0, &err);
	check(l && find(l, "tenant_capi2") < 0 && find(l, "tenant_capi") >= 0,
	      "list after drop");
	pgt_tenant_list_free(l);

	check(pgt_tenant_drop(NULL, "x", &err) == PGT_ERR_INVALID, "NULL handle");
	check_error(&err, PGT_ERR_INVALID, "NULL handle");

	pgt_admin_close(admin);
	return failures ? 1 : 0;
}
