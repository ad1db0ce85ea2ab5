//! CDCPool: every entry point, the exact CIRO event felts, access control, and the hooks.

use ciro_monitor::cdc_pool::CDCPool::{
    Event as PoolEvent, JobAllocated, StakeAdded, UnstakeExecuted, UnstakeRequested,
    WorkerDeactivated, WorkerReactivated, WorkerRegistered, WorkerReleased, WorkerReserved,
};
use ciro_monitor::cdc_pool::{
    ICDCPoolDispatcher, ICDCPoolDispatcherTrait, ICDCPoolSafeDispatcher, ICDCPoolSafeDispatcherTrait,
    PendingUnstake, UNSTAKE_DELAY,
};
use ciro_monitor::types::{JobId, WorkerCapabilities, WorkerId};
use ciro_monitor::utils::performance::PerformanceMonitorComponent::{
    CallSampled, Event as MonitorEvent, JobSampled,
};
use ciro_monitor::utils::performance::{
    IPerformanceMonitorDispatcher, IPerformanceMonitorDispatcherTrait, STAGE_ASSIGNED,
};
use snforge_std::{
    EventSpyAssertionsTrait, spy_events, start_cheat_block_number, start_cheat_block_timestamp,
    start_cheat_caller_address, start_cheat_transaction_hash,
};
use starknet::ContractAddress;
use crate::common::{
    ADMIN, MISSING_ROLE, STRANGER, WORKER, assert_reverted_with, deploy_monitored, monitor_key,
    raw_events,
};

const T0: u64 = 1735689600;
const UNSAMPLED_TX: felt252 = 0x1231; // not a multiple of 16
const SAMPLED_TX: felt252 = 0x1230;

fn caps() -> WorkerCapabilities {
    WorkerCapabilities {
        gpu_memory: 80,
        cpu_cores: 64,
        ram: 512,
        storage: 4000,
        bandwidth: 10000,
        capability_flags: 1 + 4 + 64, // CUDA | FP16 | TENSOR_CORES
        gpu_model: 'H100',
        cpu_model: 'EPYC',
    }
}

fn setup(rate: u32) -> (ContractAddress, ICDCPoolDispatcher) {
    let address = deploy_monitored("CDCPool", rate);
    start_cheat_block_timestamp(address, T0);
    start_cheat_block_number(address, 7);
    start_cheat_transaction_hash(address, UNSAMPLED_TX);
    (address, ICDCPoolDispatcher { contract_address: address })
}

fn registered(address: ContractAddress, pool: ICDCPoolDispatcher) -> WorkerId {
    start_cheat_caller_address(address, WORKER());
    pool.register_worker(caps())
}

#[test]
fn register_worker_emits_worker_registered_with_ten_data_felts() {
    let (address, pool) = setup(16);
    let mut spy = spy_events();
    let worker_id = registered(address, pool);
    assert_eq!(worker_id, WorkerId { value: 1 });
    let expected = WorkerRegistered { worker_id, owner: WORKER(), capabilities: caps(), stake_amount: 0 };
    spy.assert_emitted(@array![(address, PoolEvent::WorkerRegistered(expected))]);
    let events = raw_events(ref spy, address);
    let owner: felt252 = WORKER().into();
    assert_eq!(events.at(0).keys.clone(), array![selector!("WorkerRegistered"), 1, owner]);
    assert_eq!(events.at(0).data.clone(), array![80, 64, 512, 4000, 10000, 69, 'H100', 'EPYC', 0, 0]);
    let info = pool.get_worker(worker_id);
    assert_eq!(info.owner, WORKER());
    assert!(info.active);
    assert_eq!(info.capabilities, caps());
}

