-- Rules created through the alerts API (admin role). The definition is the rule's fields as JSON, validated by the
-- same reader as the rule files (RuleFileLoader) before it is stored and again whenever a replica loads it; a rule
-- file's id can never be stored here (the API refuses it), so files stay the only source of their rules.
create table if not exists alerts.rules (
  id text primary key,
  definition jsonb not null,
  version integer not null,
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  updated_by text not null
);

-- Every change of an API rule, who made it and the definition it left (null after a delete): the rules' audit trail.
create table if not exists alerts.rule_changes (
  id bigint generated always as identity primary key,
  rule_id text not null,
  version integer not null,
  action text not null check (action in ('created', 'updated', 'enabled', 'disabled', 'deleted')),
  actor text not null,
  at timestamptz not null,
  definition jsonb
);
create index if not exists rule_changes_by_rule on alerts.rule_changes (rule_id, id);
