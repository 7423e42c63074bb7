#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "log.h"
#include "timeutil.h"

/* Growth, and the file renamed or removed (rotation). */
#define FOLLOW_EVENTS	(IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB)

void
follow_init(struct follow *f, int fd, const char *path)
{
	struct stat sb;

	f->fd = fd;
	f->ino = f->wd = -1;
	f->path = NULL;
	f->moved_ms = 0;
	f->regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	if (!f->regular || strcmp(path, "-") == 0)
		return;
	f->path = path;
	if ((f->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    (f->wd = inotify_add_watch(f->ino, path, FOLLOW_EVENTS)) == -1) {
		log_debug("%s: no inotify, polling every %d ms", path,
		    FOLLOW_IDLE_MS);
		if (f->ino != -1)
			close(f->ino);
		f->ino = -1;
	}
}

void
follow_free(struct follow *f)
{
	if (f->ino != -1)
		close(f->ino);
	f->ino = -1;
}

int
follow_ready(const struct follow *f, const struct lines *l)
{
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };

	if (f->regular)
		return !l->eof;
	return poll(&pfd, 1, 0) > 0;
}

int
follow_growing(const struct follow *f)
{
	return f->regular;
}

/* A file shorter than what we read was truncated: 1 after rewinding. */
static int
follow_truncated(struct follow *f)
{
	struct stat	sb;
	off_t		off;

	off = lseek(f->fd, 0, SEEK_CUR);
	if (fstat(f->fd, &sb) == -1 || off == -1 || sb.st_size >= off)
		return 0;
	log_info("input truncated, reading it again from its start");
	return lseek(f->fd, 0, SEEK_SET) == 0;
}

/*
 * Rotation: the path now names another file than the one we read.
 * Returns 1 once that file is in f->fd (from its start), -1 when the old
 * file has grown (read it first), 0 to go on waiting.
 */
static int
follow_rotated(struct follow *f)
{
	struct stat	old, cur;
	off_t		off;
	int		fd;

	if (f->path == NULL || stat(f->path, &cur) == -1 ||
	    fstat(f->fd, &old) == -1 ||
	    (cur.st_dev == old.st_dev && cur.st_ino == old.st_ino)) {
		f->moved_ms = 0;	/* not rotated, or no new file yet */
		return 0;
	}
	off = lseek(f->fd, 0, SEEK_CUR);
	if (off != -1 && old.st_size > off) {
		f->moved_ms = time_mono_ms();	/* the old file is still written */
		return -1;
	}
	if (f->moved_ms == 0)
		f->moved_ms = time_mono_ms();
	if (time_mono_ms() - f->moved_ms < FOLLOW_IDLE_MS)
		return 0;
	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", f->path);
		return 0;
	}
	/* The same descriptor number: the caller's reader stays valid. */
	if (dup3(fd, f->fd, O_CLOEXEC) == -1) {
		log_warn("%s: dup3", f->path);
		close(fd);
		return 0;
	}
	close(fd);
	f->moved_ms = 0;
	if (f->ino != -1) {
		(void)inotify_rm_watch(f->ino, f->wd);	/* gone with the file */
		f->wd = inotify_add_watch(f->ino, f->path, FOLLOW_EVENTS);
	}
	log_info("%s: rotated; the old file was read to its end, reading the "
	    "new one from its start", f->path);
	return 1;
}

/* Empties the inotify queue: the events only said "look again". */
static void
follow_drain(struct follow *f)
{
	char buf[4096];

	while (read(f->ino, buf, sizeof(buf)) > 0)
		;
}

int
follow_wait(struct follow *f, const struct lines *l, int ms)
{
	struct pollfd	pfd;
	int		n;

	if (f->regular && !l->eof)
		return 1;
	if (f->regular) {
		if (follow_truncated(f))
			return FOLLOW_RESTART;
		switch (follow_rotated(f)) {
		case 1:
			return FOLLOW_ROTATED;
		case -1:
			return 1;
		}
		if (f->ino == -1) {
			(void)poll(NULL, 0, ms);
			return 1;
		}
		pfd.fd = f->ino;
	} else
		pfd.fd = f->fd;
	pfd.events = POLLIN;
	n = poll(&pfd, 1, ms);
	if (n <= 0)
		return f->regular && n == 0 && ms >= FOLLOW_IDLE_MS;
	if (f->regular)
		follow_drain(f);
	return 1;
}
