-- What each service's role may do (the roles: src/Ciro.Storage/DatabaseRoles.cs, created just before this runs).
-- Applied by the migrator after every migration run, so it is idempotent and covers tables added since: a new
-- table of the ciro schema must be named here (ServiceRoleTests fails on a table no service may write); the
-- alerts and reports schemas are granted whole to their one writer.

grant usage on schema ciro to ciro_indexer, ciro_analytics, ciro_alerts;
grant usage on schema alerts to ciro_alerts, ciro_analytics;
grant usage on schema reports to ciro_analytics;
-- Analytics waits for the schema by reading which migrations are applied.
grant select on public.ciro_schema_migrations to ciro_indexer, ciro_analytics;

-- The indexer writes the chain; analytics reads it.
grant select, insert, update, delete on
  ciro.blocks, ciro.transactions, ciro.tx_calls, ciro.events, ciro.call_traces, ciro.tx_state_diffs,
  ciro.tx_storage_writes, ciro.contract_classes, ciro.classes, ciro.block_cursor, ciro.reorgs,
  ciro.chain_identity, ciro.indexer_status, ciro.undecodable_blocks
  to ciro_indexer;
grant select on
  ciro.blocks, ciro.transactions, ciro.tx_calls, ciro.events, ciro.call_traces, ciro.tx_state_diffs,
  ciro.tx_storage_writes, ciro.contract_classes, ciro.classes, ciro.block_cursor, ciro.reorgs,
  ciro.chain_identity, ciro.indexer_status, ciro.undecodable_blocks
  to ciro_analytics;

-- Analytics writes what it derives, its API keys and its reports (with the report scheduler's tables).
grant select, insert, update, delete on
  ciro.rollup_gas, ciro.rollup_network, ciro.rollup_jobs, ciro.rollup_workers, ciro.rollup_blocks,
  ciro.function_callers, ciro.usage_callers, ciro.recommendations, ciro.recommendation_runs, ciro.ab_experiments, ciro.api_keys
  to ciro_analytics;
-- The live jobs chart's per-minute counts, kept with the rollups (migration 108).
grant select, insert, update, delete on ciro.rollup_jobs_minute to ciro_analytics;
-- The on-chain KPIs' statistics per hour, kept with the rollups (migration 109).
grant select, insert, update, delete on ciro.rollup_onchain_hour to ciro_analytics;
-- Callers per function and day by their previous day, kept with ciro.usage_callers (migration 112).
grant select, insert, update, delete on ciro.usage_returns to ciro_analytics;
grant select, insert, update, delete on all tables in schema reports to ciro_analytics;
-- The weekly report counts the week's incidents.
grant select on alerts.incidents to ciro_analytics;

-- Alerts owns its schema; what it knows of the chain comes through the analytics API.
grant select, insert, update, delete on all tables in schema alerts to ciro_alerts;

-- Every service checks API keys (one mechanism, src/Ciro.Auth); only analytics manages them.
grant select on ciro.api_keys to ciro_indexer, ciro_alerts;

-- A partition is created by the owner of its parent: the indexer asks for next month's through this function,
-- which runs as the schema owner (fixed search_path, arguments are timestamps only).
alter function ciro.ensure_partitions(timestamptz, timestamptz) security definer set search_path = pg_catalog, ciro;
revoke execute on function ciro.ensure_partitions(timestamptz, timestamptz) from public;
grant execute on function ciro.ensure_partitions(timestamptz, timestamptz) to ciro_indexer;

-- statement_timeout of every session of each role in this database, whatever its client sets up (analytics' API
-- sets Ciro:Analytics:StatementTimeoutSeconds on its own sessions; the report scheduler's connections and a
-- psql session as the role get this). The indexer's COPY of a batch of large blocks needs minutes, not hours.
do $$ begin
  execute format('alter role ciro_indexer in database %I set statement_timeout = %L', current_database(), '5min');
  execute format('alter role ciro_analytics in database %I set statement_timeout = %L', current_database(), '30s');
  execute format('alter role ciro_alerts in database %I set statement_timeout = %L', current_database(), '30s');
end $$;
