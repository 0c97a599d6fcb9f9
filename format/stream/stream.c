/* Byte streams for the interchange file: plain or gzip in, plain or gzip out.
 *
 * Input sniffs the gzip magic rather than trusting the file name; a gzip
 * file is handed to gzip_in.c, which inflates every member on a thread of its
 * own. Gzip output is compressed in parallel members by gzip_out.c. Output
 * goes to a temporary file next to the destination and is renamed into place
 * only by a successful close.
 *
 * Messages do not repeat the file name; callers prefix fmt_input_name() or
 * their own path, as in "dbimport: error: x.json.gz: truncated gzip stream". */
#define _GNU_SOURCE /* O_TMPFILE, linkat; realpath */
#include "stream.h"

#include <signal.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gzip_in.h"
#include "gzip_out.h"

#define STREAM_BUFSIZE (256 * 1024)
#define ERRMSG_SIZE 512
/* Attempts at finding an unused temporary name before giving up. */
#define TEMP_ATTEMPTS 100

struct fmt_input {
    int fd;
    int owns_fd; /* 0 for stdin: it is the process's, not ours to close */
    int is_gzip;
    int eof;            /* read(2) returned 0 */
    int failed;         /* an error was reported; later reads repeat it */
    fmt_gzip_in *gz;    /* a gzip file: reads from here on are its */
    unsigned char *buf; /* raw bytes from the file */
    size_t buf_pos, buf_len;
    uint64_t raw_read; /* raw bytes read from the file so far */
    uint64_t size;     /* a regular file's size, else 0 */
    uint64_t offset;   /* decompressed bytes delivered */
    char *name;
    volatile sig_atomic_t *interrupt; /* when set and non-zero, EINTR ends a read */
    char errmsg[ERRMSG_SIZE];
};

struct fmt_output {
    int fd;
    int is_stdout;
    int direct;    /* an existing device or FIFO: written in place, never replaced */
    int anonymous; /* O_TMPFILE: the data has no name until close links it */
    int gzip_level;
    int failed;
    int closed;         /* close succeeded: nothing left to clean up */
    int written;        /* fmt_output_write was called */
    fmt_gzip_out *gz;   /* gzip_level > 0: the compressor, which writes through write_all */
    unsigned char *buf; /* uncompressed bytes (plain) */
    size_t buf_len;
    uint64_t offset;
    char *path;
    char *temp_path; /* NULL for stdout, and once renamed into place */
    char errmsg[ERRMSG_SIZE];
    char notice[ERRMSG_SIZE]; /* stale temporary files removed at open */
};

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void set_error(char *errmsg, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void set_error(char *errmsg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, ERRMSG_SIZE, fmt, ap);
    va_end(ap);
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy) {
        memcpy(copy, s, n);
    }
    return copy;
}

/* ---- input ---- */

/* Reads once into buf at dst; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t read_some(fmt_input *in, void *dst, size_t cap)
{
    for (;;) {
        ssize_t n = read(in->fd, dst, cap);
        if (n >= 0) {
            if (n == 0) {
                in->eof = 1;
            }
            in->raw_read += (uint64_t)n;
            return n;
        }
        if (errno == EINTR && in->interrupt && *in->interrupt) {
            set_error(in->errmsg, "interrupted");
            in->failed = 1;
            return -1;
        }
        if (errno != EINTR) {
            set_error(in->errmsg, "read failed: %s", strerror(errno));
            in->failed = 1;
            return -1;
        }
    }
}

/* Makes at least want unread raw bytes available in buf unless EOF comes
 * first; keeps the unread ones. Returns 0 or -1. */
static int fill_buffer(fmt_input *in, size_t want)
{
    if (in->buf_pos > 0) {
        memmove(in->buf, in->buf + in->buf_pos, in->buf_len - in->buf_pos);
        in->buf_len -= in->buf_pos;
        in->buf_pos = 0;
    }
    while (in->buf_len < want && !in->eof) {
        ssize_t n = read_some(in, in->buf + in->buf_len, STREAM_BUFSIZE - in->buf_len);
        if (n < 0) {
            return -1;
        }
        in->buf_len += (size_t)n;
    }
    return 0;
}

