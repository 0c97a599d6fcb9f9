/* Unit tests for format/stream: plain and gzip round trips through real
 * files, multi-member gzip, every way a gzip file can be damaged, stdin and
 * stdout, and that a failed or abandoned output leaves nothing behind. */
#define _GNU_SOURCE /* mknod, O_TMPFILE */
#include "check.h"
#include "fixtures.h"
#include "stream.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

/* ---- helpers ---- */

typedef struct {
    unsigned char *data;
    size_t len;
} bytes;

/* Removes every file in fixture_tmpdir; tests start each case from an empty dir. */
static void empty_tmpdir(void)
{
    DIR *d = opendir(fixture_tmpdir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            unlink(tmp_path(e->d_name));
        }
    }
    if (d) {
        closedir(d);
    }
}

/* Number of entries in fixture_tmpdir, and whether any is a leftover temp file. */
static int count_tmpdir(int *temps)
{
    int n = 0;
    DIR *d = opendir(fixture_tmpdir);
    struct dirent *e;
    *temps = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
            *temps += strstr(e->d_name, ".tmp.") != NULL;
        }
    }
    if (d) {
        closedir(d);
    }
    return n;
}

/* Temporary files an open output shows in fixture_tmpdir: none where the
 * file system makes files without a name (O_TMPFILE), else one. */
static int visible_temps(void)
{
#ifdef O_TMPFILE
    int fd = open(fixture_tmpdir, O_TMPFILE | O_WRONLY, 0600);
    if (fd >= 0 && access("/proc/self/fd", X_OK) == 0) {
        close(fd);
        return 0;
    }
    if (fd >= 0)
        close(fd);
#endif
    return 1;
}

static bytes slurp(const char *path)
{
    bytes b = {NULL, 0};
    b.data = read_file(path, &b.len);
    return b;
}

/* Reads path through fmt_input in chunks of chunk bytes. Returns the rc of
 * the first failing call (or 0); err receives the message. */
static int read_all(const char *path, size_t chunk, bytes *out, char *err, size_t errlen,
                    int *is_gzip)
{
    fmt_input *in = NULL;
    unsigned char *buf = malloc(chunk);
    int rc = fmt_input_open(&in, path);
    out->data = NULL;
    out->len = 0;
    err[0] = '\0';
    if (rc == 0) {
        size_t cap = 0;
        for (;;) {
            size_t got = 0;
            rc = fmt_input_read(in, buf, chunk, &got);
            if (rc < 0 || got == 0) {
                break;
            }
            if (out->len + got > cap) {
                cap = (out->len + got) * 2;
                out->data = realloc(out->data, cap);
            }
            memcpy(out->data + out->len, buf, got);
            out->len += got;
        }
        CHECK(rc < 0 || fmt_input_offset(in) == out->len);
        if (is_gzip) {
            *is_gzip = fmt_input_is_gzip(in);
        }
        /* Errors stick: a second read after a failure fails again. */
        if (rc < 0) {
            size_t got = 1;
            CHECK(fmt_input_read(in, buf, chunk, &got) < 0 && got == 0);
        }
    }
    if (in) {
        snprintf(err, errlen, "%s", fmt_input_errmsg(in));
    }
    fmt_input_free(in);
    free(buf);
    return rc;
}

/* gzip member of data, made with zlib directly (independent of fmt_output). */
static bytes gzip_bytes(const void *data, size_t len, int level)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    bytes b;
    b.len = 0;
    deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&zs, len) + 64;
    b.data = malloc(cap);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = b.data;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        fprintf(stderr, "deflate failed\n");
        exit(2);
    }
    b.len = cap - zs.avail_out;
    deflateEnd(&zs);
    return b;
}

/* Inflates a whole single-member gzip buffer, independent of fmt_input. */
static int gunzip_bytes(const bytes *gz, bytes *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    inflateInit2(&zs, 15 + 16);
    size_t cap = gz->len * 4 + 1024;
    out->data = malloc(cap);
    out->len = 0;
    zs.next_in = gz->data;
    zs.avail_in = (uInt)gz->len;
    int zrc;
    do {
        if (out->len == cap) {
            cap *= 2;
            out->data = realloc(out->data, cap);
        }
        zs.next_out = out->data + out->len;
        zs.avail_out = (uInt)(cap - out->len);
        zrc = inflate(&zs, Z_NO_FLUSH);
        out->len = cap - zs.avail_out;
    } while (zrc == Z_OK);
    int ok = zrc == Z_STREAM_END && zs.avail_in == 0;
    inflateEnd(&zs);
    return ok ? 0 : -1;
}

