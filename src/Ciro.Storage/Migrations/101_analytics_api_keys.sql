-- API keys for Ciro.Analytics. Only a salted SHA-256 of each key is stored; the key itself is shown once at
-- creation. The prefix (public, part of the key) finds the row without scanning every hash.
create table if not exists ciro.api_keys (
  id uuid primary key,
  name text not null,
  role text not null check (role in ('viewer', 'operator', 'admin')),
  prefix text not null unique,
  salt bytea not null,
  key_hash bytea not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz);
