/* Writing the rows' values (docs/FORMAT.md 3.1 Portable types, 3.2 Tagged
 * forms): each portable type's natural form when it is lossless, a tagged
 * form otherwise. The reader's side of the same codec is values_read.c. */
#include "values_write.h"

#include <math.h>
#include <string.h>

#include "number.h"
#include "utf8.h"

/* An integer as a JSON number when jq 1.6 keeps it exact, else as a string. */
int fmt_values_write_integer(fmt_json_writer *j, int64_t v)
{
    if (v >= -FMT_JSON_SAFE_INTEGER && v <= FMT_JSON_SAFE_INTEGER)
        return fmt_json_writer_int64(j, v);
    char buf[24];
    int n = fmt_int64_format(buf, v);
    return fmt_json_writer_string(j, buf, (size_t)n);
}

static int write_real(fmt_json_writer *j, double d)
{
    if (isfinite(d))
        return fmt_json_writer_double(j, d);
    return fmt_json_writer_stringz(j, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
}

static int write_tagged(fmt_json_writer *j, const fmt_value *v, int text_valid)
{
    if (fmt_json_writer_object_start(j) < 0)
        return -1;
    int rc;
    switch (v->kind) {
    case FMT_VALUE_INTEGER:
        rc = fmt_json_writer_keyz(j, "$int") < 0 ? -1 : fmt_values_write_integer(j, v->i);
        break;
    case FMT_VALUE_BOOLEAN:
        rc = fmt_json_writer_keyz(j, "$int") < 0 ? -1 : fmt_json_writer_int64(j, v->b ? 1 : 0);
        break;
    case FMT_VALUE_REAL:
        rc = fmt_json_writer_keyz(j, "$real") < 0 ? -1 : write_real(j, v->d);
        break;
    case FMT_VALUE_TEXT:
        if (text_valid)
            rc = fmt_json_writer_keyz(j, "$text") < 0 ? -1
                                                      : fmt_json_writer_string(j, v->bytes, v->len);
        else
            rc = fmt_json_writer_keyz(j, "$text_base64") < 0
                     ? -1
                     : fmt_json_writer_base64(j, v->bytes, v->len);
        break;
    case FMT_VALUE_BLOB:
        rc =
            fmt_json_writer_keyz(j, "$blob") < 0 ? -1 : fmt_json_writer_base64(j, v->bytes, v->len);
        break;
    default:
        return -2;
    }
    if (rc < 0)
        return rc;
    return fmt_json_writer_object_end(j);
}

/* A jsonb value is written as itself, except the JSON null (which would read
 * as SQL NULL) and any value with a key beginning with '$' (which could read
 * as a tagged form): those are wrapped as {"$jsonb": value}. Looking for
 * '"$' anywhere is conservative: a string containing it is wrapped too,
 * which costs nothing but a few bytes. */
static int write_jsonb(fmt_json_writer *j, const fmt_value *v)
{
    int wrap = (v->len == 4 && memcmp(v->bytes, "null", 4) == 0);
    for (size_t i = 0; !wrap && i + 1 < v->len; i++)
        wrap = v->bytes[i] == '"' && v->bytes[i + 1] == '$';
    if (!wrap)
        return fmt_json_writer_raw_value(j, v->bytes, v->len);
    if (fmt_json_writer_object_start(j) < 0 || fmt_json_writer_keyz(j, "$jsonb") < 0 ||
        fmt_json_writer_raw_value(j, v->bytes, v->len) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

/* One element of an array tree, by its kind (value.h): a decimal's lexeme
 * is written as the number it is when it is one, a JSON element the file
 * had tagged as {"$jsonb": value} tagged again, and so is a JSON array,
 * which written as itself would read as one more dimension. */
static int write_element(fmt_json_writer *j, const fmt_value *v)
{
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return fmt_json_writer_null(j);
    case FMT_VALUE_BOOLEAN:
        return fmt_json_writer_bool(j, v->b);
    case FMT_VALUE_INTEGER:
        return fmt_values_write_integer(j, v->i);
    case FMT_VALUE_REAL:
        return write_real(j, v->d);
    case FMT_VALUE_DECIMAL:
        if (fmt_is_json_number(v->bytes, v->len))
            return fmt_json_writer_number_text(j, v->bytes, v->len);
        return fmt_json_writer_string(j, v->bytes, v->len);
    case FMT_VALUE_TEXT:
        return fmt_json_writer_string(j, v->bytes, v->len);
    case FMT_VALUE_BLOB:
        return fmt_json_writer_base64(j, v->bytes, v->len);
    case FMT_VALUE_JSON:
        if (!v->b && !(v->len > 0 && v->bytes[0] == '['))
            return fmt_json_writer_raw_value(j, v->bytes, v->len);
        if (fmt_json_writer_object_start(j) < 0 || fmt_json_writer_keyz(j, "$jsonb") < 0 ||
            fmt_json_writer_raw_value(j, v->bytes, v->len) < 0)
            return -1;
        return fmt_json_writer_object_end(j);
    case FMT_VALUE_ARRAY:
        return fmt_values_write_array(j, v->array);
    }
    return -1;
}

int fmt_values_write_array(fmt_json_writer *j, const fmt_array *a)
{
    if (fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t k = 0; a && k < a->n; k++)
        if (write_element(j, &a->items[k]) < 0)
            return -1;
    return fmt_json_writer_array_end(j);
}

int fmt_values_array_json(fmt_sink_fn sink, void *ctx, const fmt_array *a)
{
    fmt_json_writer_options opts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_writer *w = NULL;
    opts.buffer_size = 4096;
    if (fmt_json_writer_new(&w, sink, ctx, &opts) < 0)
        return -1;
    int rc = fmt_values_write_array(w, a) < 0 || fmt_json_writer_flush(w) < 0 ? -1 : 0;
    fmt_json_writer_free(w);
    return rc;
}

static int is_text_type(fmt_type_kind k)
{
    switch (k) {
    case FMT_TYPE_TEXT:
    case FMT_TYPE_VARCHAR:
    case FMT_TYPE_CHAR:
    case FMT_TYPE_DATE:
    case FMT_TYPE_TIME:
    case FMT_TYPE_TIMETZ:
    case FMT_TYPE_TIMESTAMP:
    case FMT_TYPE_TIMESTAMPTZ:
    case FMT_TYPE_INTERVAL:
    case FMT_TYPE_UUID:
    case FMT_TYPE_JSON:
    case FMT_TYPE_NATIVE:
    case FMT_TYPE_ANY:
    case FMT_TYPE_SPARSEVEC:
        return 1;
    default:
        return 0;
    }
}

/* A json column's compact JSON text (FMT_VALUE_JSON): written as the value
 * itself, so that jq sees an object (docs/FORMAT.md 3.1), unless reading it
 * back could mean something else: a string is the text itself in a json
 * column, null is SQL NULL, and an object with a '$' key is a tagged form
 * once jq -S has sorted that key first. So any text holding "$ stays a
 * string, as every text did before 1.3. */
static int write_json_text(fmt_json_writer *j, const fmt_value *v)
{
    int as_text =
        v->len == 0 || v->bytes[0] == '"' || (v->len == 4 && !memcmp(v->bytes, "null", 4));
    for (size_t i = 0; !as_text && i + 1 < v->len; i++)
        as_text = v->bytes[i] == '"' && v->bytes[i + 1] == '$';
    if (as_text)
        return fmt_json_writer_string(j, v->bytes, v->len);
    return fmt_json_writer_raw_value(j, v->bytes, v->len);
}

/* Writes v for a column of type t: natural form when lossless, tagged
 * otherwise (docs/FORMAT.md 3.2). Returns -2 for a value the format has no
 * way to carry in that column. */
int fmt_values_write(fmt_json_writer *j, const fmt_type *t, const fmt_value *v)
{
    fmt_type_kind k = t->kind;
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return fmt_json_writer_null(j);
    case FMT_VALUE_INTEGER:
        if (fmt_type_is_integer(k))
            return fmt_values_write_integer(j, v->i);
        if (k == FMT_TYPE_ANY && v->i >= -FMT_JSON_SAFE_INTEGER && v->i <= FMT_JSON_SAFE_INTEGER)
            return fmt_json_writer_int64(j, v->i);
        if (k == FMT_TYPE_BOOLEAN && (v->i == 0 || v->i == 1))
            return fmt_json_writer_bool(j, (int)v->i);
        if (k == FMT_TYPE_DECIMAL) {
            char buf[24];
            int n = fmt_int64_format(buf, v->i);
            return fmt_json_writer_string(j, buf, (size_t)n);
        }
        break;
    case FMT_VALUE_REAL:
        if (k == FMT_TYPE_FLOAT32 || k == FMT_TYPE_FLOAT64)
            return write_real(j, v->d);
        if (k == FMT_TYPE_DECIMAL) {
            char buf[FMT_DOUBLE_BUFSZ];
            int n = fmt_double_format(buf, v->d);
            return fmt_json_writer_string(j, buf, (size_t)n);
        }
        break;
    case FMT_VALUE_TEXT: {
        int valid = fmt_utf8_validate(v->bytes, v->len) == v->len;
        if (valid && is_text_type(k))
            return fmt_json_writer_string(j, v->bytes, v->len);
        /* an exact decimal a backend keeps as text (SQLite "DECIMAL TEXT") */
        if (k == FMT_TYPE_DECIMAL && fmt_is_decimal_text(v->bytes, v->len))
            return fmt_json_writer_string(j, v->bytes, v->len);
        return write_tagged(j, v, valid);
    }
    case FMT_VALUE_BLOB:
        if (k == FMT_TYPE_BYTES || (k == FMT_TYPE_VECTOR && v->len == (size_t)t->param1 * 4) ||
            (k == FMT_TYPE_HALFVEC && v->len == (size_t)t->param1 * 2))
            return fmt_json_writer_base64(j, v->bytes, v->len);
        break;
    case FMT_VALUE_BOOLEAN:
        if (k == FMT_TYPE_BOOLEAN)
            return fmt_json_writer_bool(j, v->b);
        break;
    case FMT_VALUE_DECIMAL:
        if (k == FMT_TYPE_DECIMAL)
            return fmt_json_writer_string(j, v->bytes, v->len);
        return -2;
    case FMT_VALUE_JSON:
        if (k == FMT_TYPE_JSONB)
            return write_jsonb(j, v);
        if (k == FMT_TYPE_JSON)
            return write_json_text(j, v);
        if (k == FMT_TYPE_ARRAY)
            return fmt_json_writer_raw_value(j, v->bytes, v->len);
        return -2;
    case FMT_VALUE_ARRAY:
        if (k == FMT_TYPE_ARRAY)
            return fmt_values_write_array(j, v->array);
        return -2;
    }
    /* In a jsonb column too: its tagged forms begin with '$', which no
     * jsonb value written as itself has (write_jsonb wraps those). */
    return write_tagged(j, v, 1);
}