#[test]
fn deactivate_and_reactivate_by_owner_or_coordinator() {
    let (address, pool) = setup(16);
    let worker_id = registered(address, pool);
    let mut spy = spy_events();
    pool.deactivate_worker(worker_id, 'maintenance');
    start_cheat_caller_address(address, ADMIN());
    pool.reactivate_worker(worker_id);
    spy
        .assert_emitted(
            @array![
                (address, PoolEvent::WorkerDeactivated(WorkerDeactivated { worker_id, reason: 'maintenance' })),
                (address, PoolEvent::WorkerReactivated(WorkerReactivated { worker_id })),
            ],
        );
    let events = raw_events(ref spy, address);
    assert_eq!(events.at(0).keys.clone(), array![selector!("WorkerDeactivated"), 1]);
    assert_eq!(events.at(0).data.clone(), array!['maintenance']);
    assert_eq!(events.at(1).keys.clone(), array![selector!("WorkerReactivated"), 1]);
}

#[test]
fn stake_and_unstake_emit_ciro_events() {
    let (address, pool) = setup(16);
    start_cheat_caller_address(address, WORKER());
    let mut spy = spy_events();
    pool.stake(500);
    pool.stake(250);
    pool.request_unstake(300);
    assert_eq!(pool.get_stake(WORKER()), 450);
    let unlock_time = T0 + UNSTAKE_DELAY;
    assert_eq!(pool.get_pending_unstake(WORKER()), PendingUnstake { amount: 300, unlock_time });
    start_cheat_block_timestamp(address, unlock_time);
    pool.complete_unstake();
    spy
        .assert_emitted(
            @array![
                (address, PoolEvent::StakeAdded(StakeAdded { worker: WORKER(), amount: 500, total_stake: 500 })),
                (address, PoolEvent::StakeAdded(StakeAdded { worker: WORKER(), amount: 250, total_stake: 750 })),
                (address, PoolEvent::UnstakeRequested(UnstakeRequested { worker: WORKER(), amount: 300, unlock_time })),
                (address, PoolEvent::UnstakeExecuted(UnstakeExecuted { worker: WORKER(), amount: 300 })),
            ],
        );
    let events = raw_events(ref spy, address);
    let worker: felt252 = WORKER().into();
    assert_eq!(events.len(), 4); // unsampled tx hash: no monitor events
    assert_eq!(events.at(1).keys.clone(), array![selector!("StakeAdded"), worker]);
    assert_eq!(events.at(1).data.clone(), array![250, 0, 750, 0]);
    let unlock: felt252 = unlock_time.into();
    let unstake_data: Array<felt252> = array![300, 0, unlock];
    assert_eq!(events.at(2).data.clone(), unstake_data);
    assert_eq!(events.at(3).keys.clone(), array![selector!("UnstakeExecuted"), worker]);
}

#[test]
fn allocate_reserve_and_release_keep_ciro_key_order() {
    let (address, pool) = setup(16);
    let worker_id = registered(address, pool);
    start_cheat_caller_address(address, ADMIN());
    let job_id = JobId { value: 3 };
    let mut spy = spy_events();
    pool.allocate_job(job_id, worker_id, 90, 600);
    pool.reserve_worker(worker_id, job_id, 600);
    pool.release_worker(worker_id, job_id);
    spy
        .assert_emitted(
            @array![
                (address, PoolEvent::JobAllocated(JobAllocated { job_id, worker_id, confidence_score: 90, estimated_completion: T0 + 600 })),
                (address, PoolEvent::WorkerReserved(WorkerReserved { worker_id, job_id, duration: 600 })),
                (address, PoolEvent::WorkerReleased(WorkerReleased { worker_id, job_id })),
            ],
        );
    let events = raw_events(ref spy, address);
    // JobAllocated: job_id before worker_id; WorkerReserved/Released: worker_id before job_id.
    assert_eq!(events.at(0).keys.clone(), array![selector!("JobAllocated"), 3, 0, 1]);
    let done: felt252 = (T0 + 600).into();
    let allocated_data: Array<felt252> = array![90, done];
    assert_eq!(events.at(0).data.clone(), allocated_data);
    assert_eq!(events.at(1).keys.clone(), array![selector!("WorkerReserved"), 1, 3, 0]);
    assert_eq!(events.at(1).data.clone(), array![600]);
    assert_eq!(events.at(2).keys.clone(), array![selector!("WorkerReleased"), 1, 3, 0]);
    assert_eq!(pool.get_worker(worker_id).reserved_job, JobId { value: 0 });
}

