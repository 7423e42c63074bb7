#include "ingest.h"

int
cmd_spool(const struct ingest_config *cfg)
{
	(void)cfg;
	return INGEST_EXIT_USAGE;
}
