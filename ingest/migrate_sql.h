/*
 * The migrations in sql/migrate/, compiled in by ingest/ingest.mk: a
 * script named NNN-what.sql takes a database to user_version NNN and
 * sets it.  The list ends with { 0, NULL }.
 */
#ifndef INGEST_MIGRATE_SQL_H
#define INGEST_MIGRATE_SQL_H

struct migrate_sql {
	int		 version;
	const char	*sql;
};

extern const struct migrate_sql migrate_scripts[];

#endif
