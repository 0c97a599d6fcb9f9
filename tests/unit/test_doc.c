/* The document layer: writer → reader round trips of every value class in
 * every portable type, exact layout, and the reader's errors (with their
 * positions and table/row/column context). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "doc_reader.h"
#include "doc_writer.h"

static fmt_table *make_table(void)
{
    fmt_table *t = table_new(NULL, "mixed \"table\"");
    add_column(t, "id", "int64", NULL, 0)->identity = FMT_IDENTITY_ROWID;
    add_column(t, "f", "float64", NULL, 1);
    add_column(t, "t", "text", NULL, 1);
    add_column(t, "b", "bytes", NULL, 1);
    add_column(t, "d", "decimal(10,2)", NULL, 1);
    add_column(t, "v", "vector(2)", NULL, 1);
    add_column(t, "flag", "boolean", NULL, 1);
    add_column(t, "a", "any", NULL, 1);
    set_pk(t, NULL, "id");
    return t;
}

#define NROWS 6
static fmt_value rows[NROWS][8];

static void fill_rows(void)
{
    static const char vec[8] = {0, 0, (char)0x80, 0x3f, 0, 0, 0, (char)0xc0}; /* 1.0, -2.0 */
    for (int r = 0; r < NROWS; r++)
        for (int c = 0; c < 8; c++)
            rows[r][c] = v_null();
    /* natural forms */
    rows[0][0] = v_int(1);
    rows[0][1] = v_real(0.1);
    rows[0][2] = v_bytes(FMT_VALUE_TEXT, "h\xc3\xa9llo \"q\"\n", 11);
    rows[0][3] = v_bytes(FMT_VALUE_BLOB, "\x00\x01\xff", 3);
    rows[0][4] = v_bytes(FMT_VALUE_DECIMAL, "12345678.90", 11);
    rows[0][5] = v_bytes(FMT_VALUE_BLOB, vec, 8);
    rows[0][6] = v_int(1); /* SQLite boolean */
    rows[0][7] = v_int(42);
    /* extremes */
    rows[1][0] = v_int(INT64_MAX);
    rows[1][1] = v_real(-0.0);
    rows[1][2] = v_bytes(FMT_VALUE_TEXT, "nul\0inside", 10);
    rows[1][3] = v_bytes(FMT_VALUE_BLOB, "", 0);
    rows[1][4] = v_int(5);         /* SQLite NUMERIC holding an integer */
    rows[1][7] = v_int(INT64_MIN); /* beyond 2^53 in an any column: tagged */
    rows[2][0] = v_int(INT64_MIN);
    rows[2][1] = v_real(INFINITY);
    rows[2][2] = v_bytes(FMT_VALUE_TEXT, "\xff\xfe", 2); /* invalid UTF-8 */
    rows[2][4] = v_real(0.99);                           /* SQLite NUMERIC holding a real */
    rows[2][7] = v_real(5.0);
    /* values that do not fit their column: tagged */
    rows[3][0] = v_bytes(FMT_VALUE_TEXT, "abc", 3);
    rows[3][1] = v_real(NAN);
    rows[3][2] = v_bytes(FMT_VALUE_BLOB, "xy", 2);
    rows[3][3] = v_bytes(FMT_VALUE_TEXT, "text", 4);
    rows[3][5] = v_bytes(FMT_VALUE_BLOB, "abc", 3); /* wrong vector length */
    rows[3][6] = v_int(7);
    rows[3][7] = v_bytes(FMT_VALUE_BLOB, "\x01", 1);
    rows[4][0] = v_int(-9007199254740991LL);
    rows[4][1] = v_int(3); /* integer in a float column */
    rows[4][6] = v_int(0);
    rows[4][7] = v_bytes(FMT_VALUE_TEXT, "text in any", 11);
    rows[5][0] = v_int(9007199254740992LL);
    rows[5][1] = v_real(5e-324);
    rows[5][1] = v_real(-INFINITY);
}

/* What the reader must hand back for what was written. */
static fmt_value expected(int r, int c)
{
    fmt_value v = rows[r][c];
    if (c == 6 && v.kind == FMT_VALUE_INTEGER && (v.i == 0 || v.i == 1)) {
        fmt_value b = {.kind = FMT_VALUE_BOOLEAN, .b = (int)v.i};
        return b;
    }
    if (c == 4 && v.kind == FMT_VALUE_INTEGER)
        return v_bytes(FMT_VALUE_DECIMAL, "5", 1);
    if (c == 4 && v.kind == FMT_VALUE_REAL)
        return v_bytes(FMT_VALUE_DECIMAL, "0.99", 4);
    return v;
}