static int is_gzip_magic(const unsigned char *p, size_t avail)
{
    return avail >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

int fmt_input_open(fmt_input **out, const char *path)
{
    int rc = 0;
    fmt_input *in = calloc(1, sizeof *in);

    *out = NULL;
    if (!in) {
        return -1;
    }
    *out = in;
    in->fd = -1;
    int is_stdin = strcmp(path, "-") == 0;
    in->name = copy_string(is_stdin ? "stdin" : path);
    in->buf = malloc(STREAM_BUFSIZE);
    if (!in->name || !in->buf) {
        set_error(in->errmsg, "out of memory");
        rc = -1;
        goto done;
    }
    if (is_stdin) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            set_error(in->errmsg, "cannot open for reading: %s", strerror(errno));
            rc = -1;
            goto done;
        }
        in->owns_fd = 1;
    }
    {
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
            in->size = (uint64_t)st.st_size;
    }
    /* A pipe may deliver a single byte first; ask for both magic bytes. */
    if (fill_buffer(in, 2) < 0) {
        rc = -1;
        goto done;
    }
    in->is_gzip = is_gzip_magic(in->buf, in->buf_len);
    if (in->is_gzip &&
        fmt_gzip_in_new(&in->gz, in->fd, in->buf, in->buf_len, in->raw_read, in->eof, 1) < 0) {
        set_error(in->errmsg, "%s", in->gz ? fmt_gzip_in_errmsg(in->gz) : "out of memory");
        rc = -1;
        goto done;
    }
done:
    if (rc < 0) {
        in->failed = 1;
    }
    return rc;
}

static int read_plain(fmt_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    if (in->buf_pos == in->buf_len) {
        /* Large requests skip the copy through our buffer. */
        if (cap >= STREAM_BUFSIZE) {
            ssize_t n = read_some(in, dst, cap);
            if (n < 0) {
                return -1;
            }
            *got = (size_t)n;
            return 0;
        }
        in->buf_pos = in->buf_len = 0;
        ssize_t n = read_some(in, in->buf, STREAM_BUFSIZE);
        if (n < 0) {
            return -1;
        }
        in->buf_len = (size_t)n;
    }
    size_t avail = in->buf_len - in->buf_pos;
    size_t n = avail < cap ? avail : cap;
    memcpy(dst, in->buf + in->buf_pos, n);
    in->buf_pos += n;
    *got = n;
    return 0;
}

int fmt_input_read(fmt_input *in, void *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (in->failed) {
        return -1;
    }
    if (cap == 0) {
        return 0;
    }
    int rc = in->gz ? fmt_gzip_in_read(in->gz, buf, cap, got, in->interrupt)
                    : read_plain(in, buf, cap, got);
    if (rc < 0) {
        if (in->gz) {
            set_error(in->errmsg, "%s", fmt_gzip_in_errmsg(in->gz));
        }
        in->failed = 1;
        *got = 0;
        return -1;
    }
    in->offset += *got;
    return 0;
}

int fmt_input_is_gzip(const fmt_input *in)
{
    return in->is_gzip;
}

uint64_t fmt_input_raw_offset(const fmt_input *in)
{
    if (in->gz) {
        return fmt_gzip_in_raw_offset(in->gz);
    }
    return in->raw_read - (in->buf_len - in->buf_pos);
}

uint64_t fmt_input_size(const fmt_input *in)
{
    return in->size;
}

void fmt_input_set_interrupt(fmt_input *in, volatile sig_atomic_t *flag)
{
    in->interrupt = flag;
}

uint64_t fmt_input_offset(const fmt_input *in)
{
    return in->offset;
}

const char *fmt_input_name(const fmt_input *in)
{
    return in->name ? in->name : "";
}

const char *fmt_input_errmsg(const fmt_input *in)
{
    return in->errmsg;
}

void fmt_input_free(fmt_input *in)
{
    if (!in) {
        return;
    }
    fmt_gzip_in_free(in->gz); /* before the fd it reads is closed */
    if (in->owns_fd && in->fd >= 0) {
        close(in->fd);
    }
    free(in->buf);
    free(in->name);
    free(in);
}

/* ---- output ---- */

/* Temporary names are "<path>.tmp.<pid>.XXXXXX": the pid lets a later run
 * tell the leftover of a killed export from the work of a running one. */
#define TEMP_NAME_EXTRA (sizeof ".tmp.." + 20 + 6)

/* Picks the next candidate name into o->temp_path (TEMP_NAME_EXTRA longer
 * than o->path). Uniqueness comes from O_EXCL or link(); the mixing only
 * makes retries rare. */
