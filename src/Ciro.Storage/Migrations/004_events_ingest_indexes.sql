-- Two indexes on ciro.events that no query reads, each paid for on every COPY of a backfill:
--   events_block (block_number): the primary key (block_number, tx_index, event_index, block_time) starts with
--     block_number, so every "where block_number ..." (reorg and reindex deletes, per-block checks) already uses it.
--   events_contract_time (contract, selector, block_time): analytics reads events by name (events_name_time,
--     events_job_id), never by emitting contract; calls by contract are on ciro.tx_calls (tx_calls_contract_time,
--     kept). A future query by contract adds the index it needs in its own migration.
-- Measured on the 2-core machine: COPY of 318,593 events took 3.1 s of PostgreSQL CPU with both, 2.4 s without
-- events_block, 1.85 s without either (bench/run indexer, src/Ciro.Indexer/README.md).
drop index if exists ciro.events_block;
drop index if exists ciro.events_contract_time;
