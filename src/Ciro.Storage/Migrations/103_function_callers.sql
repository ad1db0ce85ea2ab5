-- The first call of each (contract, function, sender): the usage KPI's "new caller" test becomes one key lookup
-- instead of a search of every earlier call (a correlated NOT EXISTS per caller took over 30 s on 6 h of peak-rate
-- data). Analytics keeps it with the rollups: each hour it recomputes is folded in, in the same transaction as the
-- rollup ledger, so it covers exactly the rolled-up blocks; the KPI reads blocks newer than the ledger raw.
create table if not exists ciro.function_callers (
  contract bytea not null,
  selector bytea not null,
  sender bytea not null,
  first_seen timestamptz not null,
  primary key (contract, selector, sender));
create index if not exists function_callers_first_seen on ciro.function_callers (first_seen);

-- A database indexed before this table existed: its history, once (later hours are folded as they are rolled up).
insert into ciro.function_callers (contract, selector, sender, first_seen)
select c.contract, c.selector, t.sender, min(c.block_time)
from ciro.tx_calls c
join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
where t.sender is not null
group by c.contract, c.selector, t.sender
on conflict (contract, selector, sender) do update set first_seen = least(ciro.function_callers.first_seen, excluded.first_seen);
