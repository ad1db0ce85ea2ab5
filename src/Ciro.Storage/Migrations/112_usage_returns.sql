-- Distinct callers over a range of days without reading every (day, sender) row of it. The usage KPI over 30 days
-- grouped the range's ~1.2M per-sender day rows of ciro.usage_callers into ~525k distinct (function, sender) and
-- joined them to ciro.function_callers: 8.2-17.1 s of SQL on the 50M-event year (EXPLAIN ANALYZE, read-only bench
-- database, shared with other work). Here each day's callers of a function are counted by the day of their previous
-- call of it: a sender is in days [a, b) exactly once with a previous day before a (its first day in the range), so
-- distinct callers over [a, b) = the sum of callers with day in [a, b) and prev_day < a, and new callers (no call
-- before a) = those with prev_day = '-infinity' (no earlier day). Exact, and ~2,800 rows for 30 days of the busiest
-- function of the year instead of ~351,000.
--   callers = senders of the day with that previous day (the empty sender, transactions without one, is never a
--             caller: it is counted in calls and txs only, under its own previous day);
--   calls, txs = those senders' calls and transactions that day (so a day's calls are the sum over its rows);
--   function_name = the greatest name of their usage rows, as in ciro.usage_callers.
-- Analytics keeps it with ciro.usage_callers (Rollups/UsageCallers.cs), in the same transaction: a folded block adds
-- its senders (a sender new to the day counts once, under its previous day), a re-merged day is recounted, and a day
-- whose senders appeared or vanished recounts the next day of each of those senders (its previous day moved).
create table if not exists ciro.usage_returns (
  day timestamptz not null,
  contract bytea not null,
  selector bytea not null,
  prev_day timestamptz not null,
  callers bigint not null,
  calls bigint not null,
  txs bigint not null,
  function_name text,
  primary key (day, contract, selector, prev_day));

-- A sender's previous day of a function (the fold and recount look it up per sender) and whether a sender has a day
-- row in a range (the usage KPI's edge hours): index-only, by sender.
create index if not exists usage_callers_sender_days on ciro.usage_callers (contract, selector, sender, bucket_start) where bucket = 'day';

-- A database whose usage_callers is filled: its days counted once (later blocks are folded as they are rolled up).
insert into ciro.usage_returns (day, contract, selector, prev_day, callers, calls, txs, function_name)
select day, contract, selector, coalesce(prev_day, '-infinity'), count(*) filter (where sender <> '\x'::bytea),
       sum(calls), sum(txs), max(function_name)
from (select bucket_start as day, contract, selector, sender, calls, txs, function_name,
             lag(bucket_start) over (partition by contract, selector, sender order by bucket_start) as prev_day
      from ciro.usage_callers where bucket = 'day') d
group by day, contract, selector, coalesce(prev_day, '-infinity')
on conflict do nothing;
