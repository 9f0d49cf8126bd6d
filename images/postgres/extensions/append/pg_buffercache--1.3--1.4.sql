GRANT EXECUTE ON FUNCTION pg_buffercache_summary(), pg_buffercache_usage_counts() TO sandbox;