static int same_value(const fmt_value *a, const fmt_value *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case FMT_VALUE_NULL:
        return 1;
    case FMT_VALUE_INTEGER:
        return a->i == b->i;
    case FMT_VALUE_REAL:
        return memcmp(&a->d, &b->d, sizeof a->d) == 0 || (isnan(a->d) && isnan(b->d));
    case FMT_VALUE_BOOLEAN:
        return !a->b == !b->b;
    default:
        return a->len == b->len && (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
    }
}

static void write_doc(membuf *out, fmt_table *t)
{
    fmt_doc_writer *w;
    fmt_header h = {0};
    h.source_backend = "sqlite";
    h.source_version = "3.40.1";
    h.source_database = "x.db";
    CHECK(fmt_doc_writer_new(&w, mem_sink, out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0);
    CHECK(fmt_doc_write_table_begin(w, t, 1) == 0);
    for (int r = 0; r < NROWS; r++)
        CHECK(fmt_doc_write_row(w, rows[r]) == 0);
    CHECK(fmt_doc_write_table_end(w) == 0);
    CHECK(fmt_doc_write_end(w, NULL, 0) == 0);
    fmt_doc_writer_free(w);
}

static void read_back(membuf *in, size_t chunk)
{
    fmt_doc_reader *r;
    fmt_doc_event ev;
    in->pos = 0;
    in->chunk = chunk;
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, in, "mem.json", NULL) == 0);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_HEADER);
    CHECK_STR(ev.header->source_backend, "sqlite");
    CHECK_STR(ev.header->format_version, FMT_FORMAT_VERSION);
    CHECK(!ev.header->has_user_version && !ev.header->has_application_id);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_TABLE);
    CHECK_STR(ev.table->name, "mixed \"table\"");
    CHECK(ev.table->ncolumns == 8 && ev.table->columns[5].type.kind == FMT_TYPE_VECTOR &&
          ev.table->columns[5].type.param1 == 2);
    CHECK(ev.table->columns[0].identity == FMT_IDENTITY_ROWID);
    CHECK(ev.table->primary_key && ev.table->primary_key->ncolumns == 1);
    for (int row = 0; row < NROWS; row++) {
        int rc = fmt_doc_reader_next(r, &ev);
        CHECK(rc == 0 && ev.type == FMT_DOC_ROW);
        if (rc < 0) {
            fprintf(stderr, "%s\n", fmt_doc_reader_errmsg(r));
            break;
        }
        CHECK(ev.row_number == (uint64_t)row + 1);
        for (int c = 0; c < 8; c++) {
            fmt_value want = expected(row, c);
            if (!same_value(&ev.values[c], &want)) {
                check_failed++;
                fprintf(stderr, "row %d column %d: got kind %s, want %s\n", row, c,
                        fmt_value_kind_name(ev.values[c].kind), fmt_value_kind_name(want.kind));
            } else {
                check_passed++;
            }
        }
    }
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_TABLE_END);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_END);
    fmt_doc_reader_free(r);
}

/* Reads doc and expects the first error to contain want. */
static void expect_error(const char *doc, const char *want)
{
    membuf in = {0};
    fmt_doc_reader *r;
    fmt_doc_event ev;
    mem_sink(&in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "f.json", NULL) == 0);
    int rc;
    int guard = 0;
    while ((rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_END && guard++ < 100)
        ;
    CHECK(rc < 0);
    if (rc < 0 && !strstr(fmt_doc_reader_errmsg(r), want)) {
        check_failed++;
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", fmt_doc_reader_errmsg(r), want);
    } else if (rc < 0) {
        check_passed++;
    }
    fmt_doc_reader_free(r);
    free(in.data);
}

/* Reads doc, expecting success; returns the number of rows seen. */
static int count_rows(const char *doc)
{
    membuf in = {0};
    fmt_doc_reader *r;
    fmt_doc_event ev;
    int n = 0, rc;
    mem_sink(&in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "f.json", NULL) == 0);
    while ((rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_END)
        n += ev.type == FMT_DOC_ROW;
    if (rc < 0) {
        fprintf(stderr, "unexpected error: %s\n", fmt_doc_reader_errmsg(r));
        n = -1;
    }
    fmt_doc_reader_free(r);
    free(in.data);
    return n;
}

