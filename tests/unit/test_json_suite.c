/* Runs the JSON reader over Nicolas Seriot's JSONTestSuite: every y_ file
 * must be accepted, every n_ file rejected, and every i_ file must finish
 * either way without crashing or looping. Each file is read in one chunk and
 * again one byte at a time; the two verdicts must agree. */
#include "check.h"
#include "fixtures.h"
#include "json_reader.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int accepted; /* 1 accepted, 0 rejected, -1 no progress (a hang) */
    char errmsg[160];
    unsigned long long erroffset;
} verdict;

/* Feeds data in chunks of chunk bytes (0 = all at once), each chunk in its
 * own exact-size allocation so ASan sees any read beyond it. */
static verdict parse(const unsigned char *data, size_t len, size_t chunk)
{
    verdict v = {0, "", 0};
    fmt_json_reader *r;
    fmt_json_event ev;
    size_t off = 0, steps = 0;
    char *piece = NULL;

    if (fmt_json_reader_new(&r, NULL) < 0)
        abort();
    for (;;) {
        /* every call either consumes input or ends a token: a bounded count
         * of calls per byte is how a hang shows up as a failure here */
        if (++steps > 4 * len + 100) {
            v.accepted = -1;
            break;
        }
        if (fmt_json_reader_next(r, &ev) < 0) {
            snprintf(v.errmsg, sizeof v.errmsg, "%s", fmt_json_reader_errmsg(r));
            v.erroffset = (unsigned long long)fmt_json_reader_errpos(r).offset;
            break;
        }
        if (ev.type == FMT_JSON_END) {
            v.accepted = 1;
            break;
        }
        if (ev.type == FMT_JSON_NEED_INPUT) {
            size_t n = chunk && chunk < len - off ? chunk : len - off;
            free(piece);
            piece = malloc(n ? n : 1);
            if (!piece)
                abort();
            memcpy(piece, data + off, n);
            off += n;
            fmt_json_reader_feed(r, piece, n, off == len);
        }
    }
    free(piece);
    fmt_json_reader_free(r);
    return v;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Long because it is the table of JSONTestSuite cases and their expected verdicts. */
int main(void)
{
    const char *testdata = getenv("DB_TESTDATA");
    char dir[4096], path[8192];
    char **names = NULL;
    size_t count = 0, cap = 0;
    int y_ok = 0, y_total = 0, n_ok = 0, n_total = 0, i_accepted = 0, i_rejected = 0;
    DIR *d;
    struct dirent *e;

    if (!testdata) {
        fprintf(stderr, "DB_TESTDATA is not set\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "%s/JSONTestSuite/test_parsing", testdata);
    d = opendir(dir);
    CHECK(d != NULL);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        return check_report();
    }
    while ((e = readdir(d)) != NULL) {
        if (strlen(e->d_name) < 3 || e->d_name[1] != '_' || !strchr("yni", e->d_name[0]))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 512;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[count] = strdup(e->d_name);
        if (!names[count])
            abort();
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);

    for (size_t i = 0; i < count; i++) {
        const char *name = names[i];
        size_t len;
        unsigned char *data;
        verdict whole, bytewise, pieces;

        snprintf(path, sizeof path, "%s/%s", dir, name);
        data = read_file(path, &len);
        CHECK(data != NULL);
        if (!data) {
            fprintf(stderr, "%s: cannot read\n", name);
            continue;
        }
        whole = parse(data, len, 0);
        bytewise = parse(data, len, 1);
        pieces = parse(data, len, 3);

        if (whole.accepted < 0 || bytewise.accepted < 0 || pieces.accepted < 0) {
            fprintf(stderr, "FAIL %s: no progress (hang)\n", name);
            CHECK(0);
        } else if (whole.accepted != bytewise.accepted || whole.accepted != pieces.accepted ||
                   strcmp(whole.errmsg, bytewise.errmsg) != 0 ||
                   strcmp(whole.errmsg, pieces.errmsg) != 0 ||
                   whole.erroffset != bytewise.erroffset) {
            fprintf(stderr, "FAIL %s: verdict depends on chunking (%s / %s)\n", name,
                    whole.accepted ? "accepted" : whole.errmsg,
                    bytewise.accepted ? "accepted" : bytewise.errmsg);
            CHECK(0);
        } else if (name[0] == 'y') {
            y_total++;
            if (whole.accepted)
                y_ok++;
            else
                fprintf(stderr, "FAIL %s: rejected: %s at offset %llu\n", name, whole.errmsg,
                        whole.erroffset);
            CHECK(whole.accepted);
        } else if (name[0] == 'n') {
            n_total++;
            if (!whole.accepted)
                n_ok++;
            else
                fprintf(stderr, "FAIL %s: accepted\n", name);
            CHECK(!whole.accepted);
        } else {
            if (whole.accepted) {
                i_accepted++;
                printf("%s: accepted\n", name);
            } else {
                i_rejected++;
                printf("%s: rejected: %s at offset %llu\n", name, whole.errmsg, whole.erroffset);
            }
        }
        free(data);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);

    printf("y_: %d/%d accepted, n_: %d/%d rejected, i_: %d accepted, %d rejected\n", y_ok, y_total,
           n_ok, n_total, i_accepted, i_rejected);
    /* a missing or emptied suite must not pass quietly */
    CHECK(y_total > 0 && n_total > 0);
    return check_report();
}
