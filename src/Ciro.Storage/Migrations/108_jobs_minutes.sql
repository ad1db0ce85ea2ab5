-- CIRO job lifecycle counts per minute (UTC), for the live jobs chart (GET /api/activity/jobs): the chart counted
-- them from raw events and transactions on every request, 6-30 s for 30 minutes at Starknet's peak rate (60-minute
-- soak). Analytics keeps this table with the rollups (src/Ciro.Analytics/Rollups/JobsMinutes.cs): every hour it
-- recomputes is rewritten and every block it folds is added, in the same transaction as the rollup ledger, so the
-- table holds exactly the counts of the ledger's blocks; the chart reads blocks newer than the ledger raw.
-- A minute with no lifecycle row has no row here.
create table if not exists ciro.rollup_jobs_minute (
  minute timestamptz primary key,
  submitted bigint not null,
  allocated bigint not null,
  assigned bigint not null,
  completed bigint not null,
  failed bigint not null);

-- A database rolled up before this table existed: the counts of its ledger's blocks, once (the definition of
-- JobsMinutes.PerMinute written out: JobSubmitted and JobAllocated events; JobAssigned and JobCompleted naming a
-- worker felt; failed = a reverted transaction, sent by an account, calling submit_job_result). Later blocks are
-- folded as they are rolled up.
insert into ciro.rollup_jobs_minute (minute, submitted, allocated, assigned, completed, failed)
select minute,
       count(*) filter (where kind = 'JobSubmitted'),
       count(*) filter (where kind = 'JobAllocated'),
       count(*) filter (where kind = 'JobAssigned'),
       count(*) filter (where kind = 'JobCompleted'),
       count(*) filter (where kind = 'failed')
from (
  select date_trunc('minute', e.block_time, 'UTC') as minute, e.name as kind
  from ciro.events e
  where e.name in ('JobSubmitted', 'JobAllocated')
    and exists (select 1 from ciro.rollup_blocks r where r.block_number = e.block_number)
  union all
  select date_trunc('minute', e.block_time, 'UTC'), e.name
  from ciro.events e
  where e.name in ('JobAssigned', 'JobCompleted')
    and e.decoded->>'worker' ~ '^0x[0-9a-fA-F]{1,64}$'
    and ciro.felt_bytes(e.decoded->>'worker') < '\x0800000000000011000000000000000000000000000000000000000000000001'::bytea
    and exists (select 1 from ciro.rollup_blocks r where r.block_number = e.block_number)
  union all
  select date_trunc('minute', t.block_time, 'UTC'), 'failed'
  from ciro.transactions t
  where t.execution_status = 'REVERTED' and t.sender is not null
    and exists (select 1 from ciro.tx_calls fc where fc.block_number = t.block_number and fc.tx_index = t.tx_index
                and fc.block_time = t.block_time and fc.function_name = 'submit_job_result')
    and exists (select 1 from ciro.rollup_blocks r where r.block_number = t.block_number)
) lifecycle
group by minute
on conflict (minute) do nothing;