/* jsonb: data objects, the JSON null and '$' keys survive; SQL NULL stays NULL. */
static void jsonb_round_trip(void)
{
    static const char *const docs[] = {
        "{\"a\":1}", "null", "{\"$x\":1,\"b\":[true]}", "\"$str\"", "[1,{\"b\":null}]", "3.25"};
    enum { N = sizeof docs / sizeof *docs };
    fmt_table *t = table_new(NULL, "j");
    add_column(t, "doc", "jsonb", NULL, 1);
    membuf out = {0};
    fmt_doc_writer *w;
    fmt_header h = {0};
    h.source_backend = "postgresql";
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0);
    CHECK(fmt_doc_write_table_begin(w, t, 1) == 0);
    for (int k = 0; k <= N; k++) {
        fmt_value v = k < N ? v_bytes(FMT_VALUE_JSON, docs[k], strlen(docs[k])) : v_null();
        CHECK(fmt_doc_write_row(w, &v) == 0);
    }
    CHECK(fmt_doc_write_table_end(w) == 0 && fmt_doc_write_end(w, NULL, 0) == 0);
    fmt_doc_writer_free(w);
    CHECK(strstr(out.data, "{\"doc\":{\"$jsonb\":null}}") != NULL);
    CHECK(strstr(out.data, "{\"doc\":{\"a\":1}}") != NULL);
    CHECK(strstr(out.data, "{\"doc\":{\"$jsonb\":{\"$x\":1,\"b\":[true]}}}") != NULL);
    CHECK(strstr(out.data, "{\"doc\":null}") != NULL);

    fmt_doc_reader *r;
    fmt_doc_event ev;
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &out, "j.json", NULL) == 0);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && fmt_doc_reader_next(r, &ev) == 0);
    for (int k = 0; k <= N; k++) {
        CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
        if (k < N) {
            CHECK(ev.values[0].kind == FMT_VALUE_JSON);
            CHECK_STR(ev.values[0].bytes, docs[k]);
        } else {
            CHECK(ev.values[0].kind == FMT_VALUE_NULL);
        }
    }
    fmt_doc_reader_free(r);
    fmt_table_free(t);
    free(out.data);
}

/* PostgreSQL-shaped documents: a namespaced, partitioned table with a
 * cross-schema foreign key and an array column; extensions, enums and
 * domains in the header. */
/* Long because it is one document and the checks of what it reads, in document order. */
static void namespaces_and_types(void)
{
    static char *ext[] = {"vector"};
    static char *labels[] = {"happy", "sad"};
    static char *dchecks[] = {"VALUE > 0"};
    fmt_user_type types[2] = {{0}};
    types[0].kind = FMT_USER_TYPE_ENUM;
    types[0].name = "mood";
    types[0].namespace = "sales";
    types[0].labels = labels;
    types[0].nlabels = 2;
    types[1].kind = FMT_USER_TYPE_DOMAIN;
    types[1].name = "posint";
    types[1].base_type = "integer";
    types[1].not_null = true;
    types[1].checks = dchecks;
    types[1].nchecks = 1;
    fmt_header h = {0};
    h.source_backend = "postgresql";
    h.extensions = ext;
    h.nextensions = 1;
    h.user_types = types;
    h.nuser_types = 2;

    fmt_table *t = table_new("sales", "orders");
    add_column(t, "id", "int32", NULL, 0);
    add_column(t, "tags", "array(varchar(10))", NULL, 1);
    t->nforeign_keys = 1;
    t->foreign_keys = calloc(1, sizeof *t->foreign_keys);
    t->foreign_keys[0].ncolumns = 1;
    t->foreign_keys[0].columns = calloc(1, sizeof(char *));
    t->foreign_keys[0].columns[0] = fmt_strdup("id");
    t->foreign_keys[0].ref_table = fmt_strdup("ids");
    t->foreign_keys[0].ref_namespace = fmt_strdup("other");
    t->partitioning = calloc(1, sizeof *t->partitioning);
    t->partitioning->strategy = fmt_strdup("range");
    t->partitioning->key = fmt_strdup("id");
    t->partitioning->npartitions = 1;
    t->partitioning->partitions = calloc(1, sizeof *t->partitioning->partitions);
    t->partitioning->partitions[0].name = fmt_strdup("orders_low");
    t->partitioning->partitions[0].namespace = fmt_strdup("sales");
    t->partitioning->partitions[0].bound = fmt_strdup("FOR VALUES FROM (0) TO (100)");

    membuf out = {0};
    fmt_doc_writer *w;
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0);
    CHECK(fmt_doc_write_table_begin(w, t, 1) == 0);
    fmt_value row[2] = {v_int(7), v_bytes(FMT_VALUE_JSON, "[[\"a\",null],[\"b\",\"c\"]]", 22)};
    CHECK(fmt_doc_write_row(w, row) == 0);
    row[1] = v_bytes(FMT_VALUE_TEXT, "[0:1]={x,y}", 11); /* lower bound 0: tagged */
    CHECK(fmt_doc_write_row(w, row) == 0);
    CHECK(fmt_doc_write_table_end(w) == 0 && fmt_doc_write_end(w, NULL, 0) == 0);
    fmt_doc_writer_free(w);
    CHECK(strstr(out.data, "\n    \"sales.orders\": {\n") != NULL);
    CHECK(strstr(out.data, "\"extensions\": [\n    \"vector\"\n  ],") != NULL);
    CHECK(strstr(out.data, "\"tags\":[[\"a\",null],[\"b\",\"c\"]]") != NULL);
    CHECK(strstr(out.data, "\"tags\":{\"$text\":\"[0:1]={x,y}\"}") != NULL);

    fmt_doc_reader *r;
    fmt_doc_event ev;
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &out, "pg.json", NULL) == 0);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_HEADER);
    CHECK(ev.header->nextensions == 1 && strcmp(ev.header->extensions[0], "vector") == 0);
    CHECK(ev.header->nuser_types == 2);
    if (ev.header->nuser_types == 2) {
        CHECK(ev.header->user_types[0].kind == FMT_USER_TYPE_ENUM &&
              ev.header->user_types[0].nlabels == 2);
        CHECK_STR(ev.header->user_types[0].namespace, "sales");
        CHECK(ev.header->user_types[1].kind == FMT_USER_TYPE_DOMAIN &&
              ev.header->user_types[1].not_null && ev.header->user_types[1].nchecks == 1);
        CHECK_STR(ev.header->user_types[1].base_type, "integer");
    }
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_TABLE);
    CHECK_STR(ev.table->name, "orders");
    CHECK_STR(ev.table->namespace, "sales");
    CHECK(ev.table->columns[1].type.kind == FMT_TYPE_ARRAY &&
          ev.table->columns[1].type.element == FMT_TYPE_VARCHAR &&
          ev.table->columns[1].type.param1 == 10);
    CHECK(ev.table->nforeign_keys == 1);
    CHECK_STR(ev.table->foreign_keys[0].ref_namespace, "other");
    CHECK(ev.table->partitioning && ev.table->partitioning->npartitions == 1);
    if (ev.table->partitioning && ev.table->partitioning->npartitions == 1)
        CHECK_STR(ev.table->partitioning->partitions[0].bound, "FOR VALUES FROM (0) TO (100)");
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    CHECK(ev.values[1].kind == FMT_VALUE_ARRAY && ev.values[1].array->n == 2);
    if (ev.values[1].kind == FMT_VALUE_ARRAY && ev.values[1].array->n == 2) {
        const fmt_array *second = ev.values[1].array->items[1].array;
        CHECK(second && second->n == 2 && second->items[1].kind == FMT_VALUE_TEXT);
        if (second && second->n == 2)
            CHECK_STR(second->items[1].bytes, "c");
    }
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    CHECK(ev.values[1].kind == FMT_VALUE_TEXT);
    CHECK_STR(ev.values[1].bytes, "[0:1]={x,y}");
    fmt_doc_reader_free(r);
    fmt_table_free(t);
    free(out.data);
}

