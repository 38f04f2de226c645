/* The audit as one JSON document: what `pgtenant audit --format=json`
 * prints and what the console's w writes to a file, byte for byte the same
 * shape, so a script reads either. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "audit.h"
#include "json.h"

static void
field(FILE *out, const char *key, const char *value, bool last)
{
	fprintf(out, "\"%s\": ", key);
	if (value)
		pt_json_string(out, value);
	else
		fputs("null", out);
	fputs(last ? "" : ", ", out);
}

void
pt_audit_write_json(FILE *out, const struct pt_audit *a, const char *dbname)
{
	fputs("{\"database\": ", out);
	pt_json_string(out, dbname);
	/* Only on Citus: plain PostgreSQL's document stays as it was. */
	if (a->citus)
		fprintf(out, ", \"citus\": true, \"nodes\": %zu", a->nodes);
	fprintf(out, ", \"tenant_schemas\": %zu, \"tenant_roles\": %zu, "
	        "\"passwords_checked\": %s, \"summary\": {",
	        a->tenant_schemas, a->tenant_roles, a->passwords_checked ? "true" : "false");
	for (int s = PT_SEVERITY_COUNT - 1; s >= 0; s--)
		fprintf(out, "\"%s\": %zu%s", pt_severity_name(s), a->count[s], s ? ", " : "");
	fprintf(out, "}, \"failed\": %s, \"findings\": [", pt_audit_failed(a) ? "true" : "false");
	for (size_t i = 0; i < a->n; i++) {
		const struct pt_finding *f = &a->findings[i];
		fputs(i ? ",\n  {" : "\n  {", out);
		field(out, "severity", pt_severity_name(f->severity), false);
		field(out, "rule", f->rule, false);
		field(out, "role", f->role, false);
		field(out, "schema", f->schema, false);
		field(out, "object", f->object, false);
		field(out, "via", f->via, false);
		if (a->citus)
			field(out, "node", f->node, false);
		field(out, "detail", f->detail, false);
		field(out, "fix_sql", f->fix_sql, true);
		fputc('}', out);
	}
	fputs(a->n ? "\n]}\n" : "]}\n", out);
}
