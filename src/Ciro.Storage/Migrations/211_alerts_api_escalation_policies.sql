-- Escalation policies created through the alerts API (admin role), next to those of the configuration
-- (Alerts:Incidents:EscalationPolicies, read-only through the API). The definition is the policy as JSON (name, match,
-- steps, repeat, ackTimeout), validated as the configuration's policies are before it is stored. An incident names its
-- policy (alerts.incidents.escalation_policy) and follows the policy's current definition at each step.
create table if not exists alerts.escalation_policies (
  name text primary key,
  definition jsonb not null,
  version integer not null,
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  updated_by text not null
);

-- Every change of an API policy, who made it and the definition it left (null after a delete).
create table if not exists alerts.escalation_policy_changes (
  id bigint generated always as identity primary key,
  policy text not null,
  version integer not null,
  action text not null check (action in ('created', 'updated', 'deleted')),
  actor text not null,
  at timestamptz not null,
  definition jsonb
);
create index if not exists escalation_policy_changes_by_policy on alerts.escalation_policy_changes (policy, id);
