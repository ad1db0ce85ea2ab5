//! Wrapper types with the same members, order and Serde layout as CIRO's
//! `interfaces/job_manager.cairo` and `interfaces/cdc_pool.cairo`, so event felts are identical:
//! JobId = 2 felts (u256 low, high), WorkerId = 1 felt, WorkerCapabilities = 8 felts.

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct JobId {
    pub value: u256,
}

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct WorkerId {
    pub value: felt252,
}

/// `capability_flags` bits: CUDA=1, OPENCL=2, FP16=4, INT8=8, NVLINK=16, INFINIBAND=32,
/// TENSOR_CORES=64, MULTI_GPU=128 (as in CIRO).
#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct WorkerCapabilities {
    pub gpu_memory: u64,
    pub cpu_cores: u8,
    pub ram: u64,
    pub storage: u64,
    pub bandwidth: u32,
    pub capability_flags: u64,
    pub gpu_model: felt252,
    pub cpu_model: felt252,
}
