/*
 * Waiting under plain CGI (mod_cgi, shared hosting): there is no
 * dispatcher and nothing to park, so the one request of the process
 * blocks until a tick for it is committed or its deadline passes.
 */
#ifndef TICKFEED_WAIT_CGI_H
#define TICKFEED_WAIT_CGI_H

#include <stdint.h>
#include <sqlite3.h>

#include "symset.h"

/*
 * Blocks until a tick of syms (sorted) newer than cursor exists or the
 * deadline (monotonic ms) passes, watching dbpath with its own watcher.
 * Returns 1 (ticks exist), 0 (deadline), -1 (error).
 */
int	wait_cgi_block(sqlite3 *db, const char *dbpath,
	    const struct symset *syms, long long cursor, int64_t deadline);

#endif
