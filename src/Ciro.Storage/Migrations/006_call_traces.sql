-- Per-call cost from the trace API (starknet_traceBlockTransactions), written by the indexer when the node serves
-- it, in the same transaction as the block's other rows (and deleted with them on a reorg). Without the trace API
-- these tables stay empty and per-call cost is what ciro.tx_calls attributes per transaction.
do $$
declare
  ts boolean := exists (select 1 from pg_extension where extname = 'timescaledb');
  part text := case when ts then '' else ' partition by range (block_time)' end;
begin
  -- One row per invocation of a transaction's trace, every phase (validate, execute, fee_transfer, constructor,
  -- l1_handler), depth first with parents before children: call_id is that order, parent_id the caller's row.
  -- A reverted execute phase is one row (the account's __execute__) with reverted and its revert reason only:
  -- the trace carries nothing else. L2 gas is that of the call tree rooted at the call (the spec's inner
  -- execution resources); NULL on nodes that answer in the v0.7 shape, which report Cairo steps instead.
  execute 'create table if not exists ciro.call_traces (
      block_number bigint not null,
      block_time timestamptz not null,
      tx_index integer not null,
      call_id integer not null,
      parent_id integer,
      depth integer not null,
      phase text not null,
      contract bytea not null,
      caller bytea not null,
      class_hash bytea,
      selector bytea not null,
      function_name text,
      entry_point_type text,
      call_type text,
      calldata_len integer not null,
      calldata_small_felts integer not null,
      l1_gas bigint,
      l2_gas bigint,
      steps bigint,
      event_count integer not null,
      event_key_felts integer not null,
      event_data_felts integer not null,
      message_count integer not null,
      reverted boolean not null,
      revert_reason text,
      primary key (block_number, tx_index, call_id, block_time))' || part;

  -- The state diff of one transaction, counted as the L1 data gas formula counts it (../notes/starknet-gas.md):
  -- m unique storage keys written, n contracts touched, l class changes.
  execute 'create table if not exists ciro.tx_state_diffs (
      block_number bigint not null,
      block_time timestamptz not null,
      tx_index integer not null,
      tx_hash bytea not null,
      storage_keys integer not null,
      storage_contracts integer not null,
      nonce_updates integer not null,
      contracts_touched integer not null,
      class_changes integer not null,
      declared_classes integer not null,
      l1_data_gas bigint not null,
      l2_gas bigint not null,
      primary key (block_number, tx_index, block_time))' || part;

  -- The storage slots a transaction wrote, per contract, with the summed bit length of the values written (each
  -- at most 251): slots holding small values that one felt could hold together show as keys > ceil(value_bits / 251).
  execute 'create table if not exists ciro.tx_storage_writes (
      block_number bigint not null,
      block_time timestamptz not null,
      tx_index integer not null,
      contract bytea not null,
      storage_keys integer not null,
      value_bits integer not null,
      primary key (block_number, tx_index, contract, block_time))' || part;

  if ts then
    perform create_hypertable('ciro.tx_storage_writes', 'block_time', chunk_time_interval => interval '1 day', if_not_exists => true);
    perform create_hypertable('ciro.call_traces', 'block_time', chunk_time_interval => interval '1 day', if_not_exists => true);
    perform create_hypertable('ciro.tx_state_diffs', 'block_time', chunk_time_interval => interval '1 day', if_not_exists => true);
  end if;
end $$;

-- A v3 transaction's resource bounds (max amounts; NULL for older transactions, and L1 data gas before v0.8):
-- how much headroom senders leave over what their transactions use.
alter table ciro.transactions add column if not exists l2_gas_max_amount bigint;
alter table ciro.transactions add column if not exists l1_data_gas_max_amount bigint;

create index if not exists call_traces_contract_time on ciro.call_traces (contract, selector, block_time);
create index if not exists tx_state_diffs_time on ciro.tx_state_diffs (block_time);

-- ensure_partitions covers the two new tables too (same body as 001 with the longer list).
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
  foreach t in array array['blocks', 'transactions', 'tx_calls', 'events', 'call_traces', 'tx_state_diffs', 'tx_storage_writes'] loop
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
