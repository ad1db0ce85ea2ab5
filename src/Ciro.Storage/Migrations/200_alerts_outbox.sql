-- The alerts outbox: every notification an incident change owes (one row per channel and recipient), committed in
-- the same transaction as that change, then delivered at least once by the dispatcher until it succeeds or expires.
-- dedup_key = incident id + transition + channel + recipient (never a measured value): a transition enqueued twice
-- (two replicas resolving the same incident) still makes one notification.
create table if not exists alerts.notifications (
  id bigint generated always as identity primary key,
  dedup_key text not null unique,
  incident_id uuid not null references alerts.incidents(id),
  kind text not null check (kind in ('firing', 'resolved')),
  channel text not null,
  recipient text not null,
  message jsonb not null,
  state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  created_at timestamptz not null,
  due_at timestamptz not null,
  expires_at timestamptz not null,
  finished_at timestamptz,
  last_error text
);
-- What the dispatchers scan: pending rows by due time (claimed with FOR UPDATE SKIP LOCKED).
create index if not exists notifications_pending_due on alerts.notifications (due_at) where state = 'pending';

-- alerts.deliveries becomes the audit of every attempt (attempts = that attempt's number) of one notification.
alter table alerts.deliveries add column if not exists notification_id bigint references alerts.notifications(id);
create index if not exists deliveries_by_notification on alerts.deliveries (notification_id);
