-- Gas recommendations (src/Ciro.Analytics/Recommendations): one row per finding, identified by a stable key (rule
-- and target, never a measured value), so a finding seen again updates its evidence instead of adding a row.
-- Lifecycle: new -> accepted | dismissed (with a reason) -> verified (the data no longer shows the inefficiency)
-- | regressed (it came back after being verified).
create table if not exists ciro.recommendations (
  id bigint generated always as identity primary key,
  key text not null unique,
  rule text not null,
  target jsonb not null,
  title text not null,
  evidence jsonb not null,
  samples text[] not null,
  weekly_l2_gas bigint not null,
  weekly_l1_data_gas bigint not null,
  weekly_fee_fri numeric not null,
  formula text not null,
  confidence text not null check (confidence in ('high', 'medium', 'low')),
  status text not null default 'new' check (status in ('new', 'accepted', 'dismissed', 'verified', 'regressed')),
  status_reason text,
  status_by text,
  status_at timestamptz,
  window_from timestamptz not null,
  window_to timestamptz not null,
  first_seen timestamptz not null default now(),
  last_seen timestamptz not null default now(),
  firing boolean not null default true
);

create index if not exists recommendations_status on ciro.recommendations (status, rule);

-- What the last evaluation could not look at (no call traces in the range, no class information), so the API can say
-- which evidence a recommendation lacks. One row per evaluation; the newest is read.
create table if not exists ciro.recommendation_runs (
  id bigint generated always as identity primary key,
  ran_at timestamptz not null default now(),
  window_from timestamptz not null,
  window_to timestamptz not null,
  findings integer not null,
  not_evaluated jsonb not null
);
