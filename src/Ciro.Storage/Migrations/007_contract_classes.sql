-- The class each contract runs, over time: one row per deployment or class replacement (an upgrade through
-- replace_class) of a kept contract, from the block's state update (deployed_contracts, replaced_classes). A
-- contract's class at block N is its row with the greatest block_number <= N. Rolled back with its block.
create table if not exists ciro.contract_classes (
  block_number bigint not null,
  block_time timestamptz not null,
  contract bytea not null,
  class_hash bytea not null,
  change text not null check (change in ('deployed', 'replaced')),
  primary key (block_number, contract)
);
create index if not exists contract_classes_contract on ciro.contract_classes (contract, block_number);

-- Each class once (a class hash names immutable code): the Sierra and compiler versions its sierra_program starts
-- with (starknet_getClass); both null for a Cairo 0 class. Classes compiled to Sierra <= 1.6.0 are billed by Cairo
-- VM resources rather than Sierra gas.
create table if not exists ciro.classes (
  class_hash bytea primary key,
  sierra_version text,
  compiler_version text,
  contract_class_version text,
  first_block bigint not null
);
