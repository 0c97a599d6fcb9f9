/* Unit tests for the threads of format/stream: a gzip output larger than a
 * block is a series of independent members (each inflates alone; gzip(1)
 * and fmt_input read the whole), the same bytes for any number of threads;
 * a member cut short fails with the message and offset an inline reader
 * gave; a closed pipe is still EPIPE; and a reader waiting on a stalled
 * pipe stops on its interrupt flag and frees without hanging. */
#include "check.h"
#include "fixtures.h"
#include "stream.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define BLOCK (1024 * 1024) /* gzip_out.h's FMT_GZIP_BLOCK */
#define MAX_MEMBERS 16

typedef struct {
    unsigned char *data;
    size_t len;
} bytes;

/* Half compressible text, half incompressible bytes. */
static bytes sample(size_t len)
{
    bytes b = {malloc(len), len};
    unsigned long long seed = 88172645463325252ull;
    for (size_t i = 0; i < len; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        b.data[i] = (i / 100000) % 2 ? (unsigned char)(seed >> 24)
                                     : (unsigned char)("{\"id\": 12, \"v\": \"row\"}\n"[i % 23]);
    }
    return b;
}

static int write_gzip(const char *path, const bytes *data, int level, int threads)
{
    fmt_output *o = NULL;
    int rc = fmt_output_open(&o, path, level);
    if (rc == 0 && threads >= 0)
        rc = fmt_output_set_gzip_threads(o, threads);
    size_t pos = 0, step = 7;
    while (rc == 0 && pos < data->len) {
        size_t n = data->len - pos < step ? data->len - pos : step;
        rc = fmt_output_write(o, data->data + pos, n);
        pos += n;
        step = step * 5 + 3; /* small and large writes, across block edges */
    }
    if (rc == 0)
        rc = fmt_output_close(o);
    if (rc < 0)
        fprintf(stderr, "write_gzip: %s\n", fmt_output_errmsg(o));
    fmt_output_free(o);
    return rc;
}

/* Inflates each member of gz on its own (no history from the one before):
 * returns how many, with each one's decompressed size and compressed start. */
static int members(const bytes *gz, size_t *sizes, size_t *starts)
{
    int n = 0;
    size_t pos = 0;
    unsigned char *out = malloc(2 * BLOCK);
    while (pos < gz->len && n < MAX_MEMBERS) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        inflateInit2(&zs, 15 + 16);
        zs.next_in = gz->data + pos;
        zs.avail_in = (uInt)(gz->len - pos);
        zs.next_out = out;
        zs.avail_out = 2 * BLOCK;
        int zrc = inflate(&zs, Z_FINISH);
        starts[n] = pos;
        sizes[n] = 2 * BLOCK - zs.avail_out;
        pos = gz->len - zs.avail_in;
        inflateEnd(&zs);
        if (zrc != Z_STREAM_END) {
            n = -1;
            break;
        }
        n++;
    }
    free(out);
    return n;
}

/* Reads path through fmt_input; returns the rc of the first failing read,
 * the bytes before it in *out and the message in err. */
static int read_back(const char *path, bytes *out, char *err, size_t errlen)
{
    fmt_input *in = NULL;
    int rc = fmt_input_open(&in, path);
    size_t cap = 0;
    unsigned char buf[40000];
    out->data = NULL;
    out->len = 0;
    while (rc == 0) {
        size_t got;
        rc = fmt_input_read(in, buf, sizeof buf, &got);
        if (rc < 0 || got == 0)
            break;
        if (out->len + got > cap) {
            cap = (out->len + got) * 2;
            out->data = realloc(out->data, cap);
        }
        memcpy(out->data + out->len, buf, got);
        out->len += got;
    }
    CHECK(rc < 0 || fmt_input_raw_offset(in) == fmt_input_size(in));
    snprintf(err, errlen, "%s", in ? fmt_input_errmsg(in) : "out of memory");
    fmt_input_free(in);
    return rc;
}

