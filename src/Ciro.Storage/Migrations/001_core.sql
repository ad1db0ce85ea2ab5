-- Core chain tables. Felts are stored as 32-byte big-endian bytea (the Felt type's canonical form), token
-- amounts as numeric (they exceed bigint), time as timestamptz of the block.
-- With TimescaleDB the three time-series tables become hypertables; without it they are natively
-- range-partitioned by month (ciro.ensure_partitions creates partitions ahead). Queries are the same.
create schema if not exists ciro;

create or replace function ciro.felt_hex(f bytea) returns text
language sql immutable parallel safe as $$
  select '0x' || coalesce(nullif(ltrim(encode(f, 'hex'), '0'), ''), '0')
$$;

create or replace function ciro.felt_bytes(hex text) returns bytea
language sql immutable parallel safe as $$
  select decode(lpad(substr(lower(hex), 3), 64, '0'), 'hex')
$$;

do $$
declare
  ts boolean := exists (select 1 from pg_extension where extname = 'timescaledb');
  part text := case when ts then '' else ' partition by range (block_time)' end;
begin
  execute 'create table if not exists ciro.blocks (
      block_number bigint not null,
      block_hash bytea not null,
      parent_hash bytea not null,
      block_time timestamptz not null,
      sequencer bytea not null,
      l1_gas_price_fri numeric not null, l1_gas_price_wei numeric not null,
      l1_data_gas_price_fri numeric not null, l1_data_gas_price_wei numeric not null,
      l2_gas_price_fri numeric not null, l2_gas_price_wei numeric not null,
      tx_count integer not null,
      event_count integer not null,
      l1_gas bigint not null, l1_data_gas bigint not null, l2_gas bigint not null,
      status text not null,
      starknet_version text,
      primary key (block_number, block_time))' || part;

  execute 'create table if not exists ciro.transactions (
      block_number bigint not null,
      block_time timestamptz not null,
      tx_index integer not null,
      tx_hash bytea not null,
      tx_type text not null,
      version text not null,
      sender bytea,
      fee_amount numeric not null,
      fee_unit text not null,
      l1_gas bigint not null, l1_data_gas bigint not null, l2_gas bigint not null,
      execution_status text not null,
      revert_reason text,
      event_count integer not null,
      primary key (block_number, tx_index, block_time))' || part;

  -- One row per (contract, function) called by a transaction''s multicall: gas is attributed per call.
  execute 'create table if not exists ciro.tx_calls (
      block_number bigint not null,
      block_time timestamptz not null,
      tx_index integer not null,
      call_index integer not null,
      call_count integer not null,
      contract bytea not null,
      selector bytea not null,
      function_name text,
      primary key (block_number, tx_index, call_index, block_time))' || part;

  execute 'create table if not exists ciro.events (
      block_number bigint not null,
      block_time timestamptz not null,
      tx_index integer not null,
      event_index integer not null,
      tx_hash bytea not null,
      contract bytea not null,
      selector bytea not null,
      name text,
      keys bytea[] not null,
      data bytea[] not null,
      decoded jsonb,
      primary key (block_number, tx_index, event_index, block_time))' || part;

  if ts then
    perform create_hypertable('ciro.blocks', 'block_time', chunk_time_interval => interval '7 days', if_not_exists => true);
    perform create_hypertable('ciro.transactions', 'block_time', chunk_time_interval => interval '1 day', if_not_exists => true);
    perform create_hypertable('ciro.tx_calls', 'block_time', chunk_time_interval => interval '1 day', if_not_exists => true);
    perform create_hypertable('ciro.events', 'block_time', chunk_time_interval => interval '1 day', if_not_exists => true);
  end if;
end $$;

create index if not exists blocks_time on ciro.blocks (block_time);
create index if not exists transactions_time on ciro.transactions (block_time);
create index if not exists tx_calls_contract_time on ciro.tx_calls (contract, selector, block_time);
create index if not exists events_name_time on ciro.events (name, block_time);
create index if not exists events_contract_time on ciro.events (contract, selector, block_time);
create index if not exists events_block on ciro.events (block_number);

-- The indexer's position: moves in the same transaction as the rows it covers.
create table if not exists ciro.block_cursor (
  name text primary key,
  block_number bigint not null,
  block_hash bytea not null,
  updated_at timestamptz not null default now()
);

create table if not exists ciro.reorgs (
  id bigint generated always as identity primary key,
  detected_at timestamptz not null default now(),
  common_ancestor bigint not null,
  depth integer not null,
  old_head_hash bytea not null,
  new_head_hash bytea
);

-- Creates monthly partitions covering [from_time, to_time] for every partitioned ciro table (no-op under
-- TimescaleDB, whose chunks are created on insert). Idempotent; safe to call concurrently.
create or replace function ciro.ensure_partitions(from_time timestamptz, to_time timestamptz)
returns void language plpgsql as $$
declare
  t text;
  m timestamptz;
  pname text;
begin
  if exists (select 1 from pg_extension where extname = 'timescaledb') then
    return;
  end if;
  foreach t in array array['blocks', 'transactions', 'tx_calls', 'events'] loop
    m := date_trunc('month', from_time);
    while m <= to_time loop
      pname := format('%s_%s', t, to_char(m, 'YYYYMM'));
      if not exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = 'ciro' and c.relname = pname) then
        begin
          execute format('create table ciro.%I partition of ciro.%I for values from (%L) to (%L)',
                         pname, t, m, m + interval '1 month');
        exception when duplicate_table then null;
        end;
      end if;
      m := m + interval '1 month';
    end loop;
  end loop;
end $$;