static void next_temp_name(fmt_output *o, uint64_t *seed)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char suffix[7];
    for (int i = 0; i < 6; i++) {
        *seed = *seed * 6364136223846793005u + 1442695040888963407u;
        suffix[i] = letters[(*seed >> 33) % (sizeof letters - 1)];
    }
    suffix[6] = '\0';
    snprintf(o->temp_path, strlen(o->path) + TEMP_NAME_EXTRA, "%s.tmp.%ld.%s", o->path,
             (long)getpid(), suffix);
}

static int alloc_temp_name(fmt_output *o, uint64_t *seed)
{
    o->temp_path = malloc(strlen(o->path) + TEMP_NAME_EXTRA);
    if (!o->temp_path) {
        set_error(o->errmsg, "out of memory");
        return -1;
    }
    *seed = (uint64_t)getpid() * 2654435761u ^ (uint64_t)time(NULL) ^ (uintptr_t)o;
    return 0;
}

/* A write lock on the whole file, held until close: another export to the
 * same path sees it in use, whatever its pid says (another PID namespace,
 * another NFS client). Best effort. */
static void lock_temp(int fd)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    (void)fcntl(fd, F_SETLK, &lock);
}

static int temp_in_use(int dir, const char *name)
{
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return 1;
    }
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int busy = fcntl(fd, F_GETLK, &lock) < 0 || lock.l_type != F_UNLCK;
    close(fd);
    return busy;
}

/* Creates a named temporary file with O_EXCL: the fallback where the file
 * system has no O_TMPFILE. */
static int create_temp(fmt_output *o, mode_t mode)
{
    uint64_t seed;
    if (alloc_temp_name(o, &seed) < 0) {
        return -1;
    }
    set_error(o->errmsg, "cannot create temporary file next to %s: all names taken", o->path);
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        next_temp_name(o, &seed);
        o->fd = open(o->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (o->fd >= 0) {
            /* the umask may only have narrowed it; an existing file's
             * stricter mode is kept exactly */
            (void)fchmod(o->fd, mode);
            lock_temp(o->fd);
            o->errmsg[0] = '\0';
            return 0;
        }
        if (errno != EEXIST) {
            set_error(o->errmsg, "cannot create temporary file %s: %s", o->temp_path,
                      strerror(errno));
            break;
        }
    }
    free(o->temp_path);
    o->temp_path = NULL;
    return -1;
}

/* The directory part of path ("." when there is none), malloc'd. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return copy_string(".");
    }
    if (slash == path) {
        return copy_string("/");
    }
    char *dir = malloc((size_t)(slash - path) + 1);
    if (dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    return dir;
}

/* Linux: a file with no name in the destination's directory, so a kill -9
 * before close leaves nothing at all. Needs /proc to give it a name at
 * close; anything unsupported falls back to the named scheme. */
static int create_anonymous(fmt_output *o, mode_t mode)
{
#ifdef O_TMPFILE
    if (access("/proc/self/fd", X_OK) != 0) {
        return -1;
    }
    char *dir = directory_of(o->path);
    if (!dir) {
        return -1;
    }
    o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    free(dir);
    if (o->fd < 0) {
        return -1;
    }
    (void)fchmod(o->fd, mode);
    lock_temp(o->fd); /* for the moment it has a name, at close */
    o->anonymous = 1;
    return 0;
#else
    (void)o;
    (void)mode;
    return -1;
#endif
}

/* Does name (in the destination's directory) look like "<base>.tmp.<pid>.XXXXXX"
 * of a process that no longer exists? Sets *pid. */
static int is_stale_temp(const char *name, const char *base, long *pid)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0) {
        return 0;
    }
    const char *p = name + n + 5;
    char *end;
    errno = 0;
    *pid = strtol(p, &end, 10);
    if (end == p || *p < '1' || *p > '9' || errno || *end != '.' || strlen(end + 1) != 6) {
        return 0;
    }
    if (*pid == (long)getpid() || *pid > INT_MAX) {
        return 0;
    }
    /* EPERM means it runs under another user: alive, not ours to judge. */
    return kill((pid_t)*pid, 0) < 0 && errno == ESRCH;
}

/* Removes what killed exports to the same destination left behind (a crash
 * between naming the file and renaming it, or the named fallback), and
 * says so in o->notice. Best effort: a failure here is not the export's. */
