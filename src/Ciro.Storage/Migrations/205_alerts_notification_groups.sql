-- Grouping of notifications (Alertmanager's model): incidents without an escalation policy whose group-by labels are
-- equal share one group; the group sends one notification listing its incidents group_wait after it formed, then
-- at most every group_interval when its set of firing incidents changed or some resolved, and again every
-- repeat_interval while nothing changed. The group row is claimed FOR UPDATE SKIP LOCKED by the flush sweep of
-- one replica, and its notification commits in the flush's transaction (its sequence is the flush number).
create table if not exists alerts.alert_groups (
  group_key text primary key,
  labels jsonb not null,
  created_at timestamptz not null,
  next_flush_at timestamptz not null,
  flushes integer not null default 0,
  notified_at timestamptz,
  notified_firing uuid[] not null default '{}'
);
create index if not exists alert_groups_due on alerts.alert_groups (next_flush_at);

alter table alerts.incidents add column if not exists group_key text;
create index if not exists incidents_by_group on alerts.incidents (group_key) where group_key is not null;

-- A group's notification belongs to no single incident.
alter table alerts.notifications alter column incident_id drop not null;
alter table alerts.notifications add column if not exists group_key text;
alter table alerts.deliveries alter column incident_id drop not null;
alter table alerts.notifications drop constraint if exists notifications_kind_check;
alter table alerts.notifications add constraint notifications_kind_check
  check (kind in ('firing', 'acknowledged', 'resolved', 'escalated', 'retriggered', 'grouped'));
alter table alerts.deliveries drop constraint if exists deliveries_kind_check;
alter table alerts.deliveries add constraint deliveries_kind_check
  check (kind in ('firing', 'acknowledged', 'resolved', 'escalated', 'retriggered', 'grouped'));