static void test_members(void)
{
    char err[512];
    bytes data = sample(5 * BLOCK + 300000);
    bytes file[3];
    int threads[] = {0, 1, 3};
    for (int i = 0; i < 3; i++) {
        CHECK(write_gzip(tmp_path("m.json.gz"), &data, 6, threads[i]) == 0);
        file[i].data = read_file(tmp_path("m.json.gz"), &file[i].len);
    }
    /* The same bytes whether zero, one or three threads compressed them. */
    CHECK(file[0].len == file[1].len && memcmp(file[0].data, file[1].data, file[0].len) == 0);
    CHECK(file[0].len == file[2].len && memcmp(file[0].data, file[2].data, file[0].len) == 0);

    size_t sizes[MAX_MEMBERS], starts[MAX_MEMBERS];
    CHECK(members(&file[2], sizes, starts) == 6);
    for (int i = 0; i < 5; i++)
        CHECK(sizes[i] == BLOCK);
    CHECK(sizes[5] == 300000);

    bytes back;
    CHECK(read_back(tmp_path("m.json.gz"), &back, err, sizeof err) == 0);
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    free(back.data);

    if (system("command -v gzip >/dev/null 2>&1") == 0) {
        char cmd[9000];
        write_file(tmp_path("m.json"), data.data, data.len);
        snprintf(cmd, sizeof cmd, "gzip -t '%s' && gzip -dc '%s' | cmp -s - '%s'",
                 tmp_path("m.json.gz"), tmp_path("m.json.gz"), tmp_path("m.json"));
        CHECK(system(cmd) == 0);
        unlink(tmp_path("m.json"));
    }

    /* Cut inside the third member: the two before it come out whole, then
     * the inline reader's message, at the offset where the data ends. */
    size_t cut = starts[2] + 5000;
    write_file(tmp_path("cut.json.gz"), file[2].data, cut);
    CHECK(read_back(tmp_path("cut.json.gz"), &back, err, sizeof err) < 0);
    char want[128];
    snprintf(want, sizeof want, "truncated gzip stream at compressed byte offset %zu", cut);
    CHECK_STR(err, want);
    CHECK(back.len >= 2 * BLOCK && memcmp(back.data, data.data, back.len) == 0);
    free(back.data);

    /* Nothing written is still a valid .gz: one empty member. */
    bytes empty = {NULL, 0};
    CHECK(write_gzip(tmp_path("e.json.gz"), &empty, 6, 3) == 0);
    CHECK(read_back(tmp_path("e.json.gz"), &back, err, sizeof err) == 0 && back.len == 0);
    free(back.data);

    for (int i = 0; i < 3; i++)
        free(file[i].data);
    unlink(tmp_path("m.json.gz"));
    unlink(tmp_path("cut.json.gz"));
    unlink(tmp_path("e.json.gz"));
    free(data.data);
}

/* A closed pipe: the members are written by the caller's thread, so EPIPE
 * is reported as it was with gzip inline. */
static void test_closed_pipe(void)
{
    bytes data = sample(4 * BLOCK);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    int p[2];
    CHECK(pipe(p) == 0);
    close(p[0]);
    int saved = dup(STDOUT_FILENO);
    fflush(stdout);
    dup2(p[1], STDOUT_FILENO);
    close(p[1]);
    fmt_output *o = NULL;
    CHECK(fmt_output_open(&o, "-", 1) == 0);
    CHECK(fmt_output_set_gzip_threads(o, 2) == 0);
    int rc = fmt_output_write(o, data.data, data.len);
    if (rc == 0)
        rc = fmt_output_close(o);
    CHECK(rc < 0);
    CHECK(strstr(fmt_output_errmsg(o), strerror(EPIPE)) != NULL);
    CHECK(fmt_output_write(o, "x", 1) < 0); /* stays failed */
    fmt_output_free(o);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    signal(SIGPIPE, old);
    free(data.data);
}

/* A gzip stream that stalls half way (the writer keeps the pipe open): the
 * reader gets what came, then, its interrupt flag set, "interrupted"; and
 * freeing does not wait for the pipe. */
static void test_stalled_pipe(void)
{
    bytes data = sample(BLOCK);
    char path[64];
    int p[2];
    CHECK(pipe(p) == 0);
    /* the first 64 KiB of a member: fits in the pipe, no trailer */
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    unsigned char out[40000];
    zs.next_in = data.data;
    zs.avail_in = 65536;
    zs.next_out = out;
    zs.avail_out = sizeof out;
    CHECK(deflate(&zs, Z_SYNC_FLUSH) == Z_OK);
    CHECK(write(p[1], out, sizeof out - zs.avail_out) == (ssize_t)(sizeof out - zs.avail_out));
    deflateEnd(&zs);

    snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
    fmt_input *in = NULL;
    volatile sig_atomic_t flag = 0;
    CHECK(fmt_input_open(&in, path) == 0);
    fmt_input_set_interrupt(in, &flag);
    unsigned char buf[4096];
    size_t total = 0, got = 0;
    while (total < 65536 && fmt_input_read(in, buf, sizeof buf, &got) == 0 && got > 0)
        total += got;
    CHECK(total == 65536);
    flag = SIGTERM;
    CHECK(fmt_input_read(in, buf, sizeof buf, &got) < 0 && got == 0);
    CHECK_STR(fmt_input_errmsg(in), "interrupted");
    fmt_input_free(in); /* its thread is blocked waiting for the pipe */
    close(p[0]);
    close(p[1]);
    free(data.data);
}

int main(void)
{
    make_tmpdir("test_stream_threads");
    test_members();
    test_closed_pipe();
    test_stalled_pipe();
    rmdir(fixture_tmpdir);
    return check_report();
}
