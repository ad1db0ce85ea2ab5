-- Which indexer process committed the cursor last ("host/pid"): operators see who writes, and the replica
-- tests check that exactly one replica does.
alter table ciro.block_cursor add column if not exists writer text;
