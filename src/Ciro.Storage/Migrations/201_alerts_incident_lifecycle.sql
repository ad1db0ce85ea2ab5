-- The incident lifecycle: firing (triggered) → acknowledged → resolved, one open incident per dedup key (the rule
-- and its labels, never a measured value), repeats counted on the open incident, every transition in an audit trail.
alter table alerts.incidents add column if not exists dedup_key text;
alter table alerts.incidents add column if not exists rule_kind text not null default 'legacy';
alter table alerts.incidents add column if not exists labels jsonb not null default '{}';
alter table alerts.incidents add column if not exists observed text not null default '';
alter table alerts.incidents add column if not exists expected text not null default '';
alter table alerts.incidents add column if not exists dashboard_url text;
-- When the condition started to hold (the rule's reading); started_at is when the incident opened.
alter table alerts.incidents add column if not exists since timestamptz;
-- How many evaluations saw the condition while this incident was open (1 = the one that opened it).
alter table alerts.incidents add column if not exists repeats integer not null default 1;
alter table alerts.incidents add column if not exists last_seen_at timestamptz;
alter table alerts.incidents add column if not exists acknowledged_at timestamptz;
alter table alerts.incidents add column if not exists acknowledged_by text;
alter table alerts.incidents add column if not exists resolved_by text;
-- Number of transitions so far: each one's notifications carry it in their dedup key, so a second escalation step
-- or a re-trigger is a new notification while a transition enqueued twice stays one.
alter table alerts.incidents add column if not exists transitions integer not null default 1;
-- Escalation: the policy that applies, the next step to send (its index), how many rounds of the steps were sent,
-- and when the next step (or, while acknowledged, the re-trigger of an unresolved acknowledgement) is due.
alter table alerts.incidents add column if not exists escalation_policy text;
alter table alerts.incidents add column if not exists escalation_step integer not null default 0;
alter table alerts.incidents add column if not exists escalation_round integer not null default 0;
alter table alerts.incidents add column if not exists next_escalation_at timestamptz;
-- Why the first notice was held back (silence id, inhibiting incident, mute window), null when it was sent.
alter table alerts.incidents add column if not exists suppressed_by text;

update alerts.incidents set dedup_key = rule || '{}' where dedup_key is null;
alter table alerts.incidents alter column dedup_key set not null;

alter table alerts.incidents drop constraint if exists incidents_state_check;
alter table alerts.incidents add constraint incidents_state_check check (state in ('firing', 'acknowledged', 'resolved'));
drop index if exists alerts.incidents_one_open_per_rule;
-- At most one open incident per dedup key: two evaluators (or replicas) seeing the same breach make one incident.
create unique index if not exists incidents_one_open_per_key on alerts.incidents (dedup_key) where state <> 'resolved';
create index if not exists incidents_by_start on alerts.incidents (started_at desc);
-- What the escalation timer scans.
create index if not exists incidents_escalation_due on alerts.incidents (next_escalation_at) where next_escalation_at is not null;

-- Every transition of an incident: who (a user, an API key's name or rule:<id>), when, and their comment.
create table if not exists alerts.incident_events (
  id bigint generated always as identity primary key,
  incident_id uuid not null references alerts.incidents(id),
  sequence integer not null,
  kind text not null check (kind in ('firing', 'acknowledged', 'resolved', 'escalated', 'retriggered', 'suppressed')),
  actor text not null,
  comment text,
  at timestamptz not null,
  unique (incident_id, sequence, kind)
);

-- Silences: incidents whose labels match every matcher between starts_at and ends_at send no notification.
create table if not exists alerts.silences (
  id uuid primary key,
  matchers jsonb not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  author text not null,
  comment text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (ends_at > starts_at)
);
create index if not exists silences_by_end on alerts.silences (ends_at);

-- New kinds of notification (and of delivery audit) for the new transitions.
alter table alerts.notifications drop constraint if exists notifications_kind_check;
alter table alerts.notifications add constraint notifications_kind_check
  check (kind in ('firing', 'acknowledged', 'resolved', 'escalated', 'retriggered'));
alter table alerts.deliveries drop constraint if exists deliveries_kind_check;
alter table alerts.deliveries add constraint deliveries_kind_check
  check (kind in ('firing', 'acknowledged', 'resolved', 'escalated', 'retriggered'));