static bytes concat(const bytes *a, const bytes *b)
{
    bytes c;
    c.len = a->len + b->len;
    c.data = malloc(c.len ? c.len : 1);
    memcpy(c.data, a->data, a->len);
    memcpy(c.data + a->len, b->data, b->len);
    return c;
}

/* Deterministic pseudo-random bytes (xorshift), incompressible. */
static void fill_random(unsigned char *p, size_t len, unsigned long long seed)
{
    for (size_t i = 0; i < len; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        p[i] = (unsigned char)(seed >> 24);
    }
}

/* Compressible text, so deflate uses Huffman codes rather than stored blocks. */
static bytes sample_text(size_t len)
{
    bytes b = {malloc(len), len};
    for (size_t i = 0; i < len; i++) {
        b.data[i] = (unsigned char)("{\"id\": 12, \"name\": \"row\"}\n"[i % 27] + (i / 997) % 3);
    }
    return b;
}

static int has_gzip_command(void)
{
    return system("command -v gzip >/dev/null 2>&1") == 0;
}

/* Writes data through fmt_output in varying chunk sizes and closes. */
static int write_output(const char *path, int level, const bytes *data, char *err, size_t errlen)
{
    fmt_output *o = NULL;
    int rc = fmt_output_open(&o, path, level);
    size_t pos = 0, step = 1;
    while (rc == 0 && pos < data->len) {
        size_t n = data->len - pos < step ? data->len - pos : step;
        rc = fmt_output_write(o, data->data + pos, n);
        pos += n;
        step = step * 3 + 1; /* 1, 4, 13, ... crosses the buffer size */
    }
    if (rc == 0) {
        CHECK(fmt_output_offset(o) == data->len);
        rc = fmt_output_close(o);
    }
    snprintf(err, errlen, "%s", o ? fmt_output_errmsg(o) : "out of memory");
    fmt_output_free(o);
    return rc;
}

/* ---- tests ---- */

static void test_plain_round_trip(void)
{
    char err[512];
    bytes data = sample_text(300000);
    const char *path = tmp_path("plain.json");
    int temps;

    empty_tmpdir();
    CHECK(write_output(path, 0, &data, err, sizeof err) == 0);
    CHECK(count_tmpdir(&temps) == 1 && temps == 0);
    bytes file = slurp(path);
    CHECK(file.len == data.len && memcmp(file.data, data.data, data.len) == 0);

    bytes back;
    int gz = -1;
    CHECK(read_all(path, 4096, &back, err, sizeof err, &gz) == 0);
    CHECK(gz == 0);
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    free(back.data);
    /* Chunks bigger than the internal buffer take the direct path. */
    CHECK(read_all(path, 1 << 20, &back, err, sizeof err, &gz) == 0);
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    free(back.data);

    fmt_input *in = NULL;
    CHECK(fmt_input_open(&in, path) == 0);
    CHECK_STR(fmt_input_name(in), path);
    fmt_input_free(in);

    free(file.data);
    free(data.data);
}

static void test_gzip_round_trip(void)
{
    char err[512];
    bytes data = sample_text(500000);
    const char *path = tmp_path("out.json.gz");
    int temps;

    empty_tmpdir();
    CHECK(write_output(path, 6, &data, err, sizeof err) == 0);
    CHECK(count_tmpdir(&temps) == 1 && temps == 0);
    bytes file = slurp(path);
    CHECK(file.len > 10 && file.data[0] == 0x1f && file.data[1] == 0x8b);
    CHECK(file.len < data.len / 4); /* it really compressed */
    bytes plain;
    CHECK(gunzip_bytes(&file, &plain) == 0);
    CHECK(plain.len == data.len && memcmp(plain.data, data.data, data.len) == 0);
    free(plain.data);

    if (has_gzip_command()) {
        char cmd[9000];
        snprintf(cmd, sizeof cmd, "gzip -t '%s'", path);
        CHECK(system(cmd) == 0);
    } else {
        fprintf(stderr, "note: gzip command not found, skipping gzip -t\n");
    }

    bytes back;
    int gz = 0;
    CHECK(read_all(path, 5000, &back, err, sizeof err, &gz) == 0);
    CHECK(gz == 1);
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    free(back.data);

    /* Same input, same bytes out (no timestamp in the header). */
    const char *again = tmp_path("again.json.gz");
    CHECK(write_output(again, 6, &data, err, sizeof err) == 0);
    bytes file2 = slurp(again);
    CHECK(file2.len == file.len && memcmp(file2.data, file.data, file.len) == 0);
    free(file2.data);

    free(file.data);
    free(data.data);
}

