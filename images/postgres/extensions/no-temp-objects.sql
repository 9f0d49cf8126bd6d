-- pgsbx: prepended at image build to every script of an allowlisted extension (harden.sh).
-- PostgreSQL runs this script as superuser with search_path = its schema, required schemas,
-- pg_temp: a name the script uses before creating it (a shell type, say) falls through to the
-- caller's temporary tables and types. So the script does not run while the session has any.
DO $pgsbx$
DECLARE
  tmp oid := pg_catalog.pg_my_temp_schema();
BEGIN
  IF tmp OPERATOR(pg_catalog.<>) 0 AND (
       EXISTS (SELECT FROM pg_catalog.pg_class WHERE relnamespace OPERATOR(pg_catalog.=) tmp)
    OR EXISTS (SELECT FROM pg_catalog.pg_type WHERE typnamespace OPERATOR(pg_catalog.=) tmp)
    OR EXISTS (SELECT FROM pg_catalog.pg_collation WHERE collnamespace OPERATOR(pg_catalog.=) tmp)
    OR EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgnamespace OPERATOR(pg_catalog.=) tmp)
    OR EXISTS (SELECT FROM pg_catalog.pg_ts_dict WHERE dictnamespace OPERATOR(pg_catalog.=) tmp)
    OR EXISTS (SELECT FROM pg_catalog.pg_statistic_ext WHERE stxnamespace OPERATOR(pg_catalog.=) tmp)
  ) THEN
    RAISE EXCEPTION 'CREATE/ALTER EXTENSION does not run in a session that has temporary tables or types'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Run it in another session, or after DISCARD TEMP.';
  END IF;
END
$pgsbx$;

