//! JobManager: every entry point, the exact CIRO event felts, access control, and the hooks.

use ciro_monitor::job_manager::JobManager::{
    Event as JobEvent, JobAssigned, JobCompleted, JobSubmitted, ModelRegistered, PaymentReleased,
};
use ciro_monitor::job_manager::{
    IJobManagerDispatcher, IJobManagerDispatcherTrait, IJobManagerSafeDispatcher,
    IJobManagerSafeDispatcherTrait, JobInfo, JobStatus,
};
use ciro_monitor::utils::performance::PerformanceMonitorComponent::{
    Event as MonitorEvent, JobSampled,
};
use ciro_monitor::utils::performance::{
    IPerformanceMonitorAdminSafeDispatcher, IPerformanceMonitorAdminSafeDispatcherTrait,
    IPerformanceMonitorDispatcher, IPerformanceMonitorDispatcherTrait, STAGE_ASSIGNED,
    STAGE_COMPLETED,
};
use snforge_std::{
    EventSpyAssertionsTrait, spy_events, start_cheat_block_timestamp, start_cheat_caller_address,
};
use starknet::ContractAddress;
use crate::common::{
    ADMIN, CLIENT, MISSING_ROLE, STRANGER, WORKER, assert_reverted_with, deploy_monitored,
    monitor_key, raw_events,
};

const T0: u64 = 1735689600;

fn setup(rate: u32) -> (ContractAddress, IJobManagerDispatcher) {
    let address = deploy_monitored("JobManager", rate);
    start_cheat_block_timestamp(address, T0);
    (address, IJobManagerDispatcher { contract_address: address })
}

fn as_caller(address: ContractAddress, caller: ContractAddress) {
    start_cheat_caller_address(address, caller);
}

/// Registers a model and submits `count` jobs from CLIENT, each paying 1000.
fn with_jobs(address: ContractAddress, jm: IJobManagerDispatcher, count: u32) -> u256 {
    as_caller(address, CLIENT());
    let model = jm.register_model('model-hash');
    let mut i = 0;
    while i < count {
        jm.submit_ai_job(model, 'input', 1000);
        i += 1;
    }
    model
}

#[test]
fn register_model_emits_model_registered_with_ciro_felts() {
    let (address, jm) = setup(16);
    let mut spy = spy_events();
    as_caller(address, CLIENT());
    let model_id = jm.register_model('hash');
    assert_eq!(model_id, 1);
    assert_eq!(jm.get_model_owner(1), CLIENT());
    spy.assert_emitted(@array![(address, JobEvent::ModelRegistered(ModelRegistered { model_id: 1, owner: CLIENT() }))]);
    let events = raw_events(ref spy, address);
    let client: felt252 = CLIENT().into();
    assert_eq!(events.at(0).keys.clone(), array![selector!("ModelRegistered"), 1, 0, client]);
    assert_eq!(events.at(0).data.len(), 0);
}

#[test]
fn submit_emits_job_submitted_with_ciro_felts() {
    let (address, jm) = setup(16);
    as_caller(address, CLIENT());
    let model = jm.register_model('hash');
    let mut spy = spy_events();
    let payment: u256 = 0x100000000000000000000000000000005; // high = 1, low = 5
    let job_id = jm.submit_ai_job(model, 'input', payment);
    assert_eq!(job_id, 1);
    let expected = JobSubmitted { job_id: 1, client: CLIENT(), payment };
    spy.assert_emitted(@array![(address, JobEvent::JobSubmitted(expected))]);
    let events = raw_events(ref spy, address);
    let client: felt252 = CLIENT().into();
    assert_eq!(events.at(0).keys.clone(), array![selector!("JobSubmitted"), 1, 0, client]);
    assert_eq!(events.at(0).data.clone(), array![5, 1]);
    let zero: ContractAddress = 0.try_into().unwrap();
    let job = JobInfo { client: CLIENT(), worker: zero, model_id: model, payment, status: JobStatus::QUEUED, assigned_at: 0 };
    assert_eq!(jm.get_job(1), job);
}

#[test]
#[feature("safe_dispatcher")]
fn submit_for_an_unknown_model_is_rejected() {
    let (address, _) = setup(16);
    as_caller(address, CLIENT());
    let safe = IJobManagerSafeDispatcher { contract_address: address };
    assert_reverted_with(safe.submit_ai_job(42, 'input', 1), 'JobMgr: unknown model');
}

