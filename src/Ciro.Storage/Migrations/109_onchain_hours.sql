-- The on-chain KPIs' statistics per hour (GET /api/kpi/onchain/*): they read raw monitor events, calls and job
-- events on every request, and /api/kpi/onchain/jobs over 30 days ran past the 30 s statement timeout on the
-- 50M-event year (its JobCompleted -> JobAssigned join alone: 99.6 s). Analytics keeps this table with the rollups
-- (src/Ciro.Analytics/Rollups/OnchainHours.cs, whose PerHour is the one definition): every hour it recomputes is
-- rewritten and every block it folds is added, in the same transaction as the rollup ledger, so the table holds
-- exactly the rows of the ledger's blocks; the API reads the range's partial edge hours and blocks newer than the
-- ledger raw. Rows by kind:
--   sample  (contract, function, worker): monitor samples, the Σ of their rates, the first sample's position, and for
--           submit_job_result the count, Σ and Σ of squares of positive durations (the sampled mean and its interval);
--   rate    (contract): the last (block, tx, event, rate) of the contract's monitor events (the rate in force);
--   call    (contract, function): successful calls of the hooked functions, counted off-chain;
--   worker  (worker): JobAssigned, JobCompleted, and WorkerReleased of a job the worker was assigned (at or before);
--   timing: JobAssigned -> JobCompleted pairs (assignment at or before completion) and the Σ of their seconds.
-- Key columns a kind does not use hold '' (text) or '\x' (bytea).
create table if not exists ciro.rollup_onchain_hour (
  hour timestamptz not null,
  kind text not null check (kind in ('sample', 'rate', 'call', 'worker', 'timing')),
  contract bytea not null,
  function_name text not null,
  worker text not null,
  samples bigint not null,
  rate_sum numeric not null,
  first_sample bigint[],
  last_rate bigint[],
  duration_count bigint not null,
  duration_sum numeric not null,
  duration_squares numeric not null,
  actual bigint not null,
  assigned bigint not null,
  completed bigint not null,
  failed bigint not null,
  pairs bigint not null,
  pair_seconds numeric not null,
  primary key (hour, kind, contract, function_name, worker));

-- A database rolled up before this table existed: the rows of its ledger's blocks, once (OnchainHours.PerHour
-- written out over the blocks in ciro.rollup_blocks). Later blocks are folded as they are rolled up. About 5 minutes
-- on the 50M-event year (timed branch by branch into a TEMP table: calls 116 s, workers 108 s, timings 71 s), so
-- no statement timeout for it (the indexer role, which migrates when no owner connection is given, has 5 min).
set local statement_timeout = 0;
insert into ciro.rollup_onchain_hour (hour, kind, contract, function_name, worker, samples, rate_sum, first_sample, last_rate,
  duration_count, duration_sum, duration_squares, actual, assigned, completed, failed, pairs, pair_seconds)
select date_trunc('hour', s.block_time, 'UTC'), 'sample', s.contract, s.function_name, coalesce(s.worker, ''),
       count(*), sum(s.rate), min(array[s.block_number, s.tx_index, s.event_index]), null::bigint[],
       count(*) filter (where s.function_name = 'submit_job_result' and s.duration > 0),
       coalesce(sum(s.duration) filter (where s.function_name = 'submit_job_result' and s.duration > 0), 0),
       coalesce(sum(s.duration::numeric * s.duration) filter (where s.function_name = 'submit_job_result' and s.duration > 0), 0),
       0, 0, 0, 0, 0, 0