static void test_large_random_gzip(void)
{
    char err[512];
    size_t len = 6 * 1024 * 1024 + 12345;
    bytes data = {malloc(len), len};
    fill_random(data.data, len / 2, 42);
    memset(data.data + len / 2, 'x', len - len / 2);
    const char *path = tmp_path("big.gz");

    empty_tmpdir();
    CHECK(write_output(path, 1, &data, err, sizeof err) == 0);
    bytes back;
    CHECK(read_all(path, 7777, &back, err, sizeof err, NULL) == 0);
    CHECK(back.len == len && memcmp(back.data, data.data, len) == 0);
    free(back.data);
    CHECK(read_all(path, 3 << 20, &back, err, sizeof err, NULL) == 0);
    CHECK(back.len == len && memcmp(back.data, data.data, len) == 0);
    free(back.data);
    free(data.data);
}

static void test_multi_member(void)
{
    char err[512];
    bytes a = sample_text(70000), b = {malloc(90000), 90000};
    fill_random(b.data, b.len, 7);
    bytes ga = gzip_bytes(a.data, a.len, 9), gb = gzip_bytes(b.data, b.len, 1);
    bytes gempty = gzip_bytes("", 0, 6);
    bytes ab = concat(&a, &b);
    bytes t = concat(&ga, &gempty), gall = concat(&t, &gb);
    const char *path = tmp_path("multi.gz");

    empty_tmpdir();
    write_file(path, gall.data, gall.len);
    bytes back;
    CHECK(read_all(path, 1000, &back, err, sizeof err, NULL) == 0);
    CHECK(back.len == ab.len && memcmp(back.data, ab.data, ab.len) == 0);
    free(back.data);

    /* An empty member alone is a valid empty document. */
    write_file(path, gempty.data, gempty.len);
    CHECK(read_all(path, 1000, &back, err, sizeof err, NULL) == 0);
    CHECK(back.len == 0);
    free(back.data);

    /* Members written by the gzip command, concatenated by the shell. */
    if (has_gzip_command()) {
        char cmd[9000];
        write_file(tmp_path("a"), a.data, a.len);
        write_file(tmp_path("b"), b.data, b.len);
        snprintf(cmd, sizeof cmd, "cd '%s' && gzip -n -c a > ab.gz && gzip -n -9 -c b >> ab.gz",
                 fixture_tmpdir);
        CHECK(system(cmd) == 0);
        CHECK(read_all(tmp_path("ab.gz"), 65536, &back, err, sizeof err, NULL) == 0);
        CHECK(back.len == ab.len && memcmp(back.data, ab.data, ab.len) == 0);
        free(back.data);
    }

    /* Truncated inside the second member. */
    write_file(path, gall.data, gall.len - gb.len / 2);
    CHECK(read_all(path, 1000, &back, err, sizeof err, NULL) < 0);
    CHECK(strstr(err, "truncated gzip stream") != NULL);
    free(back.data);

    free(t.data);
    free(gall.data);
    free(ab.data);
    free(gempty.data);
    free(ga.data);
    free(gb.data);
    free(a.data);
    free(b.data);
}

static void test_truncated(void)
{
    char err[512];
    bytes data = sample_text(200000);
    bytes gz = gzip_bytes(data.data, data.len, 6);
    const char *path = tmp_path("cut.gz");
    /* Inside the header, the deflate data, the CRC and the length field. */
    size_t cuts[] = {2, 3, 10, 20, gz.len / 2, gz.len - 8, gz.len - 5, gz.len - 1};

    empty_tmpdir();
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_file(path, gz.data, cuts[i]);
        bytes back;
        int gzflag = 0;
        CHECK(read_all(path, 8192, &back, err, sizeof err, &gzflag) < 0);
        CHECK(gzflag == 1);
        if (!strstr(err, "truncated gzip stream")) {
            fprintf(stderr, "cut at %zu: %s\n", cuts[i], err);
            CHECK(0);
        }
        CHECK(strstr(err, "compressed byte offset") != NULL);
        free(back.data);
    }
    free(gz.data);
    free(data.data);
}

