-- Which chain this database holds: the node's starknet_chainId and one block's hash (the first block indexed).
-- At start the indexer compares both with the node and refuses another chain instead of mixing two chains'
-- blocks (a reset devnet, a new simulator chain, a mainnet node behind Sepolia data). One row per database.
create table if not exists ciro.chain_identity (
  singleton boolean primary key default true check (singleton),
  chain_id text not null,         -- the felt, 0x-hex
  anchor_block bigint not null,
  anchor_hash bytea not null,
  recorded_at timestamptz not null default now()
);

-- What the indexer is doing, for readers that cannot ask its health endpoint (analytics' pipeline status, and
-- through it the alerts service and the dashboard). "halted" carries the reason an operator must act on: another
-- chain in the database, or a reorg deeper than Indexer:MaxReorgDepth.
create table if not exists ciro.indexer_status (
  cursor_name text primary key,
  state text not null check (state in ('indexing', 'halted')),
  reason text,
  since timestamptz not null default now()
);