#define HEAD                                                                                       \
    "{\"format\":\"dbexport\",\"format_version\":\"1.0\",\"source\":{\"backend\":\"sqlite\"},"
#define HEAD_11(source_keys)                                                                       \
    "{\"format\":\"dbexport\",\"format_version\":\"1.1\",\"source\":{\"backend\":"                 \
    "\"sqlite\"," source_keys "},"
#define COLS                                                                                       \
    "\"columns\":[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"                        \
    "{\"name\":\"v\",\"type\":\"vector(2)\",\"nullable\":true}]"

/* The writer's layout: one row per line, tagged forms where needed. */
static void check_layout(const membuf *out)
{
    CHECK(strstr(out->data,
                 "\n  \"format\": \"dbexport\",\n  \"format_version\": \"" FMT_FORMAT_VERSION
                 "\",\n") != NULL);
    CHECK(strstr(out->data, "      \"rows\": [\n        {\"id\":1,\"f\":0.1,") != NULL);
    CHECK(strstr(out->data, "\"id\":\"9223372036854775807\"") != NULL);
    CHECK(strstr(out->data, "\"f\":-0.0") != NULL);
    CHECK(strstr(out->data, "\"t\":\"nul\\u0000inside\"") != NULL);
    CHECK(strstr(out->data, "\"b\":\"\"") != NULL);
    CHECK(strstr(out->data, "\"t\":{\"$text_base64\":\"//4=\"}") != NULL);
    CHECK(strstr(out->data, "\"id\":{\"$text\":\"abc\"}") != NULL);
    CHECK(strstr(out->data, "\"f\":\"NaN\"") != NULL);
    CHECK(strstr(out->data, "\"f\":\"Infinity\"") != NULL);
    CHECK(strstr(out->data, "\"v\":{\"$blob\":\"YWJj\"}") != NULL);
    CHECK(strstr(out->data, "\"v\":\"AACAPwAAAMA=\"") != NULL);
    CHECK(strstr(out->data, "\"flag\":{\"$int\":7}") != NULL);
    CHECK(strstr(out->data, "\"a\":{\"$real\":5.0}") != NULL);
    CHECK(strstr(out->data, "\"a\":{\"$int\":\"-9223372036854775808\"}") != NULL);
    CHECK(strstr(out->data, "\"f\":{\"$int\":3}") != NULL);
    CHECK(strstr(out->data, "\"d\":\"0.99\"") != NULL);
    CHECK(strstr(out->data, "\"id\":\"9007199254740992\"") != NULL);
    CHECK(strstr(out->data, "\"id\":-9007199254740991") != NULL);
}

