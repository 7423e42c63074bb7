#include "frame.h"

#define FRAME_VERSION_1	1
#define FRAME_CHUNK	65528	/* content bytes per record, 8-aligned */

void
frame_record(struct buf *b, int type, unsigned rid, size_t len)
{
	unsigned char h[FRAME_HEADER_LEN] = { FRAME_VERSION_1,
	    (unsigned char)type, (unsigned char)(rid >> 8),
	    (unsigned char)rid, (unsigned char)(len >> 8),
	    (unsigned char)len, 0, 0 };

	buf_add(b, h, sizeof(h));
}

void
frame_stdout(struct buf *b, unsigned rid, const char *p, size_t len,
    int final)
{
	static const unsigned char end_body[8];
	size_t n;

	while (len > 0) {
		n = len < FRAME_CHUNK ? len : FRAME_CHUNK;
		frame_record(b, FRAME_STDOUT, rid, n);
		buf_add(b, p, n);
		p += n;
		len -= n;
	}
	if (final) {
		frame_record(b, FRAME_STDOUT, rid, 0);
		frame_record(b, FRAME_END_REQUEST, rid, sizeof(end_body));
		buf_add(b, end_body, sizeof(end_body));
	}
}
