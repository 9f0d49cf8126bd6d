-- CreateTopology, AddTopoGeometryColumn and DropTopology write these catalogs as the caller.
GRANT INSERT, UPDATE, DELETE ON topology.topology, topology.layer TO sandbox;
GRANT USAGE, UPDATE ON SEQUENCE topology.topology_id_seq TO sandbox;