/* Key orders and layouts other JSON tools write, and tagged forms in jsonb. */
static void other_layouts(void)
{
    /* Key order and layout from jq -S / jq -c are accepted. */
    CHECK(count_rows("{\"created\":\"x\",\"format\":\"dbexport\",\"format_version\":\"1.9\","
                     "\"future\":{\"a\":[1,2]},\"source\":{\"backend\":\"sqlite\",\"new\":1},"
                     "\"tables\":{\"t\":{" COLS ",\"extra\":[{}],\"rows\":[{\"v\":null,\"id\":1},"
                     "{\"id\":2}],\"zzz\":true}},\"triggers\":[],\"views\":[]}") == 2);
    /* jq writes 1e3 for an integer it computed: accepted for integer columns. */
    CHECK(count_rows(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1e3}]}}}") == 1);
    /* A table without rows (schema-only export). */
    CHECK(count_rows(HEAD "\"tables\":{\"t\":{" COLS "}}}") == 0);
    /* A value that was not JSON at the source travels tagged in a jsonb column. */
    CHECK(count_rows(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"j\",\"type\":\"jsonb\","
                          "\"nullable\":true}],\"rows\":[{\"j\":{\"$text\":\"{not json\"}},"
                          "{\"j\":{\"$blob\":\"AA==\"}}]}}}") == 2);
    expect_error(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"j\",\"type\":\"jsonb\","
                      "\"nullable\":true}],\"rows\":[{\"j\":{\"$nope\":1}}]}}}",
                 "unknown tagged form \"$nope\"");
}

/* Header errors, with their position. */
static void header_errors(void)
{
    /* Errors, each with the position and context. */
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1}",
                 "f.json:1:"); /* truncated */
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1}", "unexpected end");
    expect_error("{\"format\":\"dbexport\",\"format_version\":\"2.0\",\"tables\":{}}",
                 "f.json:1:39 (byte 38): format version 2.0 is newer");
    expect_error("{\"format\":\"other\",\"format_version\":\"1.0\"}", "not a dbexport file");
    /* A version is MAJOR.MINOR in digits only: no sign, space, NUL or tail. */
    static const char *const bad_versions[] = {"1.-5", "1. 0", "1.+0", "1.0\\u0000", "1.0.1",
                                               "1.",   ".1",   "1",    "-1.0",       "1.0 "};
    for (size_t i = 0; i < sizeof bad_versions / sizeof *bad_versions; i++) {
        char doc[160];
        snprintf(doc, sizeof doc, "{\"format\":\"dbexport\",\"format_version\":\"%s\"}",
                 bad_versions[i]);
        expect_error(doc, "invalid format_version");
    }
    expect_error("{\"format\":\"dbexport\",\"format_version\":\"99999999999999999999999.0\"}",
                 "is newer than this program reads");
}

/* The header of the document in doc, read; NULL (and a failed check) when
 * it does not read. The caller frees *r and in->data. */
static const fmt_header *read_header(const char *doc, membuf *in, fmt_doc_reader **r)
{
    fmt_doc_event ev;
    memset(in, 0, sizeof *in);
    mem_sink(in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(r, mem_source, NULL, in, "f.json", NULL) == 0);
    int rc = fmt_doc_reader_next(*r, &ev);
    CHECK(rc == 0 && ev.type == FMT_DOC_HEADER);
    return rc == 0 && ev.type == FMT_DOC_HEADER ? ev.header : NULL;
}

/* SQLite's user_version and application_id (1.1, source.*): written when
 * set, read back; bounded to 32 bits; a 1.0 file without them reads. */
static void sqlite_header_fields(void)
{
    membuf out = {0}, in;
    fmt_doc_writer *w;
    fmt_doc_reader *r;
    fmt_header h = {0};
    h.source_backend = "sqlite";
    h.has_user_version = h.has_application_id = true;
    h.user_version = 7;
    h.application_id = INT32_MIN;
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0);
    CHECK(fmt_doc_write_end(w, NULL, 0) == 0);
    fmt_doc_writer_free(w);
    mem_sink(&out, "", 1);
    CHECK(strstr(out.data, "\"format_version\": \"" FMT_FORMAT_VERSION "\"") != NULL);
    CHECK(strstr(out.data, "\"user_version\": 7,\n    \"application_id\": -2147483648\n") != NULL);
    const fmt_header *got = read_header(out.data, &in, &r);
    CHECK(got && got->has_user_version && got->user_version == 7);
    CHECK(got && got->has_application_id && got->application_id == INT32_MIN);
    fmt_doc_reader_free(r);
    free(in.data);
    free(out.data);
    /* jq may write an exact integer as 1e+3 */
    got = read_header(HEAD_11("\"user_version\":1e+3") "\"tables\":{}}", &in, &r);
    CHECK(got && got->has_user_version && got->user_version == 1000 && !got->has_application_id);
    fmt_doc_reader_free(r);
    free(in.data);
    static const char *const bad[] = {"\"7\"", "1.5", "2147483648", "-2147483649", "null", "true"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char doc[200];
        snprintf(doc, sizeof doc, HEAD_11("\"application_id\":%s") "\"tables\":{}}", bad[i]);
        expect_error(doc, "f.json:1:");
        expect_error(doc, "source.application_id must be an integer from -2147483648 to "
                          "2147483647");
    }
    CHECK(count_rows(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1}]}}}") == 1);
}

