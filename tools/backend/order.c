/* See order.h. */
#include "order.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    fmt_table *table;
    size_t at; /* input position: qsort is not stable */
} keyed_table;

static int compare_keyed(const void *a, const void *b)
{
    const keyed_table *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->at < y->at ? -1 : x->at > y->at;
}

int db_order_tables(fmt_table **tables, size_t n)
{
    if (n < 2)
        return 0;
    keyed_table *k = calloc(n, sizeof *k);
    int rc = k ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        k[i].table = tables[i];
        k[i].at = i;
        if (!(k[i].key = fmt_table_key(tables[i])))
            rc = -1;
    }
    if (rc == 0) {
        qsort(k, n, sizeof *k, compare_keyed);
        for (size_t i = 0; i < n; i++)
            tables[i] = k[i].table;
    }
    for (size_t i = 0; k && i < n; i++)
        free(k[i].key);
    free(k);
    return rc;
}

static int compare_objects(const fmt_native_object *x, const fmt_native_object *y)
{
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1; /* views, triggers, materialized views */
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return strcmp(x->table ? x->table : "", y->table ? y->table : "");
}

/* Insertion sort: stable, and the lists are short (views and triggers). */
void db_order_objects(fmt_native_object *objects, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        fmt_native_object item = objects[i];
        size_t j = i;
        while (j > 0 && compare_objects(&objects[j - 1], &item) > 0) {
            objects[j] = objects[j - 1];
            j--;
        }
        objects[j] = item;
    }
}

int db_order_topological(size_t n, db_depends_fn depends, void *ctx, size_t *order)
{
    if (n == 0)
        return 0;
    size_t *waiting = calloc(n, sizeof *waiting); /* unplaced items each waits for */
    unsigned char *placed = calloc(n, 1);
    unsigned char *edge = n <= 65536 ? calloc(n * n, 1) : NULL;
    int broken = 0;
    if (!waiting || !placed || (!edge && n <= 65536)) {
        free(waiting), free(placed), free(edge);
        return -1;
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            if (a != b && depends(ctx, a, b)) {
                if (edge)
                    edge[a * n + b] = 1;
                waiting[a]++;
            }
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++)
            if (!placed[i] && waiting[i] == 0)
                pick = i;
        if (pick == n) { /* a cycle: break it at its lowest index */
            for (size_t i = 0; i < n && pick == n; i++)
                if (!placed[i])
                    pick = i;
            broken++;
        }
        placed[pick] = 1;
        order[k] = pick;
        for (size_t a = 0; a < n; a++)
            if (!placed[a] && waiting[a] &&
                (edge ? edge[a * n + pick] : depends(ctx, a, pick) != 0))
                waiting[a]--;
    }
    free(waiting);
    free(placed);
    free(edge);
    return broken;
}
