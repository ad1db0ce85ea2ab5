-- Blocks the indexer could not decode (an event whose data is not felts, a receipt of an unknown shape): the node's
-- answer is kept byte for byte with the reason, and the cursor moves past the block instead of retrying it for
-- ever. No row of such a block is in ciro.blocks/transactions/events; a reindex from it tries again (and deletes
-- this row first). bytea, not jsonb: a hostile answer may hold what jsonb rejects (\u0000).
create table if not exists ciro.undecodable_blocks (
  block_number bigint primary key,
  block_hash bytea not null,
  parent_hash bytea not null,
  reason text not null,
  raw bytea not null,
  skipped_at timestamptz not null default now()
);