#[test]
#[feature("safe_dispatcher")]
fn pool_calls_are_denied_where_they_must_be() {
    let (address, pool) = setup(16);
    let worker_id = registered(address, pool);
    let safe = ICDCPoolSafeDispatcher { contract_address: address };
    let job_id = JobId { value: 3 };
    start_cheat_caller_address(address, STRANGER());
    assert_reverted_with(safe.allocate_job(job_id, worker_id, 1, 1), MISSING_ROLE);
    assert_reverted_with(safe.reserve_worker(worker_id, job_id, 1), MISSING_ROLE);
    assert_reverted_with(safe.release_worker(worker_id, job_id), MISSING_ROLE);
    assert_reverted_with(safe.deactivate_worker(worker_id, 'x'), 'CDCPool: not owner or admin');
    assert_reverted_with(safe.stake(0), 'CDCPool: zero amount');
    assert_reverted_with(safe.request_unstake(1), 'CDCPool: stake too low');
    assert_reverted_with(safe.complete_unstake(), 'CDCPool: nothing to unstake');
    start_cheat_caller_address(address, WORKER());
    pool.stake(10);
    pool.request_unstake(10);
    assert_reverted_with(safe.complete_unstake(), 'CDCPool: unstake locked');
    start_cheat_caller_address(address, ADMIN());
    assert_reverted_with(safe.allocate_job(job_id, WorkerId { value: 99 }, 1, 1), 'CDCPool: unknown worker');
    assert_reverted_with(safe.release_worker(worker_id, job_id), 'CDCPool: not reserved for job');
    pool.deactivate_worker(worker_id, 'x');
    assert_reverted_with(safe.allocate_job(job_id, worker_id, 1, 1), 'CDCPool: worker inactive');
}

#[test]
fn register_stake_unstake_and_allocate_are_hooked() {
    let (address, pool) = setup(16);
    let monitor = IPerformanceMonitorDispatcher { contract_address: address };
    start_cheat_transaction_hash(address, SAMPLED_TX);
    let mut spy = spy_events();
    let worker_id = registered(address, pool);
    pool.stake(100);
    pool.request_unstake(40);
    start_cheat_caller_address(address, ADMIN());
    pool.allocate_job(JobId { value: 32 }, worker_id, 80, 60);
    let hour = T0 / 3600;
    assert_eq!(monitor.get_call_count(selector!("register_worker"), hour), 16);
    assert_eq!(monitor.get_call_count(selector!("stake"), hour), 16);
    assert_eq!(monitor.get_call_count(selector!("request_unstake"), hour), 16);
    assert_eq!(monitor.get_call_count(selector!("allocate_job"), hour), 16);
    assert_eq!(monitor.get_worker_stats(1).assigned, 16);
    let stake_sampled = CallSampled {
        selector: selector!("stake"), sample_rate: 16, hour_count: 16, block_number: 7, block_timestamp: T0,
    };
    let allocated = JobSampled { job_id: 32, worker: 1, stage: STAGE_ASSIGNED, duration: 0, sample_rate: 16 };
    spy
        .assert_emitted(
            @array![
                (address, PoolEvent::PerformanceEvent(MonitorEvent::CallSampled(stake_sampled))),
                (address, PoolEvent::PerformanceEvent(MonitorEvent::JobSampled(allocated))),
            ],
        );
    let events = raw_events(ref spy, address);
    // WorkerRegistered, CallSampled, StakeAdded, CallSampled, UnstakeRequested, CallSampled, JobAllocated, JobSampled
    assert_eq!(events.len(), 8);
    assert_eq!(events.at(3).keys.clone(), array![monitor_key(), selector!("CallSampled"), selector!("stake")]);
}
