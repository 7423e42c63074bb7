/*
 * The store, as the commands open it (ingest_db_open), init and
 * migrate.  init creates the database from the compiled-in
 * sql/schema.sql (db_open does it for a new file).  migrate applies the
 * compiled-in sql/migrate/NNN-*.sql scripts (NNN = the user_version each
 * leads to) above the database's version, each in its own transaction
 * (BEGIN IMMEDIATE: it waits for a running writer's batch, and readers
 * see the old version or the new, never a half).  002 takes a version 1
 * store to 2: the candles of every interval; 003 to 3: the candles'
 * notional and the store's trading zone (docs/store.md).  The scripts
 * may call the SQL functions of sqlfn.h.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "ingest.h"
#include "log.h"
#include "migrate_sql.h"
#include "replica.h"
#include "sqlfn.h"

/*
 * A new store (no candle yet) takes TICKFEED_TZ as its zone; an existing
 * one must have it (db_zone_check), and its zone must be known here.  An
 * edge's zone is the origin's (replicate): TICKFEED_TZ is not asked.
 */
static int
ingest_db_zone(sqlite3 *db, const struct ingest_config *cfg)
{
	sqlite3_stmt	*st = NULL;
	const char	*want = cfg->cmd == CMD_REPLICATE ? NULL : cfg->tz;
	char		 zone[TZ_NAME_MAX + 1], err[DB_ERRSZ];
	int		 rc = -1;

	if (db_zone(db, zone) == -1) {
		log_warnx("%s: cannot read its zone: %s", cfg->db_path,
		    sqlite3_errmsg(db));
		return -1;
	}
	if (want == NULL || strcmp(want, zone) == 0 || !tzcal_known(want))
		goto check;
	if (sqlite3_prepare_v2(db, "UPDATE settings SET value = ?1 WHERE "
	    "key = 'tz' AND NOT EXISTS (SELECT 1 FROM candles)", -1, &st,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		log_warnx("%s: %s", cfg->db_path, sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_changes(db) == 1)
		strcpy(zone, want);
check:
	if (db_zone_check(zone, want, err) != 0)
		log_warnx("%s: %s", cfg->db_path, err);
	else
		rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * An edge (a store with meta replica_state) is written by replicate
 * alone: ticks imported there would take ids the origin gives to others,
 * and a prune or a zone of its own would make it differ from the origin.
 */
static int
refuse_edge(const struct ingest_config *cfg, sqlite3 *db)
{
	long long v;

	if (cfg->cmd != CMD_IMPORT && cfg->cmd != CMD_SIMULATE &&
	    cfg->cmd != CMD_PRUNE && cfg->cmd != CMD_SET_TZ)
		return 0;
	if (db_meta_get(db, REPLICA_KEY_STATE, -1, &v) == 0 && v < 0)
		return 0;
	log_warnx("%s is an edge (a replica of an origin's stream): only "
	    "tickfeed-ingest replicate writes it", cfg->db_path);
	return -1;
}

sqlite3 *
ingest_db_open(const struct ingest_config *cfg)
{
	sqlite3	*db;
	char	 err[DB_ERRSZ];

	if (db_open(cfg->db_path, DB_READWRITE, &db, err) != DB_OK) {
		log_warnx("%s", err);
		return NULL;
	}
	/* set-tz sets the zone: it needs none known, nor TICKFEED_TZ's. */
	if (refuse_edge(cfg, db) == -1 || (cfg->cmd != CMD_SET_TZ &&
	    ingest_db_zone(db, cfg) == -1)) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int
cmd_init(const struct ingest_config *cfg)
{
	struct stat	 sb;
	sqlite3		*db;
	int		 existed;

	existed = stat(cfg->db_path, &sb) == 0 && sb.st_size > 0;
	if ((db = ingest_db_open(cfg)) == NULL)
		return INGEST_EXIT_DB;
	sqlite3_close(db);
	if (!cfg->quiet)
		printf("%s: %s (schema version %d)\n", cfg->db_path,
		    existed ? "already initialised" : "created",
		    DB_SCHEMA_VERSION);
	return INGEST_EXIT_OK;
}

static int
migrate_version(sqlite3 *db, long long *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Applies every migration above *v; 0 or -1 (logged). */
static int
migrate_apply(sqlite3 *db, long long *v)
{
	const struct migrate_sql	*m;
	char				*msg = NULL;

	for (m = migrate_scripts; m->sql != NULL; m++) {
		if (m->version <= *v)
			continue;
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK || sqlite3_exec(db, m->sql, NULL, NULL, &msg) !=
		    SQLITE_OK) {
			log_warnx("migrate to %d: %s", m->version,
			    msg != NULL ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			return -1;
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return -1;
		*v = m->version;
		log_info("migrated to schema version %d", m->version);
	}
	return 0;
}

int
cmd_migrate(const struct ingest_config *cfg)
{
	struct tzcal	 cal;
	sqlite3		*db = NULL;
	long long	 v = 0;
	int		 ex = INGEST_EXIT_DB;

	(void)tzcal_init(&cal, TZ_DEFAULT);	/* a store before 3 is UTC */
	if (sqlite3_open_v2(cfg->db_path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || migrate_version(db, &v) == -1) {
		log_warnx("%s: %s", cfg->db_path, db != NULL ?
		    sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (sqlfn_register(db, &cal) == -1) {
		log_warnx("%s: %s", cfg->db_path, sqlite3_errmsg(db));
		goto out;
	}
	if (v == 0) {
		log_warnx("%s: not a tickfeed database (create one with "
		    "tickfeed-ingest --db PATH init)", cfg->db_path);
		goto out;
	}
	if (v > DB_SCHEMA_VERSION) {
		log_warnx("%s: schema version %lld is newer than this "
		    "tickfeed (%d): upgrade tickfeed", cfg->db_path, v,
		    DB_SCHEMA_VERSION);
		goto out;
	}
	if (migrate_apply(db, &v) == -1)
		goto out;
	if (!cfg->quiet)
		printf("%s: schema version %lld is current\n", cfg->db_path, v);
	ex = v == DB_SCHEMA_VERSION ? INGEST_EXIT_OK : INGEST_EXIT_DB;
out:
	sqlite3_close(db);
	return ex;
}
