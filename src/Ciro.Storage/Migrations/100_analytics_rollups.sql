-- Analytics rollups (owned by Ciro.Analytics). One row per (bucket size, bucket start, key). Every hour row is
-- recomputed from raw rows as a whole (delete + insert in one transaction), so recomputing gives the same row:
-- idempotent by construction. Day rows merge hour rows; week rows merge day rows (UTC; weeks start Monday,
-- as date_trunc('week') does). Percentiles come from serialized DDSketches (mergeable), never from averages.
create schema if not exists ciro;

-- Gas per (contract, selector, call shape). A transaction's gas is attributed whole to every distinct
-- (contract, selector) it calls; multicall = the transaction had more than one call, so only rows with
-- multicall = false are exact per-function figures.
create table if not exists ciro.rollup_gas (
  bucket text not null check (bucket in ('hour', 'day', 'week')),
  bucket_start timestamptz not null,
  contract bytea not null,
  selector bytea not null,
  multicall boolean not null,
  function_name text,
  tx_count bigint not null,
  reverted bigint not null,
  l1_gas numeric not null, l1_data_gas numeric not null, l2_gas numeric not null,
  fee_wei numeric not null, fee_fri numeric not null,
  l1_gas_sketch bytea not null, l1_data_gas_sketch bytea not null, l2_gas_sketch bytea not null,
  fee_wei_sketch bytea not null, fee_fri_sketch bytea not null,
  primary key (bucket, bucket_start, contract, selector, multicall));

-- Chain-wide figures per bucket. Block intervals: block_time(n) - block_time(n-1), attributed to block n.
create table if not exists ciro.rollup_network (
  bucket text not null check (bucket in ('hour', 'day', 'week')),
  bucket_start timestamptz not null,
  blocks bigint not null,
  tx_count bigint not null,
  reverted bigint not null,
  events bigint not null,
  l1_gas numeric not null, l1_data_gas numeric not null, l2_gas numeric not null,
  fee_wei numeric not null, fee_fri numeric not null,
  max_block_l2_gas bigint not null,
  intervals bigint not null,
  interval_ms_sum numeric not null,
  interval_sketch bytea not null,
  block_l2_gas_sketch bytea not null,
  l1_gas_price_fri_sum numeric not null, l1_data_gas_price_fri_sum numeric not null, l2_gas_price_fri_sum numeric not null,
  l1_gas_price_wei_sum numeric not null, l1_data_gas_price_wei_sum numeric not null, l2_gas_price_wei_sum numeric not null,
  primary key (bucket, bucket_start));

-- Job lifecycle stage durations (ms), attributed to the bucket of the stage's end event, joined on job_id
-- with the most recent start event of the same job at or before the end.
create table if not exists ciro.rollup_jobs (
  bucket text not null check (bucket in ('hour', 'day', 'week')),
  bucket_start timestamptz not null,
  stage text not null,
  count bigint not null,
  ms_sum numeric not null,
  sketch bytea not null,
  primary key (bucket, bucket_start, stage));

-- Per worker (account address): assigned/completed from JobAssigned/JobCompleted, failed = reverted
-- submit_job_result transactions sent by the worker (JobManager emits no failure event), paid = PaymentReleased.
create table if not exists ciro.rollup_workers (
  bucket text not null check (bucket in ('hour', 'day', 'week')),
  bucket_start timestamptz not null,
  worker bytea not null,
  assigned bigint not null,
  completed bigint not null,
  failed bigint not null,
  paid numeric not null,
  completion_sketch bytea not null,
  primary key (bucket, bucket_start, worker));

-- Which blocks (by number and hash) the hour rows were computed from: the diff against ciro.blocks finds the
-- hours a new block, a reorg, or a restart after missed notifications made stale.
create table if not exists ciro.rollup_blocks (
  block_number bigint primary key,
  block_hash bytea not null,
  hour timestamptz not null);
create index if not exists rollup_blocks_hour on ciro.rollup_blocks (hour);

-- Job lifecycle joins look a job's events up by id.
create index if not exists events_job_id on ciro.events (name, (decoded->>'job_id'), block_time)
  where decoded ? 'job_id';
-- Failed results and contract usage join calls to their transaction.
create index if not exists tx_calls_function_time on ciro.tx_calls (function_name, block_time);