/* Schema and row errors, with their position and table/row/column context. */
static void data_errors(void)
{
    expect_error("{\"tables\":{},\"format\":\"dbexport\"}", "\"tables\" comes before");
    /* A key or word with a NUL is not the one before the NUL. */
    expect_error("{\"format\":\"dbexport\\u0000x\",\"format_version\":\"1.0\"}",
                 "not a dbexport file");
    expect_error(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"x\",\"type\\u0000\":\"int64\","
                      "\"nullable\":true}]}}}",
                 "column \"x\": the column has no \"type\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":{\"$int\\u0000\":1}}]}}}",
                 "unknown tagged form \"$int\"");
    expect_error(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"f\",\"type\":\"float64\","
                      "\"nullable\":true}],\"rows\":[{\"f\":\"NaN\\u0000\"}]}}}",
                 "a float is a number or");
    expect_error(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"x\",\"type\":\"vectr(3)\","
                      "\"nullable\":true}]}}}",
                 "table \"t\", column \"x\": unknown portable type \"vectr(3)\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS
                      ",\"rows\":[{\"id\":1},{\"id\":2,\"v\":\"AA!A\"}]}}}",
                 "table \"t\", row 2, column \"v\": invalid base64");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1,\"v\":\"AAAA\"}]}}}",
                 "row 1, column \"v\": vector(2) needs 8 bytes, the value has 3");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1,\"nope\":2}]}}}",
                 "row 1: unknown column \"nope\"");
    /* A key with a NUL is no column, even when a column's name is its prefix
     * (a read past the name's end before). */
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\\u0000xyzw\":1}]}}}",
                 "row 1: unknown column \"id\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"v\":null}]}}}",
                 "row 1, column \"id\": no value for this NOT NULL column");
    expect_error(HEAD "\"tables\":{\"t\":{\"rows\":[]," COLS "}}}", "\"rows\" comes before");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[],\"indexes\":[]}}}",
                 "\"indexes\" comes after \"rows\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":\"x1\"}]}}}",
                 "expected an integer");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":99999999999999999999}]}}}",
                 "does not fit in 64 bits");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":{\"$int\":1,\"x\":2}}]}}}",
                 "exactly one key");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":{\"$date\":1}}]}}}",
                 "unknown tagged form \"$date\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1,\"id\":2}]}}}",
                 "f.json:1:212 (byte 211): table \"t\", row 1: duplicate key \"id\" in an object");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[[1]]}}}", "a row must be an object");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1}]}}} x", "f.json:1:");
    expect_error("{\"format\":\"dbexport\",\"format_version\":\"1.0\",\"source\":{\"backend\":"
                 "\"sqlite\"},\n\"tables\":{\"t\":{" COLS ",\n\"rows\":[\n{\"id\":1},\n{\"id\":"
                 "true}]}}}",
                 "f.json:5:7 (byte ");
}

/* No object of the document may hold a key twice (FORMAT.md section 1):
 * jq shows the last of the two, a reader would act on the first or both. */