static void test_corrupt(void)
{
    char err[512];
    bytes data = sample_text(200000);
    bytes gz = gzip_bytes(data.data, data.len, 6);
    const char *path = tmp_path("bad.gz");
    bytes back;

    empty_tmpdir();
    /* CRC32 is the first trailer field. */
    gz.data[gz.len - 8] ^= 0x01;
    write_file(path, gz.data, gz.len);
    CHECK(read_all(path, 8192, &back, err, sizeof err, NULL) < 0);
    CHECK(strstr(err, "corrupt gzip data: incorrect data check") != NULL);
    CHECK(strstr(err, "compressed byte offset") != NULL);
    free(back.data);
    gz.data[gz.len - 8] ^= 0x01;

    /* ISIZE is the last one. */
    gz.data[gz.len - 1] ^= 0x40;
    write_file(path, gz.data, gz.len);
    CHECK(read_all(path, 8192, &back, err, sizeof err, NULL) < 0);
    CHECK(strstr(err, "corrupt gzip data: incorrect length check") != NULL);
    free(back.data);
    gz.data[gz.len - 1] ^= 0x40;

    /* Damage in the compressed blocks: a bad code, or a CRC mismatch if
     * the damage still decodes; corrupt either way, never a silent read. */
    int all_rejected = 1;
    for (size_t pos = 20; pos < gz.len - 8; pos += gz.len / 7) {
        gz.data[pos] ^= 0xa5;
        write_file(path, gz.data, gz.len);
        int rc = read_all(path, 8192, &back, err, sizeof err, NULL);
        if (rc == 0 || !strstr(err, "corrupt gzip data: ")) {
            fprintf(stderr, "flip at %zu: rc %d, %s\n", pos, rc, err);
            all_rejected = 0;
        }
        free(back.data);
        gz.data[pos] ^= 0xa5;
    }
    CHECK(all_rejected);

    /* Bad compression method byte in the header. */
    gz.data[2] = 7;
    write_file(path, gz.data, gz.len);
    CHECK(read_all(path, 8192, &back, err, sizeof err, NULL) < 0);
    CHECK(strstr(err, "corrupt gzip data: ") != NULL);
    free(back.data);

    free(gz.data);
    free(data.data);
}

static void test_trailing_garbage(void)
{
    char err[512];
    bytes data = sample_text(1000);
    bytes gz = gzip_bytes(data.data, data.len, 6);
    const char *path = tmp_path("trail.gz");
    static const char *const tails[] = {"hello", "\0", "\x1f", "\x8b\x1f"};
    static const size_t tail_lens[] = {5, 1, 1, 2};

    empty_tmpdir();
    for (size_t i = 0; i < 4; i++) {
        bytes tail = {(unsigned char *)tails[i], tail_lens[i]};
        bytes file = concat(&gz, &tail);
        write_file(path, file.data, file.len);
        bytes back;
        CHECK(read_all(path, 100, &back, err, sizeof err, NULL) < 0);
        CHECK(strstr(err, "trailing garbage") != NULL);
        char want[64];
        snprintf(want, sizeof want, "offset %zu", gz.len);
        CHECK(strstr(err, want) != NULL);
        /* Everything before the garbage was delivered. */
        CHECK(back.len == data.len);
        free(back.data);
        free(file.data);
    }
    free(gz.data);
    free(data.data);
}

