# bench/soak.mk: `make soak` runs bench/soak.sh, the whole stack under
# mixed load for SOAK_SECONDS (default 300), and prints its figures.  Not
# part of `make test` or `make bench`.  Included from the Makefile.
SOAK_SECONDS ?= 300
.PHONY: soak
soak: all
	BUILD=$(BUILD) SOAK_SECONDS=$(SOAK_SECONDS) bench/soak.sh
