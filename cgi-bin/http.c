#include "http.h"

static const struct {
	int		 code;
	const char	*reason;
} http_statuses[HTTP_STATUS__MAX] = {
	[HTTP_OK] = { 200, "OK" },
	[HTTP_NO_CONTENT] = { 204, "No Content" },
	[HTTP_NOT_MODIFIED] = { 304, "Not Modified" },
	[HTTP_BAD_REQUEST] = { 400, "Bad Request" },
	[HTTP_UNAUTHORIZED] = { 401, "Unauthorized" },
	[HTTP_FORBIDDEN] = { 403, "Forbidden" },
	[HTTP_NOT_FOUND] = { 404, "Not Found" },
	[HTTP_METHOD_NOT_ALLOWED] = { 405, "Method Not Allowed" },
	[HTTP_GONE] = { 410, "Gone" },
	[HTTP_PAYLOAD_TOO_LARGE] = { 413, "Content Too Large" },
	[HTTP_URI_TOO_LONG] = { 414, "URI Too Long" },
	[HTTP_INTERNAL_ERROR] = { 500, "Internal Server Error" },
	[HTTP_UNAVAILABLE] = { 503, "Service Unavailable" },
	[HTTP_CLIENT_CLOSED] = { 499, "Client Closed Request" },
};

int
http_status_code(enum http_status s)
{
	return (unsigned)s < HTTP_STATUS__MAX ? http_statuses[s].code : 500;
}

const char *
http_status_reason(enum http_status s)
{
	return (unsigned)s < HTTP_STATUS__MAX ? http_statuses[s].reason :
	    "Internal Server Error";
}