static void test_plain_edge_cases(void)
{
    char err[512];
    bytes back;
    int gz = -1;
    const char *path = tmp_path("edge");

    empty_tmpdir();
    write_file(path, "", 0);
    CHECK(read_all(path, 10, &back, err, sizeof err, &gz) == 0);
    CHECK(back.len == 0 && gz == 0);
    free(back.data);

    /* One magic byte is not enough: a plain file. */
    write_file(path, "\x1f", 1);
    CHECK(read_all(path, 10, &back, err, sizeof err, &gz) == 0);
    CHECK(back.len == 1 && gz == 0 && back.data[0] == 0x1f);
    free(back.data);

    write_file(path, "\x1f\x8a rest", 7);
    CHECK(read_all(path, 3, &back, err, sizeof err, &gz) == 0);
    CHECK(back.len == 7 && gz == 0 && memcmp(back.data, "\x1f\x8a rest", 7) == 0);
    free(back.data);

    /* Detection is by content, not by name. */
    bytes data = sample_text(5000);
    bytes zipped = gzip_bytes(data.data, data.len, 6);
    write_file(tmp_path("looks-plain.json"), zipped.data, zipped.len);
    CHECK(read_all(tmp_path("looks-plain.json"), 999, &back, err, sizeof err, &gz) == 0);
    CHECK(gz == 1 && back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    free(back.data);
    write_file(tmp_path("looks-zipped.json.gz"), data.data, data.len);
    CHECK(read_all(tmp_path("looks-zipped.json.gz"), 999, &back, err, sizeof err, &gz) == 0);
    CHECK(gz == 0 && back.len == data.len);
    free(back.data);
    free(zipped.data);
    free(data.data);
}

static void test_open_errors(void)
{
    fmt_input *in = NULL;

    CHECK(fmt_input_open(&in, tmp_path("does-not-exist")) < 0);
    CHECK(in != NULL);
    if (in) {
        CHECK(strstr(fmt_input_errmsg(in), strerror(ENOENT)) != NULL);
        size_t got = 1;
        char buf[4];
        CHECK(fmt_input_read(in, buf, sizeof buf, &got) < 0 && got == 0);
    }
    fmt_input_free(in);

    in = NULL;
    CHECK(fmt_input_open(&in, fixture_tmpdir) < 0);
    CHECK(in != NULL && strstr(fmt_input_errmsg(in), strerror(EISDIR)) != NULL);
    fmt_input_free(in);

    fmt_output *o = NULL;
    CHECK(fmt_output_open(&o, tmp_path("no-such-dir/out.json"), 0) < 0);
    CHECK(o != NULL && strstr(fmt_output_errmsg(o), strerror(ENOENT)) != NULL);
    fmt_output_free(o);

    o = NULL;
    CHECK(fmt_output_open(&o, tmp_path("x"), 10) < 0);
    CHECK(o != NULL && strstr(fmt_output_errmsg(o), "gzip level") != NULL);
    fmt_output_free(o);
    o = NULL;
    CHECK(fmt_output_open(&o, tmp_path("x"), -1) < 0);
    fmt_output_free(o);
    fmt_output_free(NULL);
    fmt_input_free(NULL);
}

static void test_stdin(void)
{
    char err[512];
    bytes data = sample_text(100000);
    bytes gz = gzip_bytes(data.data, data.len, 6);
    const char *path = tmp_path("stdin.gz");

    empty_tmpdir();
    write_file(path, gz.data, gz.len);
    int saved = dup(STDIN_FILENO);
    int fd = open(path, O_RDONLY);
    dup2(fd, STDIN_FILENO);
    close(fd);

    fmt_input *in = NULL;
    CHECK(fmt_input_open(&in, "-") == 0);
    CHECK_STR(fmt_input_name(in), "stdin");
    CHECK(fmt_input_is_gzip(in));
    bytes back = {malloc(data.len + 10), 0};
    size_t got;
    while (fmt_input_read(in, back.data + back.len, data.len + 10 - back.len, &got) == 0 &&
           got > 0) {
        back.len += got;
    }
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    CHECK(fmt_input_offset(in) == data.len);
    fmt_input_free(in);
    /* Freeing the handle left fd 0 open: it belongs to the process. */
    CHECK(fcntl(STDIN_FILENO, F_GETFD) != -1);
    free(back.data);

    /* A pipe that delivers the magic one byte at a time is still gzip. */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (size_t i = 0; i < gz.len; i++) {
            if (write(p[1], gz.data + i, 1) != 1) {
                _exit(1);
            }
            if (i < 3) {
                struct timespec pause = {0, 20 * 1000 * 1000};
                nanosleep(&pause, NULL);
            }
        }
        _exit(0);
    }
    close(p[1]);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);
    in = NULL;
    CHECK(fmt_input_open(&in, "-") == 0);
    CHECK(fmt_input_is_gzip(in));
    back.data = malloc(data.len + 10);
    back.len = 0;
    while (fmt_input_read(in, back.data + back.len, data.len + 10 - back.len, &got) == 0 &&
           got > 0) {
        back.len += got;
    }
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    fmt_input_free(in);
    free(back.data);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    dup2(saved, STDIN_FILENO);
    close(saved);
    (void)err;
    free(gz.data);
    free(data.data);
}

