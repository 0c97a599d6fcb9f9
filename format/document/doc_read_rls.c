/* A table's "row_security" (docs/FORMAT.md 2.2, since 1.2): ENABLE and
 * FORCE ROW LEVEL SECURITY and the policies, read into fmt_row_security. */
#include "doc_reader_internal.h"

#include <stdlib.h>

static const char *const commands[] = {"all", "select", "insert", "update", "delete", NULL};

/* A policy object whose '{' has been read. */
static int read_policy(fmt_doc_reader *r, fmt_policy *p)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = true;
    p->permissive = true;
    while ((rc = doc_next_member(r, &ev, &started, "a policy")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &p->name, "a policy name");
        else if (doc_text_is(&ev, "command"))
            rc = doc_read_choice(r, commands, &p->command, "a policy's \"command\"");
        else if (doc_text_is(&ev, "permissive")) {
            rc = doc_read_bool(r, &b, "permissive");
            p->permissive = b;
        } else if (doc_text_is(&ev, "roles"))
            rc = doc_read_string_array(r, &p->roles, &p->nroles, "roles");
        else if (doc_text_is(&ev, "using"))
            rc = doc_read_optional_string(r, &p->using_sql, "using");
        else if (doc_text_is(&ev, "with_check"))
            rc = doc_read_optional_string(r, &p->with_check_sql, "with_check");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!p->name || !p->command || !p->nroles))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "a policy needs \"name\", \"command\" and \"roles\"");
    return rc;
}

static int read_policies(fmt_doc_reader *r, fmt_row_security *rs)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"policies\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a policy must be an object");
        fmt_policy *p = doc_push((void **)&rs->policies, &rs->npolicies, sizeof *p);
        if (!p)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_policy(r, p) < 0)
            return -1;
    }
    return rc;
}

int doc_read_row_security(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    bool b = false;
    fmt_row_security *rs = t->row_security;
    if (!rs && !(rs = t->row_security = calloc(1, sizeof *rs)))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL, "out of memory");
    while ((rc = doc_next_member(r, &ev, &started, "\"row_security\"")) == 1) {
        if (doc_text_is(&ev, "enabled")) {
            rc = doc_read_bool(r, &b, "enabled");
            rs->enabled = b;
        } else if (doc_text_is(&ev, "forced")) {
            rc = doc_read_bool(r, &b, "forced");
            rs->forced = b;
        } else if (doc_text_is(&ev, "policies")) {
            rc = read_policies(r, rs);
        } else {
            rc = doc_skip_next_value(r);
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}