static void duplicate_keys(void)
{
    expect_error(HEAD "\"tables\":{},\"views\":[],\"views\":[{\"name\":\"v\",\"sql\":\"x\"}]}",
                 "f.json:1:98 (byte 97): duplicate key \"views\" in an object");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS "," COLS ",\"rows\":[]}}}",
                 "table \"t\": duplicate key \"columns\" in an object");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS ",\"rows\":[{\"id\":1},{\"v\":null,\"id\":2,"
                      "\"v\":\"AAAAAAAAAAA=\"}]}}}",
                 "table \"t\", row 2: duplicate key \"v\" in an object");
    expect_error(HEAD "\"tables\":{},\"tables\":{}}", "duplicate key \"tables\" in an object");
    expect_error(HEAD "\"tables\":{\"t\":{" COLS "},\"t\":{" COLS "}}}",
                 "duplicate key \"t\" in an object");
    expect_error("{\"format\":\"dbexport\",\"format_version\":\"1.0\",\"source\":{\"backend\":"
                 "\"sqlite\",\"backend\":\"postgresql\"},\"tables\":{}}",
                 "duplicate key \"backend\" in an object");
    expect_error(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"id\",\"type\":\"int64\","
                      "\"nullable\":false,\"type\":\"text\"}]}}}",
                 "duplicate key \"type\" in an object");
    /* in a jsonb value too: PostgreSQL keeps one of the two, jq another */
    expect_error(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"j\",\"type\":\"jsonb\","
                      "\"nullable\":true}],\"rows\":[{\"j\":{\"a\":[{\"b\":1,\"b\":2}]}}]}}}",
                 "row 1, column \"j\": duplicate key \"b\" in an object");
    /* the same keys in sibling objects, and keys that differ after a NUL */
    CHECK(count_rows(HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"j\",\"type\":\"jsonb\","
                          "\"nullable\":true}],\"rows\":[{\"j\":{\"a\":1,\"a\\u0000\":2}},"
                          "{\"j\":[{\"a\":1},{\"a\":1}]}]}}}") == 2);
}

/* A table's "privileges" (1.3): read as written, and refused when a word
 * is not a privilege, a grant lacks its grantee, or it follows "rows". */
static void privileges(void)
{
    static const char doc[] =
        HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"c\",\"type\":\"text\","
             "\"nullable\":true}],\"privileges\":{\"columns\":[{\"column\":\"c\",\"grants\":"
             "[{\"grantee\":\"public\",\"privileges\":[\"select\"],\"with_grant_option\":false}]}],"
             "\"grants\":[{\"grantee\":\"a b\",\"privileges\":[\"insert\",\"trigger\"],"
             "\"with_grant_option\":true}],\"owner\":\"app\"},\"rows\":[]}}}";
    membuf in = {0};
    fmt_doc_reader *r;
    fmt_doc_event ev;
    mem_sink(&in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "f.json", NULL) == 0);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_HEADER);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_TABLE);
    const fmt_privileges *p = ev.type == FMT_DOC_TABLE ? ev.table->privileges : NULL;
    CHECK(p && p->has_grants && p->ngrants == 1 && p->ncolumns == 1);
    if (p && p->ngrants == 1 && p->ncolumns == 1) {
        CHECK_STR(p->owner, "app");
        CHECK_STR(p->grants[0].grantee, "a b");
        CHECK(p->grants[0].with_grant_option && p->grants[0].nprivileges == 2);
        CHECK_STR(p->grants[0].privileges[1], "trigger");
        CHECK_STR(p->columns[0].column, "c");
        CHECK(p->columns[0].ngrants == 1 && !p->columns[0].grants[0].with_grant_option);
    }
    fmt_doc_reader_free(r);
    free(in.data);
#define T                                                                                          \
    HEAD "\"tables\":{\"t\":{\"columns\":[{\"name\":\"c\",\"type\":\"text\",\"nullable\":true}],"
    expect_error(T "\"privileges\":{\"grants\":[{\"grantee\":\"x\",\"privileges\":[\"all\"],"
                   "\"with_grant_option\":false}]}}}}",
                 "a privilege must be one of select, insert");
    expect_error(T "\"privileges\":{\"grants\":[{\"privileges\":[\"select\"]}]}}}}",
                 "a grant needs a \"grantee\"");
    expect_error(T "\"rows\":[],\"privileges\":{\"owner\":\"x\"}}}}",
                 "\"privileges\" comes after \"rows\"");
    expect_error(T "\"rows\":[],\"row_security\":{\"enabled\":true}}}}",
                 "\"row_security\" comes after \"rows\"");
#undef T
}

/* The "privileges" of sequences, functions, views and materialized views
 * (1.3): written and read back. */
