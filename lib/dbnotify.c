/* Inotify on a store's directory: see dbnotify.h. */
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "dbnotify.h"

int
dbnotify_open(struct dbnotify *n, const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');

	n->fd = -1;
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	snprintf(n->base, sizeof(n->base), "%s", slash ? slash + 1 : path);
	if ((n->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	if (inotify_add_watch(n->fd, dir, IN_MODIFY | IN_CLOSE_WRITE |
	    IN_CREATE | IN_MOVED_TO) == -1) {
		close(n->fd);
		n->fd = -1;
	}
	return n->fd;
}

void
dbnotify_close(struct dbnotify *n)
{
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
}

int
dbnotify_drain(struct dbnotify *n)
{
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 r;
	size_t				 blen = strlen(n->base);
	char				*p;
	int				 hit = 0;

	if (n->fd == -1)
		return 0;
	while ((r = read(n->fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + r; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->len == 0 || strncmp(ev->name, n->base, blen))
				continue;
			if (ev->name[blen] == '\0' ||
			    strcmp(ev->name + blen, "-wal") == 0)
				hit = 1;
		}
	}
	return hit;
}
