/*
 * The one hash: FNV-1a (Fowler/Noll/Vo, draft-eastlake-fnv), 32 and 64
 * bits.  Not for anything an attacker may aim collisions at beyond
 * slowing a lookup: ETags, cache keys, the waiting machinery's groups,
 * the ingest tool's symbol table.  Chain calls to hash several pieces:
 * h = hash64(hash64(HASH64_INIT, a, na), b, nb).
 */
#ifndef TICKFEED_HASH_H
#define TICKFEED_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH32_INIT	2166136261u
#define HASH64_INIT	0xcbf29ce484222325ULL

uint32_t	hash32(uint32_t h, const void *p, size_t n);
uint64_t	hash64(uint64_t h, const void *p, size_t n);

#endif
