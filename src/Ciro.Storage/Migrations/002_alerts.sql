-- Alert incidents (one row per firing episode of a rule) and every delivery attempt: the audit trail.
create schema if not exists alerts;

create table if not exists alerts.incidents (
  id uuid primary key,
  rule text not null,
  severity text not null,
  state text not null check (state in ('firing', 'resolved')),
  summary text not null,
  started_at timestamptz not null,
  resolved_at timestamptz,
  updated_at timestamptz not null default now()
);
-- At most one open episode per rule: firing twice for one episode is impossible by construction.
create unique index if not exists incidents_one_open_per_rule on alerts.incidents (rule) where state = 'firing';

create table if not exists alerts.deliveries (
  id bigint generated always as identity primary key,
  incident_id uuid not null references alerts.incidents(id),
  kind text not null check (kind in ('firing', 'resolved')),
  channel text not null,
  target text not null,
  succeeded boolean not null,
  attempts integer not null,
  error text,
  at timestamptz not null default now()
);