static void test_stdout(void)
{
    bytes data = sample_text(100000);
    const char *path = tmp_path("stdout.gz");

    empty_tmpdir();
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    fmt_output *o = NULL;
    CHECK(fmt_output_open(&o, "-", 9) == 0);
    CHECK(fmt_output_write(o, data.data, data.len) == 0);
    CHECK(fmt_output_close(o) == 0);
    fmt_output_free(o);
    CHECK(fcntl(STDOUT_FILENO, F_GETFD) != -1);
    dup2(saved, STDOUT_FILENO);

    bytes gz = slurp(path), back;
    CHECK(gunzip_bytes(&gz, &back) == 0);
    CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
    free(back.data);
    free(gz.data);

    /* A closed pipe on stdout: EPIPE is reported, not fatal (with SIGPIPE
     * ignored, as a tool writing to a pipe would). */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    int p[2];
    CHECK(pipe(p) == 0);
    close(p[0]);
    dup2(p[1], STDOUT_FILENO);
    close(p[1]);
    o = NULL;
    CHECK(fmt_output_open(&o, "-", 0) == 0);
    int rc = fmt_output_write(o, data.data, data.len);
    if (rc == 0) {
        rc = fmt_output_close(o);
    }
    CHECK(rc < 0);
    CHECK(strstr(fmt_output_errmsg(o), strerror(EPIPE)) != NULL);
    CHECK(fmt_output_close(o) < 0); /* stays failed */
    fmt_output_free(o);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    signal(SIGPIPE, old);
    free(data.data);
}

