/* Replays fuzz corpora without libFuzzer: calls LLVMFuzzerTestOneInput on
 * every file named on the command line, recursing into directories, so each
 * harness's corpus runs as an ordinary ctest test in every build. A harness
 * reports a bug by crashing or aborting; this driver only fails on its own
 * errors (unreadable file, empty corpus). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns the number of files replayed, or -1 on error. */
static long replay_path(const char *path);

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static long replay_file(const char *path, off_t size)
{
    long rc = -1;
    /* Exactly size bytes, so ASan catches a harness reading past the end. */
    unsigned char *data = malloc(size > 0 ? (size_t)size : 1);
    FILE *f = fopen(path, "rb");

    if (!data || !f) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        goto done;
    }
    if (size > 0 && fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "replay: short read on %s\n", path);
        goto done;
    }
    LLVMFuzzerTestOneInput(data, (size_t)size);
    rc = 1;
done:
    if (f) {
        fclose(f);
    }
    free(data);
    return rc;
}

/* Visits entries in name order so a failing input is found the same way
 * on every machine. */
static long replay_directory(const char *path)
{
    long total = 0;
    size_t count = 0, cap = 0;
    char **names = NULL;
    DIR *dir = opendir(path);
    struct dirent *entry;

    if (!dir) {
        fprintf(stderr, "replay: cannot open directory %s\n", path);
        return -1;
    }
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') {
            continue; /* ., .., and hidden files such as .gitkeep */
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                total = -1;
                goto done;
            }
            names = grown;
        }
        size_t len = strlen(path) + strlen(entry->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count]) {
            total = -1;
            goto done;
        }
        snprintf(names[count], len, "%s/%s", path, entry->d_name);
        count++;
    }
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        long n = replay_path(names[i]);
        if (n < 0) {
            total = -1;
            goto done;
        }
        total += n;
    }
done:
    for (size_t i = 0; i < count; i++) {
        free(names[i]);
    }
    free(names);
    closedir(dir);
    return total;
}

static long replay_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "replay: cannot stat %s\n", path);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        return replay_directory(path);
    }
    return replay_file(path, st.st_size);
}

int main(int argc, char **argv)
{
    long total = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s file-or-directory...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        long n = replay_path(argv[i]);
        if (n < 0) {
            return 1;
        }
        total += n;
    }
    printf("replayed %ld inputs\n", total);
    /* An empty corpus would make the test pass without testing anything. */
    if (total == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return 0;
}
