# tests/ansible/chroot.sh: fresh Debian 12 roots for the playbook tests
# that run site.yml for real (tests/ansible/fleet_deploy.t; deploy.t has
# the same steps inline).  Source it after tests/lib.sh, as root, inside
# a private mount namespace (unshare --mount).
#
#   chroot_roots DIR HOST...     debootstrap once, a copy DIR/HOST each,
#                                /proc mounted in each; 0 on success
#   chroot_snapshot_src DIR      the work tree as it is now, into DIR
#   chroot_stop_root ROOT        stop every process whose root is ROOT
#   chroot_recap LOG HOST        the PLAY RECAP counters of HOST
#   chroot_count KEY RECAP       one counter of them

# The mirror this machine's apt uses.
chroot_mirror() {
	local m=${TICKFEED_DEBIAN_MIRROR:-}
	[ -n "$m" ] || m=$(awk '/^URIs:/ { print $2; exit }' \
	    /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && / bookworm / { print $2; exit }' \
	    /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}

chroot_roots() {
	local d=$1 h mirror
	shift
	mirror=$(chroot_mirror)
	diag "debootstrap from $mirror"
	if ! debootstrap --variant=minbase bookworm "$d/base" "$mirror" \
	    >"$d/debootstrap.log" 2>&1; then
		tail -20 "$d/debootstrap.log" | sed 's/^/# /'
		return 1
	fi
	# As in Debian's container images: packages never start services
	# here; the playbook starts what it needs, with its own pid files.
	printf '#!/bin/sh\nexit 101\n' >"$d/base/usr/sbin/policy-rc.d"
	chmod 755 "$d/base/usr/sbin/policy-rc.d"
	for h in "$@"; do
		cp -a "$d/base" "$d/$h" && mount -t proc proc "$d/$h/proc" ||
		    return 1
	done
	rm -rf "$d/base"
}

# The source as it is now: the work tree may change while the test runs,
# and the second run must build the same thing.
chroot_snapshot_src() {
	mkdir -p "$1"
	(cd "$ROOT" && { git ls-files -co --exclude-standard; find www/vendor -type f; } |
	    sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done |
	    tar -cf - -T -) | tar -xf - -C "$1"
}

# chroot_stop_root ROOT: stop every process whose root directory is ROOT:
# first those named by pid files under ROOT/run (their children follow),
# then any left, each by its pid.
chroot_stop_root() {
	local root=$1 f pid
	while read -r f; do
		pid=$(cat "$f" 2>/dev/null)
		[[ $pid =~ ^[0-9]+$ ]] || continue
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] &&
		    stack_kill_pidfile "$f"
	done < <(find "$root/run" -name '*.pid' 2>/dev/null)
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] &&
		    kill -9 "$pid" 2>/dev/null
	done
	umount "$root/proc" 2>/dev/null || true
}

chroot_recap() {
	sed -n "s/^$2 *: \(ok=.*\)/\1/p" "$1" | tr -s ' ' | sed 's/ *$//'
}

chroot_count() {
	sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"
}
