/* The one place the order of things in a document is decided, as
 * pg_dump_sort.c decides it for pg_dump: first a total order by kind and
 * name (bytewise, so it does not depend on a locale), then, where objects
 * depend on each other, a topological order that keeps the name order
 * wherever the dependencies allow, with a defined way out of a cycle.
 * Same input, same bytes out. */
#ifndef DB_ORDER_H
#define DB_ORDER_H

#include <stddef.h>

#include "schema.h"

/* Tables by their document key ("name", or "namespace.name"), bytewise. The
 * document's tables object is written in this order. 0, or -1 when memory
 * ran out (the order is then unchanged). */
int db_order_tables(fmt_table **tables, size_t n);

/* Views before triggers; then by name; then by table (a trigger's name is
 * unique only per table in PostgreSQL). Stable. */
void db_order_objects(fmt_native_object *objects, size_t n);

/* depends(ctx, a, b) != 0 when item a must come after item b. */
typedef int (*db_depends_fn)(void *ctx, size_t a, size_t b);

/* Fills order[n] with the indexes 0..n-1 so that every item comes after
 * those it depends on, taking the lowest index that is ready at each step
 * (so items already in name order stay in it where they can). A cycle is
 * broken at its lowest index. Returns the number of cycles broken (0 for
 * a DAG), or -1 when memory ran out. */
int db_order_topological(size_t n, db_depends_fn depends, void *ctx, size_t *order);

#endif
