/* The header's "functions" (docs/FORMAT.md 2.9, since 1.3): functions and
 * procedures with their CREATE statement. The reader checks the shape of
 * the entry only; what the statement may say is the target's guard. */
#include "doc_reader_internal.h"

#include <stdlib.h>

static const char *const kinds[] = {"function", "procedure", NULL};
static const char *const languages[] = {"sql", "plpgsql", NULL};

/* A function object whose '{' has been read. */
static int read_function(fmt_doc_reader *r, fmt_function *f, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    while ((rc = doc_next_member(r, &ev, &started, "a function")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &f->name, "a function's \"name\"");
        else if (doc_text_is(&ev, "namespace"))
            rc = doc_read_optional_string(r, &f->namespace, "namespace");
        else if (doc_text_is(&ev, "kind"))
            rc = doc_read_choice(r, kinds, &f->kind, "a function's \"kind\"");
        else if (doc_text_is(&ev, "arguments"))
            rc = doc_read_string(r, &f->arguments, "a function's \"arguments\"");
        else if (doc_text_is(&ev, "result"))
            rc = doc_read_optional_string(r, &f->result, "a function's \"result\"");
        else if (doc_text_is(&ev, "language"))
            rc = doc_read_choice(r, languages, &f->language, "a function's \"language\"");
        else if (doc_text_is(&ev, "sql"))
            rc = doc_read_string(r, &f->sql, "a function's \"sql\"");
        else if (doc_text_is(&ev, "comment"))
            rc = doc_read_optional_string(r, &f->comment, "comment");
        else if (doc_text_is(&ev, "privileges"))
            rc = doc_read_privileges(r, &f->privileges, DOC_PRIVILEGES_FUNCTION);
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!f->name || !f->kind || !f->arguments || !f->language || !f->sql))
        return doc_fail_at(r, at, NULL,
                           "a function needs \"name\", \"kind\", \"arguments\", \"language\" "
                           "and \"sql\"");
    if (rc == 0 && (f->result != NULL) != (f->kind[0] == 'f'))
        return doc_fail_at(r, at, NULL, "function \"%.64s\": a %s %s \"result\"", f->name, f->kind,
                           f->result ? "has no" : "needs a");
    return rc;
}

int doc_read_functions(fmt_doc_reader *r)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"functions\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a function must be an object");
        fmt_function *f = doc_push((void **)&r->header.functions, &r->header.nfunctions, sizeof *f);
        if (!f)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_function(r, f, ev.pos) < 0)
            return -1;
    }
    return rc;
}
