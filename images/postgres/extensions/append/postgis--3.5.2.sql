-- Custom SRIDs, as tutorials add them. The table stays owned by the bootstrap superuser: the
-- sandbox role gets rows, never TRIGGER/REFERENCES/ownership (so no trigger, rule or default).
GRANT INSERT, UPDATE, DELETE ON spatial_ref_sys TO sandbox;