static void test_close_renames_into_place(void)
{
    const char *path = tmp_path("final.json.gz");
    int temps;
    struct stat st;

    empty_tmpdir();
    mode_t old_mask = umask(027);
    fmt_output *o = NULL;
    CHECK(fmt_output_open(&o, path, 6) == 0);
    CHECK(fmt_output_write(o, "{}", 2) == 0);
    /* Until close only the temporary file exists, if it has a name. */
    CHECK(stat(path, &st) < 0 && errno == ENOENT);
    CHECK(count_tmpdir(&temps) == visible_temps() && temps == visible_temps());
    CHECK(fmt_output_close(o) == 0);
    CHECK(count_tmpdir(&temps) == 1 && temps == 0);
    CHECK(stat(path, &st) == 0);
    CHECK((st.st_mode & 0777) == 0600); /* production data: the owner's alone */
    CHECK(fmt_output_close(o) == 0);    /* a second close is harmless */
    CHECK(fmt_output_write(o, "x", 1) < 0);
    fmt_output_free(o);
    CHECK(stat(path, &st) == 0); /* free after close keeps the file */

    umask(0);
    CHECK(fmt_output_open(&o, tmp_path("open.json"), 0) == 0);
    CHECK(fmt_output_close(o) == 0);
    fmt_output_free(o);
    CHECK(stat(tmp_path("open.json"), &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(st.st_size == 0);
    umask(old_mask);

    /* Replacing a file keeps its stricter mode, and never widens a wider one. */
    CHECK(chmod(tmp_path("open.json"), 0400) == 0);
    CHECK(fmt_output_open(&o, tmp_path("open.json"), 0) == 0);
    CHECK(fmt_output_close(o) == 0);
    fmt_output_free(o);
    CHECK(stat(tmp_path("open.json"), &st) == 0 && (st.st_mode & 0777) == 0400);
    CHECK(chmod(tmp_path("open.json"), 0644) == 0);
    CHECK(fmt_output_open(&o, tmp_path("open.json"), 0) == 0);
    CHECK(fmt_output_close(o) == 0);
    fmt_output_free(o);
    CHECK(stat(tmp_path("open.json"), &st) == 0 && (st.st_mode & 0777) == 0600);

    /* An existing destination is replaced only at close. */
    write_file(path, "old", 3);
    CHECK(fmt_output_open(&o, path, 0) == 0);
    CHECK(fmt_output_write(o, "new", 3) == 0);
    bytes before = slurp(path);
    CHECK(before.len == 3 && memcmp(before.data, "old", 3) == 0);
    free(before.data);
    CHECK(fmt_output_close(o) == 0);
    fmt_output_free(o);
    bytes after = slurp(path);
    CHECK(after.len == 3 && memcmp(after.data, "new", 3) == 0);
    free(after.data);
}

static void test_abandoned_output(void)
{
    int temps;
    bytes data = sample_text(1000000);

    for (int level = 0; level <= 9; level += 9) {
        empty_tmpdir();
        write_file(tmp_path("keep.json"), "old", 3);
        fmt_output *o = NULL;
        CHECK(fmt_output_open(&o, tmp_path("keep.json"), level) == 0);
        CHECK(fmt_output_write(o, data.data, data.len) == 0);
        CHECK(count_tmpdir(&temps) == 1 + visible_temps() && temps == visible_temps());
        fmt_output_free(o); /* no close: the export failed elsewhere */
        CHECK(count_tmpdir(&temps) == 1 && temps == 0);
        bytes kept = slurp(tmp_path("keep.json"));
        CHECK(kept.len == 3 && memcmp(kept.data, "old", 3) == 0);
        free(kept.data);
    }
    free(data.data);
}

/* A full disk, simulated with RLIMIT_FSIZE: the write error is reported
 * with strerror, and neither the file nor a temporary one remains. */
static void test_failed_output(void)
{
    int temps;
    bytes data = {malloc(3 << 20), 3 << 20};
    fill_random(data.data, data.len, 99);
    struct rlimit old_limit, limit;

    getrlimit(RLIMIT_FSIZE, &old_limit);
    void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
    limit = old_limit;
    limit.rlim_cur = 1 << 20;
    CHECK(setrlimit(RLIMIT_FSIZE, &limit) == 0);

    for (int level = 0; level <= 1; level++) {
        empty_tmpdir();
        fmt_output *o = NULL;
        CHECK(fmt_output_open(&o, tmp_path("full.json"), level) == 0);
        int rc = fmt_output_write(o, data.data, data.len);
        if (rc == 0) {
            rc = fmt_output_close(o);
        }
        CHECK(rc < 0);
        CHECK(strstr(fmt_output_errmsg(o), strerror(EFBIG)) != NULL);
        CHECK(fmt_output_write(o, "x", 1) < 0); /* stays failed */
        CHECK(fmt_output_close(o) < 0);
        fmt_output_free(o);
        CHECK(count_tmpdir(&temps) == 0);
    }

    setrlimit(RLIMIT_FSIZE, &old_limit);
    signal(SIGXFSZ, old);
    free(data.data);
}

/* The leftover of a killed export to the same destination (its pid no
 * longer runs) is removed at open and named in the notice; one of a live
 * process, of another destination or of another shape is left alone. */
static void test_stale_temps(void)
{
    int temps;
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0); /* reaped: its pid is free (reuse is harmless: kept) */
    char stale[64], stale2[64], live[64], other[64], odd[64];
    snprintf(stale, sizeof stale, "out.json.tmp.%ld.abcdef", (long)dead);
    snprintf(stale2, sizeof stale2, "out.json.tmp.%ld.ghijkl", (long)dead);
    snprintf(live, sizeof live, "out.json.tmp.%ld.abcdef", (long)getppid());
    snprintf(other, sizeof other, "other.json.tmp.%ld.abcdef", (long)dead);
    snprintf(odd, sizeof odd, "out.json.tmp.%ld.abc", (long)dead);

    empty_tmpdir();
    write_file(tmp_path(stale), "x", 1);
    write_file(tmp_path(stale2), "x", 1);
    write_file(tmp_path(live), "x", 1);
    write_file(tmp_path(other), "x", 1);
    write_file(tmp_path(odd), "x", 1);
    fmt_output *o = NULL;
    CHECK(fmt_output_open(&o, tmp_path("out.json"), 0) == 0);
    const char *notice = fmt_output_notice(o);
    CHECK(strstr(notice, "removed ") == notice);
    CHECK(strstr(notice, "left by an export") != NULL);
    CHECK(strstr(notice, ", and 1 more like it") != NULL);
    CHECK(access(tmp_path(stale), F_OK) != 0 && access(tmp_path(stale2), F_OK) != 0);
    CHECK(access(tmp_path(live), F_OK) == 0);
    CHECK(access(tmp_path(other), F_OK) == 0 && access(tmp_path(odd), F_OK) == 0);
    CHECK(fmt_output_close(o) == 0);
    fmt_output_free(o);
    CHECK(count_tmpdir(&temps) == 4 && temps == 3);

    /* a dead pid's name, but a process holds a lock on it: in use */
    write_file(tmp_path(stale), "x", 1);
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t holder = fork();
    if (holder == 0) {
        int fd = open(tmp_path(stale), O_RDWR);
        struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        char c = fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
        (void)!write(ready[1], &c, 1);
        pause();
        _exit(0);
    }
    char c = 0;
    CHECK(read(ready[0], &c, 1) == 1 && c == 'y');
    CHECK(fmt_output_open(&o, tmp_path("out.json"), 0) == 0);
    CHECK(fmt_output_notice(o)[0] == '\0');
    CHECK(access(tmp_path(stale), F_OK) == 0);
    fmt_output_free(o);
    kill(holder, SIGKILL);
    waitpid(holder, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    unlink(tmp_path(stale));

    /* nothing to remove: no notice */
    CHECK(fmt_output_open(&o, tmp_path("out.json"), 0) == 0);
    CHECK(fmt_output_notice(o)[0] == '\0');
    fmt_output_free(o);
    empty_tmpdir();
}

/* Writes "hello" to path through fmt_output; returns close's result. */
static int write_hello(const char *path)
{
    fmt_output *o = NULL;
    int rc = fmt_output_open(&o, path, 0);
    if (rc == 0)
        rc = fmt_output_write(o, "hello", 5);
    if (rc == 0)
        rc = fmt_output_close(o);
    fmt_output_free(o);
    return rc;
}

/* Destinations that are not regular files: a device node and a FIFO are
 * written in place (renaming over /dev/null would replace the device with
 * a file), a symbolic link keeps being a link to the replaced file, and a
 * directory is refused. */
static void test_special_destinations(void)
{
    struct stat st;
    empty_tmpdir();
    /* a symbolic link */
    write_file(tmp_path("real.json"), "old", 3);
    CHECK(symlink("real.json", tmp_path("link.json")) == 0);
    CHECK(write_hello(tmp_path("link.json")) == 0);
    CHECK(lstat(tmp_path("link.json"), &st) == 0 && S_ISLNK(st.st_mode));
    bytes b = slurp(tmp_path("real.json"));
    CHECK(b.len == 5 && memcmp(b.data, "hello", 5) == 0);
    free(b.data);
    /* a FIFO, read by a child */
    CHECK(mkfifo(tmp_path("fifo"), 0600) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        bytes got = slurp(tmp_path("fifo"));
        _exit(got.len == 5 && memcmp(got.data, "hello", 5) == 0 ? 0 : 1);
    }
    CHECK(write_hello(tmp_path("fifo")) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(lstat(tmp_path("fifo"), &st) == 0 && S_ISFIFO(st.st_mode));
    /* a character device (needs root to make one: the real /dev/null is
     * never touched by a test) */
    if (geteuid() == 0 && mknod(tmp_path("null"), S_IFCHR | 0666, makedev(1, 3)) == 0) {
        CHECK(write_hello(tmp_path("null")) == 0);
        CHECK(lstat(tmp_path("null"), &st) == 0 && S_ISCHR(st.st_mode));
        unlink(tmp_path("null"));
    }
    /* a directory */
    fmt_output *o = NULL;
    CHECK(fmt_output_open(&o, fixture_tmpdir, 0) < 0);
    CHECK(o && strstr(fmt_output_errmsg(o), "is a directory") != NULL);
    fmt_output_free(o);
    int temps = 0;
    count_tmpdir(&temps);
    CHECK(temps == 0);
    unlink(tmp_path("fifo"));
    unlink(tmp_path("link.json"));
}

int main(void)
{
    make_tmpdir("test_stream");
    test_special_destinations();
    test_plain_round_trip();
    test_gzip_round_trip();
    test_large_random_gzip();
    test_multi_member();
    test_truncated();
    test_corrupt();
    test_trailing_garbage();
    test_plain_edge_cases();
    test_open_errors();
    test_stdin();
    test_stdout();
    test_close_renames_into_place();
    test_abandoned_output();
    test_failed_output();
    test_stale_temps();
    empty_tmpdir();
    rmdir(fixture_tmpdir);
    return check_report();
}