from (
  select e.block_number, e.tx_index::bigint as tx_index, e.event_index::bigint as event_index, e.block_time, e.contract, c.function_name,
         (e.decoded->>'sample_rate')::bigint as rate, coalesce((e.decoded->>'duration')::bigint, 0) as duration, e.decoded->>'worker' as worker
  from ciro.events e
  join lateral (
    select c.function_name from ciro.tx_calls c
    where c.block_number = e.block_number and c.block_time = e.block_time and c.tx_index = e.tx_index and c.contract = e.contract
      and ((e.name = 'PerformanceEvent::CallSampled' and c.selector = ciro.felt_bytes(e.decoded->>'selector'))
        or (e.name = 'PerformanceEvent::JobSampled'
            and c.function_name = case (e.decoded->>'stage')::int when 1 then 'submit_job_result' when 2 then 'fail_job' else c.function_name end
            and c.function_name in ('allocate_job', 'assign_job_to_worker', 'submit_job_result', 'fail_job')))
    order by c.call_index limit 1) c on true
  where e.name in ('PerformanceEvent::CallSampled', 'PerformanceEvent::JobSampled') and exists (select 1 from ciro.rollup_blocks rb where rb.block_number = e.block_number)
) s
group by 1, s.contract, s.function_name, coalesce(s.worker, '')
union all
select date_trunc('hour', e.block_time, 'UTC'), 'rate', e.contract, '', '', 0, 0, null,
       max(array[e.block_number, e.tx_index, e.event_index, coalesce((e.decoded->>'sample_rate')::bigint, (e.decoded->>'new_rate')::bigint)]),
       0, 0, 0, 0, 0, 0, 0, 0, 0
from ciro.events e
where e.name in ('PerformanceEvent::CallSampled', 'PerformanceEvent::JobSampled', 'PerformanceEvent::SampleRateChanged') and exists (select 1 from ciro.rollup_blocks rb where rb.block_number = e.block_number)
group by 1, e.contract
union all
select date_trunc('hour', c.block_time, 'UTC'), 'call', c.contract, c.function_name, '', 0, 0, null, null, 0, 0, 0, count(*), 0, 0, 0, 0, 0
from ciro.tx_calls c
join ciro.transactions t on t.block_number = c.block_number and t.block_time = c.block_time and t.tx_index = c.tx_index
where t.execution_status = 'SUCCEEDED'
  and c.function_name in ('submit_ai_job', 'assign_job_to_worker', 'submit_job_result', 'fail_job', 'distribute_rewards',
                          'allocate_job', 'register_worker', 'stake', 'request_unstake', 'complete_unstake')
  and exists (select 1 from ciro.rollup_blocks rb where rb.block_number = c.block_number) and exists (select 1 from ciro.rollup_blocks r where r.block_number = c.block_number)
group by 1, c.contract, c.function_name
union all
select hour, 'worker', '\x'::bytea, '', worker, 0, 0, null, null, 0, 0, 0, 0, sum(assigned), sum(completed), sum(failed), 0, 0
from (
  select date_trunc('hour', e.block_time, 'UTC') as hour, e.decoded->>'worker' as worker,
         (e.name = 'JobAssigned')::int as assigned, (e.name = 'JobCompleted')::int as completed, 0 as failed
  from ciro.events e where e.name in ('JobAssigned', 'JobCompleted') and e.decoded->>'worker' is not null and exists (select 1 from ciro.rollup_blocks rb where rb.block_number = e.block_number)
  union all
  select date_trunc('hour', r.block_time, 'UTC'), a.decoded->>'worker', 0, 0, 1
  from ciro.events r
  join ciro.events a on a.name = 'JobAssigned' and a.decoded ? 'job_id' and a.decoded->>'job_id' = r.decoded->'job_id'->>'value'
                    and a.block_time <= r.block_time
  where r.name = 'WorkerReleased' and a.decoded->>'worker' is not null and exists (select 1 from ciro.rollup_blocks rb where rb.block_number = r.block_number)
) w
group by hour, worker
union all
select date_trunc('hour', c.block_time, 'UTC'), 'timing', '\x'::bytea, '', '', 0, 0, null, null, 0, 0, 0, 0, 0, 0, 0,
       count(*), sum(extract(epoch from c.block_time - a.block_time))
from ciro.events c
join ciro.events a on a.name = 'JobAssigned' and a.decoded ? 'job_id' and a.decoded->>'job_id' = c.decoded->>'job_id'
                  and a.block_time <= c.block_time
where c.name = 'JobCompleted' and c.decoded ? 'job_id' and exists (select 1 from ciro.rollup_blocks rb where rb.block_number = c.block_number)
group by 1
on conflict do nothing;
