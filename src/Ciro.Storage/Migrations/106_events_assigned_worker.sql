-- A worker's jobs (`/api/kpi/workers?worker=…&bucket=raw`, the dashboard's worker detail) keep the JobSubmitted events
-- whose job has a JobAssigned naming that worker. Without this index every JobAssigned of the range (plus the
-- lifecycle horizon) was read from the heap to decode its worker: 7 s for 30 days of the 50M-event year. The
-- predicate is the felt check the query makes (ChainSql.IsFelt), so a malformed worker is never decoded here.
create index if not exists events_assigned_worker on ciro.events ((ciro.felt_bytes(decoded->>'worker')), block_time)
  where name = 'JobAssigned' and decoded->>'worker' ~ '^0x[0-9a-fA-F]{1,64}$';
