/*
 * The HTTP statuses the app answers (RFC 9110 section 15), as a closed
 * set with their codes and reason phrases.  Everything that names a
 * status (replies, validators, metrics) uses this enum.
 */
#ifndef TICKFEED_HTTP_H
#define TICKFEED_HTTP_H

enum http_status {
	HTTP_OK,
	HTTP_NO_CONTENT,
	HTTP_NOT_MODIFIED,
	HTTP_BAD_REQUEST,
	HTTP_UNAUTHORIZED,
	HTTP_FORBIDDEN,
	HTTP_NOT_FOUND,
	HTTP_METHOD_NOT_ALLOWED,
	HTTP_GONE,
	HTTP_PAYLOAD_TOO_LARGE,
	HTTP_URI_TOO_LONG,
	HTTP_INTERNAL_ERROR,
	HTTP_UNAVAILABLE,
	HTTP_CLIENT_CLOSED,	/* 499: left before a parked answer */
	HTTP_STATUS__MAX
};

/* The numeric code and reason phrase; 500 for anything out of range. */
int		 http_status_code(enum http_status);
const char	*http_status_reason(enum http_status);

#endif
