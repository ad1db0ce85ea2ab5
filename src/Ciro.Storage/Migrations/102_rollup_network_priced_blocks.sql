-- Blocks whose header carried an L1 data gas / L2 gas price (NULL in ciro.blocks before RPC v0.7 / v0.8): the
-- mean price of a bucket divides by these, not by all blocks, so a missing price is never averaged in as zero.
-- Rows written before this migration came from blocks that all had both prices.
alter table ciro.rollup_network add column if not exists l1_data_gas_priced_blocks bigint;
alter table ciro.rollup_network add column if not exists l2_gas_priced_blocks bigint;
update ciro.rollup_network set l1_data_gas_priced_blocks = blocks where l1_data_gas_priced_blocks is null;
update ciro.rollup_network set l2_gas_priced_blocks = blocks where l2_gas_priced_blocks is null;
alter table ciro.rollup_network alter column l1_data_gas_priced_blocks set not null;
alter table ciro.rollup_network alter column l2_gas_priced_blocks set not null;