static void object_privileges(void)
{
    char *seq_words[] = {"usage", "select"}, *fn_words[] = {"execute"}, *view_words[] = {"select"};
    fmt_grant seq_grant = {"r o", seq_words, 2, true}, fn_grant = {"public", fn_words, 1, false};
    fmt_grant view_grant = {"reader", view_words, 1, false};
    fmt_privileges seq_p = {"app", true, &seq_grant, 1, NULL, 0};
    fmt_privileges fn_p = {"app", true, &fn_grant, 1, NULL, 0};
    fmt_privileges view_p = {"app", true, &view_grant, 1, NULL, 0};
    fmt_privileges mv_p = {"app", false, NULL, 0, NULL, 0};
    fmt_sequence seq = {.name = "s",
                        .type = "bigint",
                        .increment = 1,
                        .max_value = 9,
                        .cache = 1,
                        .privileges = &seq_p};
    fmt_function fn = {.name = "f",
                       .kind = "function",
                       .arguments = "",
                       .result = "integer",
                       .language = "sql",
                       .sql = "CREATE FUNCTION f() ...",
                       .privileges = &fn_p};
    fmt_header h = {.source_backend = "postgresql",
                    .source_version = "15",
                    .sequences = &seq,
                    .nsequences = 1,
                    .functions = &fn,
                    .nfunctions = 1};
    fmt_native_object objects[] = {{.kind = FMT_NATIVE_VIEW,
                                    .name = "v",
                                    .sql = "CREATE VIEW v AS SELECT 1",
                                    .privileges = &view_p},
                                   {.kind = FMT_NATIVE_MATERIALIZED_VIEW,
                                    .name = "m",
                                    .sql = "SELECT 1",
                                    .populated = true,
                                    .privileges = &mv_p}};
    membuf out = {0};
    fmt_doc_writer *w;
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0);
    CHECK(fmt_doc_write_end(w, objects, 2) == 0);
    fmt_doc_writer_free(w);

    fmt_doc_reader *r;
    fmt_doc_event ev;
    membuf in = {0};
    mem_sink(&in, out.data, out.len);
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "f.json", NULL) == 0);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_HEADER);
    const fmt_header *got = ev.type == FMT_DOC_HEADER ? ev.header : NULL;
    const fmt_privileges *p = got && got->nsequences == 1 ? got->sequences[0].privileges : NULL;
    CHECK(p && p->has_grants && p->ngrants == 1 && p->grants[0].nprivileges == 2);
    if (p && p->ngrants == 1 && p->grants[0].nprivileges == 2) {
        CHECK_STR(p->owner, "app");
        CHECK_STR(p->grants[0].grantee, "r o");
        CHECK_STR(p->grants[0].privileges[0], "usage");
        CHECK(p->grants[0].with_grant_option);
    }
    p = got && got->nfunctions == 1 ? got->functions[0].privileges : NULL;
    CHECK(p && p->ngrants == 1 && p->grants[0].nprivileges == 1);
    if (p && p->ngrants == 1 && p->grants[0].nprivileges == 1)
        CHECK_STR(p->grants[0].privileges[0], "execute");
    while (fmt_doc_reader_next(r, &ev) == 0 && ev.type != FMT_DOC_NATIVE && ev.type != FMT_DOC_END)
        ;
    CHECK(ev.type == FMT_DOC_NATIVE && ev.nobjects == 2);
    for (size_t i = 0; ev.type == FMT_DOC_NATIVE && i < ev.nobjects; i++) {
        p = ev.objects[i].privileges;
        CHECK(p != NULL);
        if (p && ev.objects[i].kind == FMT_NATIVE_VIEW)
            CHECK(p->has_grants && p->ngrants == 1 && strcmp(p->grants[0].grantee, "reader") == 0);
        else if (p)
            CHECK(!p->has_grants && strcmp(p->owner, "app") == 0); /* the default rights */
    }
    fmt_doc_reader_free(r);
    free(in.data);
    free(out.data);
}

/* A word that is not the kind's, SQL in its place, a sequence's columns. */
static void object_privileges_refused(void)
{
#define G(word) "\"privileges\":{\"grants\":[{\"grantee\":\"x\",\"privileges\":[\"" word "\"]}]}"
#define SEQ(keys)                                                                                  \
    HEAD "\"sequences\":[{\"name\":\"s\",\"type\":\"bigint\",\"start\":1,\"increment\":1,"         \
         "\"min\":1,\"max\":9,\"cache\":1,\"cycle\":false," keys "}],\"tables\":{}}"
    expect_error(SEQ(G("execute")), "a sequence's privilege must be one of usage, select, update");
    expect_error(SEQ(G("usage; DROP TABLE t")), "a sequence's privilege must be one of usage");
    expect_error(SEQ("\"privileges\":{\"columns\":[]}"),
                 "a sequence's privileges have no \"columns\"");
    expect_error(HEAD "\"functions\":[{\"name\":\"f\",\"kind\":\"procedure\",\"arguments\":\"\","
                      "\"language\":\"sql\",\"sql\":\"x\"," G("select") "}],\"tables\":{}}",
                 "a function's privilege must be one of execute");
    expect_error(HEAD "\"tables\":{},\"views\":[{\"name\":\"v\",\"sql\":\"x\"," G("usage") "}]}",
                 "a privilege must be one of select, insert");
#undef SEQ
#undef G
}

int main(void)
{
    membuf out = {0};
    fmt_table *t = make_table();
    fill_rows();
    write_doc(&out, t);
    check_layout(&out);

    /* Round trip, whole and byte by byte. */
    read_back(&out, 0);
    read_back(&out, 1);
    read_back(&out, 7);

    other_layouts();
    jsonb_round_trip();
    namespaces_and_types();
    header_errors();
    sqlite_header_fields();
    data_errors();
    duplicate_keys();
    privileges();
    object_privileges();
    object_privileges_refused();

    fmt_table_free(t);
    free(out.data);
    return check_report();
}