#[test]
fn full_lifecycle_emits_every_ciro_event() {
    let (address, jm) = setup(16);
    with_jobs(address, jm, 1);
    let mut spy = spy_events();
    as_caller(address, ADMIN());
    jm.assign_job_to_worker(1, WORKER());
    as_caller(address, WORKER());
    start_cheat_block_timestamp(address, T0 + 90);
    jm.submit_job_result(1, 'result');
    as_caller(address, ADMIN());
    jm.distribute_rewards(1);
    spy
        .assert_emitted(
            @array![
                (address, JobEvent::JobAssigned(JobAssigned { job_id: 1, worker: WORKER() })),
                (address, JobEvent::JobCompleted(JobCompleted { job_id: 1, worker: WORKER() })),
                (address, JobEvent::PaymentReleased(PaymentReleased { job_id: 1, worker: WORKER() , amount: 1000 })),
            ],
        );
    let events = raw_events(ref spy, address);
    let worker: felt252 = WORKER().into();
    assert_eq!(events.len(), 3); // job 1 is not sampled at rate 16: no monitor events
    assert_eq!(events.at(0).keys.clone(), array![selector!("JobAssigned"), 1, 0, worker]);
    assert_eq!(events.at(1).keys.clone(), array![selector!("JobCompleted"), 1, 0, worker]);
    assert_eq!(events.at(2).keys.clone(), array![selector!("PaymentReleased"), 1, 0, worker]);
    assert_eq!(events.at(2).data.clone(), array![1000, 0]);
    let job = jm.get_job(1);
    assert_eq!(job.status, JobStatus::PAID);
    assert_eq!(job.assigned_at, T0);
}

#[test]
fn fail_job_marks_the_job_failed() {
    let (address, jm) = setup(16);
    with_jobs(address, jm, 1);
    as_caller(address, ADMIN());
    jm.assign_job_to_worker(1, WORKER());
    jm.fail_job(1, 'timeout');
    assert_eq!(jm.get_job(1).status, JobStatus::FAILED);
}

#[test]
#[feature("safe_dispatcher")]
fn coordinator_only_and_worker_only_calls_are_denied_to_others() {
    let (address, jm) = setup(16);
    with_jobs(address, jm, 1);
    let safe = IJobManagerSafeDispatcher { contract_address: address };
    as_caller(address, STRANGER());
    assert_reverted_with(safe.assign_job_to_worker(1, WORKER()), MISSING_ROLE);
    assert_reverted_with(safe.fail_job(1, 'x'), MISSING_ROLE);
    assert_reverted_with(safe.distribute_rewards(1), MISSING_ROLE);
    as_caller(address, ADMIN());
    assert_reverted_with(safe.assign_job_to_worker(1, 0.try_into().unwrap()), 'JobMgr: zero worker');
    assert_reverted_with(safe.submit_job_result(1, 'r'), 'JobMgr: wrong job status');
    jm.assign_job_to_worker(1, WORKER());
    assert_reverted_with(safe.assign_job_to_worker(1, WORKER()), 'JobMgr: wrong job status');
    as_caller(address, STRANGER());
    assert_reverted_with(safe.submit_job_result(1, 'r'), 'JobMgr: caller not the worker');
    let monitor_admin = IPerformanceMonitorAdminSafeDispatcher { contract_address: address };
    assert_reverted_with(monitor_admin.set_sample_rate(32), MISSING_ROLE);
    as_caller(address, ADMIN());
    assert_reverted_with(monitor_admin.set_sample_rate(24), 'Monitor: rate not multiple');
}

#[test]
fn hooks_follow_one_job_end_to_end_at_the_sampled_rate() {
    let (address, jm) = setup(16);
    with_jobs(address, jm, 16); // job 16 is the only sampled one
    let monitor = IPerformanceMonitorDispatcher { contract_address: address };
    assert_eq!(monitor.get_call_count(selector!("submit_ai_job"), T0 / 3600), 16);
    let mut spy = spy_events();
    as_caller(address, ADMIN());
    jm.assign_job_to_worker(15, WORKER());
    jm.assign_job_to_worker(16, WORKER());
    start_cheat_block_timestamp(address, T0 + 300);
    as_caller(address, WORKER());
    jm.submit_job_result(16, 'r');
    let worker: felt252 = WORKER().into();
    spy
        .assert_emitted(
            @array![
                (address, JobEvent::PerformanceEvent(MonitorEvent::JobSampled(JobSampled { job_id: 16, worker, stage: STAGE_ASSIGNED, duration: 0, sample_rate: 16 }))),
                (address, JobEvent::PerformanceEvent(MonitorEvent::JobSampled(JobSampled { job_id: 16, worker, stage: STAGE_COMPLETED, duration: 300, sample_rate: 16 }))),
            ],
        );
    let events = raw_events(ref spy, address);
    // JobAssigned(15), JobAssigned(16), JobSampled, JobCompleted(16), JobSampled
    assert_eq!(events.len(), 5);
    assert_eq!(events.at(2).keys.clone(), array![monitor_key(), selector!("JobSampled"), 16, 0, worker]);
    let stats = monitor.get_worker_stats(worker);
    assert_eq!(stats.assigned, 16);
    assert_eq!(stats.completed, 16);
    assert_eq!(stats.total_duration, 300 * 16);
}
