-- Use of each contract function per (hour or day, sender): the usage KPI reads this instead of joining raw
-- ciro.tx_calls and ciro.transactions over the whole range (in the 60-minute soak at 312 tx/s that join made
-- `bucket=hour` over 24 h take more than 30 s). Its cost grows with hours x functions x distinct callers.
-- calls = every call (a multicall calling the function twice counts 2); txs = distinct transactions calling it
-- (a transaction lives in one block, so both add over blocks). A transaction without a sender (an L1 handler)
-- is stored under sender = '\x' (empty): counted in calls and txs, never as a caller.
-- Analytics keeps it with the rollups (Rollups/UsageCallers.cs): an hour's rows are recomputed with the hour or
-- the new blocks' rows added, a day's rows are its hours' rows summed, all in the rollup ledger's transaction.
create table if not exists ciro.usage_callers (
  bucket text not null check (bucket in ('hour', 'day')),
  bucket_start timestamptz not null,
  contract bytea not null,
  selector bytea not null,
  sender bytea not null,
  function_name text,
  calls bigint not null,
  txs bigint not null,
  primary key (bucket, bucket_start, contract, selector, sender));

-- A database rolled up before this table existed: the rows of the blocks in the rollup ledger, once (the rows of
-- an hour must equal its ledger blocks'; later blocks are added as they are rolled up).
insert into ciro.usage_callers (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
select 'hour', date_trunc('hour', c.block_time, 'UTC'), c.contract, c.selector, coalesce(t.sender, '\x'::bytea),
       max(c.function_name), count(*), count(distinct (c.block_number, c.tx_index))
from ciro.tx_calls c
join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
where c.block_number in (select block_number from ciro.rollup_blocks)
group by 2, c.contract, c.selector, coalesce(t.sender, '\x'::bytea)
on conflict do nothing;
insert into ciro.usage_callers (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
select 'day', date_trunc('day', bucket_start, 'UTC'), contract, selector, sender, max(function_name), sum(calls), sum(txs)
from ciro.usage_callers where bucket = 'hour'
group by 2, contract, selector, sender
on conflict do nothing;
