//! snforge integration tests. Every contract here (mocks, bare baselines) is collected by
//! snforge alongside src/ (Scarb >= 2.8.3 contract collection).

pub mod bare;
pub mod common;
pub mod mocks;
mod test_cdc_pool;
mod test_gas;
mod test_job_manager;
mod test_monitor;
mod test_packing;
mod test_registry;