static void remove_stale_temps(fmt_output *o)
{
    char *dir = directory_of(o->path);
    const char *slash = strrchr(o->path, '/');
    const char *base = slash ? slash + 1 : o->path;
    DIR *d = dir ? opendir(dir) : NULL;
    int removed = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        long pid;
        struct stat st;
        if (!is_stale_temp(e->d_name, base, &pid) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            temp_in_use(dirfd(d), e->d_name) || unlinkat(dirfd(d), e->d_name, 0) != 0) {
            continue;
        }
        if (removed++ == 0) {
            set_error(o->notice, "removed %s%s%s, left by an export (process %ld) that was killed",
                      slash ? dir : "", slash && slash != o->path ? "/" : "", e->d_name, pid);
        }
    }
    if (removed > 1) {
        size_t len = strlen(o->notice);
        snprintf(o->notice + len, ERRMSG_SIZE - len, ", and %d more like it", removed - 1);
    }
    if (d) {
        closedir(d);
    }
    free(dir);
}

/* The output file: an anonymous one where the system has them, else a
 * named temporary file. Mode 0600 (an export holds production data, often
 * credentials: docs/SECURITY.md), or the existing destination's mode where
 * that is stricter, so replacing a file never widens who can read it. */
static int create_output_file(fmt_output *o, mode_t mode)
{
    remove_stale_temps(o);
    if (create_anonymous(o, mode) == 0) {
        return 0;
    }
    return create_temp(o, mode);
}

/* A regular file (or a new one) is written under a temporary name and
 * renamed into place; through a symbolic link, the file it points to is
 * the one replaced, not the link. Anything else that exists (/dev/null, a
 * FIFO, a terminal) is written to directly: renaming over it would
 * replace a device node with a file. */
static int open_destination(fmt_output *o, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            set_error(o->errmsg, "is a directory");
            return -1;
        }
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            set_error(o->errmsg, "cannot open for writing: %s", strerror(errno));
            return -1;
        }
        o->direct = 1;
        return 0;
    }
    mode_t mode = 0600;
    struct stat existing;
    if (stat(path, &existing) == 0)
        mode &= existing.st_mode;
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        char *real = realpath(path, NULL);
        if (!real) {
            set_error(o->errmsg, "cannot follow the symbolic link: %s", strerror(errno));
            return -1;
        }
        free(o->path);
        o->path = real;
    }
    return create_output_file(o, mode);
}

static int write_all(fmt_output *o, const unsigned char *p, size_t len);

static int gzip_sink(void *ctx, const unsigned char *p, size_t len)
{
    return write_all(ctx, p, len);
}

static int open_compressor(fmt_output *o, int threads)
{
    fmt_gzip_out_free(o->gz);
    if (fmt_gzip_out_new(&o->gz, o->gzip_level, threads, gzip_sink, o) < 0) {
        set_error(o->errmsg, "%s", o->gz ? fmt_gzip_out_errmsg(o->gz) : "out of memory");
        return -1;
    }
    return 0;
}

int fmt_output_set_gzip_threads(fmt_output *o, int threads)
{
    if (o->failed || o->written || o->closed || o->gzip_level == 0) {
        return 0;
    }
    if (open_compressor(o, threads) < 0) {
        o->failed = 1;
        return -1;
    }
    return 0;
}

int fmt_output_open(fmt_output **out, const char *path, int gzip_level)
{
    int rc = 0;
    fmt_output *o = calloc(1, sizeof *o);

    *out = NULL;
    if (!o) {
        return -1;
    }
    *out = o;
    o->fd = -1;
    o->gzip_level = gzip_level;
    o->is_stdout = strcmp(path, "-") == 0;
    o->path = copy_string(o->is_stdout ? "stdout" : path);
    o->buf = malloc(STREAM_BUFSIZE);
    if (!o->path || !o->buf) {
        set_error(o->errmsg, "out of memory");
        rc = -1;
        goto done;
    }
    if (gzip_level < 0 || gzip_level > 9) {
        set_error(o->errmsg, "invalid gzip level %d (want 0 to 9)", gzip_level);
        rc = -1;
        goto done;
    }
    if (gzip_level > 0 && open_compressor(o, fmt_gzip_default_threads()) < 0) {
        rc = -1;
        goto done;
    }
    if (o->is_stdout) {
        o->fd = STDOUT_FILENO;
    } else if (open_destination(o, path) < 0) {
        rc = -1;
        goto done;
    }
done:
    if (rc < 0) {
        o->failed = 1;
    }
    return rc;
}

