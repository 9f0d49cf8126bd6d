-- What pg_monitor gets, without the rest of pg_monitor (other sessions' queries and settings).
GRANT EXECUTE ON FUNCTION pg_buffercache_pages() TO sandbox;
GRANT SELECT ON pg_buffercache TO sandbox;
