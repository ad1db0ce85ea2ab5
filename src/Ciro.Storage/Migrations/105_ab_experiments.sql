-- Operator-created A/B experiments (src/Ciro.Analytics/Experiments/AbExperiments.cs): two variants of a contract
-- sharing traffic, either two deployments (variant_kind 'contract': the addresses) or two classes ('class': the class
-- hashes, matched to each call through ciro.contract_classes). The plan (alpha, planned split, planned size, minimum
-- effect, guardrail tolerance) is fixed at creation: changing it mid-way would void the always-valid guarantee, so
-- there is no update, only stop and archive. Results are computed from the indexed calls on request.
create table if not exists ciro.ab_experiments (
  id bigint generated always as identity primary key,
  name text not null,
  variant_kind text not null check (variant_kind in ('contract', 'class')),
  control_variant bytea not null,
  treatment_variant bytea not null,
  entry_point text not null,
  selector bytea not null,
  metric text not null check (metric in ('l2Gas')),
  treatment_share double precision not null check (treatment_share > 0 and treatment_share < 1),
  alpha double precision not null check (alpha > 0 and alpha < 1),
  minimum_effect double precision not null check (minimum_effect >= 0),
  revert_rate_tolerance double precision not null check (revert_rate_tolerance >= 0),
  planned_units_per_arm bigint not null check (planned_units_per_arm > 0),
  start_time timestamptz not null,
  end_time timestamptz,
  pre_period_hours integer check (pre_period_hours > 0),
  status text not null default 'running' check (status in ('running', 'stopped', 'archived')),
  created_by text not null,
  created_at timestamptz not null default now(),
  stopped_by text,
  stopped_at timestamptz,
  archived_at timestamptz,
  check (end_time is null or end_time > start_time),
  check (control_variant <> treatment_variant)
);

create index if not exists ab_experiments_status on ciro.ab_experiments (status, start_time desc);
