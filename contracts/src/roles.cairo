//! AccessControl roles used across the package. Role ids are sn_keccak of the name (`selector!`),
//! the same convention OpenZeppelin uses, so they read the same in explorers.

/// Same value as OpenZeppelin's DEFAULT_ADMIN_ROLE: admin of every other role.
pub const DEFAULT_ADMIN_ROLE: felt252 = 0;
/// May change the monitor's sample rate and registry address (never business logic).
pub const MONITOR_ADMIN_ROLE: felt252 = selector!("MONITOR_ADMIN_ROLE");
/// JobManager: assigns, fails and pays out jobs. CDCPool: allocates, reserves and releases workers.
pub const COORDINATOR_ROLE: felt252 = selector!("COORDINATOR_ROLE");
/// MetricsRegistry: contracts (or keepers) allowed to push aggregated samples.
pub const REPORTER_ROLE: felt252 = selector!("REPORTER_ROLE");
/// MetricsRegistry: accounts allowed to call the views while reads are restricted.
pub const READER_ROLE: felt252 = selector!("READER_ROLE");
