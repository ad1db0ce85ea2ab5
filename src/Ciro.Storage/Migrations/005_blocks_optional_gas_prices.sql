-- Headers before RPC v0.7 have no l1_data_gas_price and before v0.8 no l2_gas_price: the indexer stores NULL
-- ("the node did not say") instead of inventing a zero price. Dropping NOT NULL on the parent reaches every
-- partition (native partitioning) and every chunk (TimescaleDB).
alter table ciro.blocks alter column l1_data_gas_price_fri drop not null;
alter table ciro.blocks alter column l1_data_gas_price_wei drop not null;
alter table ciro.blocks alter column l2_gas_price_fri drop not null;
alter table ciro.blocks alter column l2_gas_price_wei drop not null;
