#include "hash.h"

uint32_t
hash32(uint32_t h, const void *p, size_t n)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		h = (h ^ c[i]) * 16777619u;
	return h;
}

uint64_t
hash64(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}
