-- Ciro's schema on a distributed PostgreSQL: Citus, e.g. Azure Cosmos DB for PostgreSQL.
-- Run once as the database owner on the coordinator, after the indexer has applied the migrations (start it
-- once, or `Ciro.Indexer backfill` over an empty range) and before anything is indexed. TimescaleDB is not
-- offered there: the chain tables stay natively range-partitioned by month, and Citus distributes each
-- partition with its parent.
--
-- Chain tables are hash-distributed by block_number and co-located: a block's transactions, calls and events
-- sit on one shard with the block, so the indexer's per-block COPY and a reorg's "delete from block N" touch
-- whole blocks, and joins on (block_number, tx_index) stay on one shard. Time-range scans fan out to every
-- shard in parallel. Every primary key of a chain table contains block_number (the rule Citus enforces, and
-- what tests/Ciro.Indexer.Tests/DistributionPlanTests.cs checks against the migrated schema).
--
-- Rollups are distributed by bucket_start (every rollup key starts with the bucket), except rollup_blocks,
-- which is per block and sits with the blocks. Small tables written rarely and read with everything are
-- reference tables (a copy on every node). The migrator's own table stays on the coordinator.

select create_reference_table('ciro.block_cursor');
select create_reference_table('ciro.reorgs');
select create_reference_table('ciro.api_keys');
select create_reference_table('ciro.chain_identity');
select create_reference_table('ciro.indexer_status');
select create_reference_table('ciro.undecodable_blocks');
select create_reference_table('ciro.recommendations');
select create_reference_table('ciro.recommendation_runs');
select create_reference_table('ciro.ab_experiments');
select create_reference_table('ciro.classes');
select create_reference_table('alerts.incidents');
select create_reference_table('alerts.deliveries');
select create_reference_table('alerts.notifications');
select create_reference_table('alerts.incident_events');
select create_reference_table('alerts.silences');
select create_reference_table('alerts.alert_groups');
select create_reference_table('alerts.rules');
select create_reference_table('alerts.rule_changes');
select create_reference_table('alerts.escalation_policies');
select create_reference_table('alerts.escalation_policy_changes');
select create_reference_table('reports.reports');
select create_reference_table('reports.qrtz_job_details');
select create_reference_table('reports.qrtz_triggers');
select create_reference_table('reports.qrtz_simple_triggers');
select create_reference_table('reports.qrtz_cron_triggers');
select create_reference_table('reports.qrtz_simprop_triggers');
select create_reference_table('reports.qrtz_blob_triggers');
select create_reference_table('reports.qrtz_calendars');
select create_reference_table('reports.qrtz_paused_trigger_grps');
select create_reference_table('reports.qrtz_paused_job_grps');
select create_reference_table('reports.qrtz_fired_triggers');
select create_reference_table('reports.qrtz_scheduler_state');
select create_reference_table('reports.qrtz_locks');
select create_reference_table('reports.qrtz_execution_history');
select create_reference_table('reports.qrtz_misfire_history');
select create_reference_table('reports.qrtz_job_status');

select create_distributed_table('ciro.blocks', 'block_number');
select create_distributed_table('ciro.transactions', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.tx_calls', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.events', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.call_traces', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.tx_state_diffs', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.tx_storage_writes', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.rollup_blocks', 'block_number', colocate_with => 'ciro.blocks');
select create_distributed_table('ciro.contract_classes', 'block_number', colocate_with => 'ciro.blocks');

select create_distributed_table('ciro.rollup_gas', 'bucket_start');
select create_distributed_table('ciro.rollup_network', 'bucket_start', colocate_with => 'ciro.rollup_gas');
select create_distributed_table('ciro.rollup_jobs', 'bucket_start', colocate_with => 'ciro.rollup_gas');
select create_distributed_table('ciro.rollup_workers', 'bucket_start', colocate_with => 'ciro.rollup_gas');
-- First call per (contract, function, sender): looked up by its whole key, so by contract.
select create_distributed_table('ciro.function_callers', 'contract');
-- Job lifecycle counts per minute (one or two rows upserted per block, a range of minutes read per chart): like
-- the other rollups, by its time key, with them.
select create_distributed_table('ciro.rollup_jobs_minute', 'minute', colocate_with => 'ciro.rollup_gas');
-- The on-chain KPIs' statistics per hour (rows upserted per block, a range of hours read per request): by its time
-- key, with the other rollups.
select create_distributed_table('ciro.rollup_onchain_hour', 'hour', colocate_with => 'ciro.rollup_gas');
-- Use per (bucket, contract, function, sender): by contract with function_callers, so the usage KPI's join of the
-- two (same contract, selector, sender) and the reconciler's upserts stay on one shard per contract.
select create_distributed_table('ciro.usage_callers', 'contract', colocate_with => 'ciro.function_callers');
-- Callers per (day, function, previous day): counted from usage_callers rows of the same contract (the reconciler's
-- per-sender previous-day lookups), so with it.
select create_distributed_table('ciro.usage_returns', 'contract', colocate_with => 'ciro.usage_callers');
