//! Ciro on-chain monitoring layer: a gas-lean PerformanceMonitorComponent, a MetricsRegistry that
//! collects aggregated samples, and minimal JobManager / CDCPool contracts that keep the real CIRO
//! event names and felt layouts (see ../shared/starknet/ciro_events.md) so one indexer decodes both.

pub mod cdc_pool;
pub mod job_manager;
pub mod metrics_registry;
pub mod roles;
pub mod types;
pub mod utils;