static int write_all(fmt_output *o, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(o->fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            set_error(o->errmsg, "write failed: %s", strerror(errno));
            o->failed = 1;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int flush_buffer(fmt_output *o)
{
    int rc = write_all(o, o->buf, o->buf_len);
    o->buf_len = 0;
    return rc;
}

/* A compressor's failure: a write's message is in errmsg already (write_all
 * put it there); zlib's comes from the compressor. */
static int gzip_result(fmt_output *o, int rc)
{
    if (rc < 0) {
        const char *why = fmt_gzip_out_errmsg(o->gz);
        if (*why) {
            set_error(o->errmsg, "%s", why);
        }
        o->failed = 1;
    }
    return rc;
}

int fmt_output_write(fmt_output *o, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    if (o->failed) {
        return -1;
    }
    if (o->closed) {
        set_error(o->errmsg, "write after close");
        return -1;
    }
    o->offset += len;
    o->written = 1;
    if (o->gz) {
        return gzip_result(o, fmt_gzip_out_write(o->gz, p, len));
    }
    if (o->buf_len + len > STREAM_BUFSIZE) {
        if (flush_buffer(o) < 0) {
            return -1;
        }
        /* Too big to be worth buffering: write it straight through. */
        if (len >= STREAM_BUFSIZE) {
            return write_all(o, p, len);
        }
    }
    memcpy(o->buf + o->buf_len, p, len);
    o->buf_len += len;
    return 0;
}

/* Makes the rename itself durable. Best effort: the file is complete and
 * in place already, and some file systems refuse fsync on a directory. */
static void sync_directory(const char *path)
{
    char *dir = directory_of(path);
    if (!dir) {
        return;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Gives the anonymous file a temporary name (linkat cannot replace an
 * existing destination; rename can, atomically). */
static int name_anonymous(fmt_output *o)
{
    char proc[64];
    uint64_t seed;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
    if (alloc_temp_name(o, &seed) < 0) {
        o->failed = 1;
        return -1;
    }
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        next_temp_name(o, &seed);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, o->temp_path, AT_SYMLINK_FOLLOW) == 0) {
            o->anonymous = 0;
            return 0;
        }
        if (errno != EEXIST) {
            set_error(o->errmsg, "cannot create %s: %s", o->temp_path, strerror(errno));
            break;
        }
        set_error(o->errmsg, "cannot name the file next to %s: all names taken", o->path);
    }
    free(o->temp_path);
    o->temp_path = NULL;
    o->failed = 1;
    return -1;
}

int fmt_output_close(fmt_output *o)
{
    if (o->failed) {
        return -1;
    }
    if (o->closed) {
        return 0;
    }
    if (o->gz && gzip_result(o, fmt_gzip_out_finish(o->gz)) < 0) {
        return -1;
    }
    if (flush_buffer(o) < 0) {
        return -1;
    }
    if (o->is_stdout) {
        /* stdout stays open for the process; a pipe cannot be fsynced. */
        o->closed = 1;
        return 0;
    }
    if (o->direct) {
        int fd = o->fd;
        o->fd = -1;
        o->closed = 1;
        if (close(fd) < 0) {
            set_error(o->errmsg, "close failed: %s", strerror(errno));
            o->failed = 1;
            return -1;
        }
        return 0;
    }
    if (fsync(o->fd) < 0) {
        set_error(o->errmsg, "fsync failed: %s", strerror(errno));
        o->failed = 1;
        return -1;
    }
    if (o->anonymous && name_anonymous(o) < 0) {
        return -1;
    }
    int fd = o->fd;
    o->fd = -1;
    /* close() can report a deferred write error (NFS, quota). */
    if (close(fd) < 0) {
        set_error(o->errmsg, "close failed: %s", strerror(errno));
        o->failed = 1;
        return -1;
    }
    if (rename(o->temp_path, o->path) < 0) {
        set_error(o->errmsg, "cannot rename %s to %s: %s", o->temp_path, o->path, strerror(errno));
        o->failed = 1;
        return -1;
    }
    free(o->temp_path);
    o->temp_path = NULL;
    o->closed = 1;
    sync_directory(o->path);
    return 0;
}

void fmt_output_free(fmt_output *o)
{
    if (!o) {
        return;
    }
    fmt_gzip_out_free(o->gz);
    if (!o->is_stdout && o->fd >= 0) {
        close(o->fd);
    }
    /* Still set unless close renamed it into place: a partial file. */
    if (o->temp_path) {
        unlink(o->temp_path);
    }
    free(o->temp_path);
    free(o->path);
    free(o->buf);
    free(o);
}

uint64_t fmt_output_offset(const fmt_output *o)
{
    return o->offset;
}

const char *fmt_output_errmsg(const fmt_output *o)
{
    return o->errmsg;
}

const char *fmt_output_notice(const fmt_output *o)
{
    return o->notice;
}
