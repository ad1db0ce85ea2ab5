//! PerformanceMonitorComponent through MonitorHarness (floor 1): views, every hook and event,
//! sampling, ring wrap-around, saturation, flushing and admin access control.

use ciro_monitor::metrics_registry::{IMetricsRegistryDispatcher, IMetricsRegistryDispatcherTrait};
use ciro_monitor::utils::performance::PerformanceMonitorComponent::{
    CallSampled, CallsFlushed, Event as MonitorEvent, JobSampled, MonitorError, RegistrySet,
    SampleRateChanged,
};
use ciro_monitor::utils::performance::{
    BlockMarker, ERR_BUCKET_SATURATED, ERR_FLUSH_FAILED, ERR_HOUR_EVICTED, ERR_NO_REGISTRY,
    ERR_STATS_SATURATED, ERR_TIME_RANGE, IPerformanceMonitorAdminDispatcher,
    IPerformanceMonitorAdminDispatcherTrait, IPerformanceMonitorAdminSafeDispatcher,
    IPerformanceMonitorAdminSafeDispatcherTrait, IPerformanceMonitorDispatcher,
    IPerformanceMonitorDispatcherTrait, STAGE_ASSIGNED, STAGE_COMPLETED, STAGE_FAILED, WorkerStats,
};
use snforge_std::{
    EventSpyAssertionsTrait, spy_events, start_cheat_block_number, start_cheat_block_timestamp,
    start_cheat_caller_address, start_cheat_transaction_hash, stop_cheat_caller_address,
};
use starknet::ContractAddress;
use crate::common::{
    ADMIN, MISSING_ROLE, STRANGER, U32_MAX, assert_reverted_with, deploy_admin_only,
    deploy_monitored, monitor_key, raw_events,
};
use crate::mocks::MonitorHarness::Event as HarnessEvent;
use crate::mocks::{IMonitorHarnessDispatcher, IMonitorHarnessDispatcherTrait};

const SEL: felt252 = selector!("some_entry_point");
const HOUR: u64 = 3600;
// 2025-01-01T00:00:00Z, a multiple of 6 hours: hour 482_136, group 80_356, ring slot 0.
const T0: u64 = 1735689600;

fn setup(rate: u32) -> (ContractAddress, IMonitorHarnessDispatcher, IPerformanceMonitorDispatcher) {
    let address = deploy_monitored("MonitorHarness", rate);
    start_cheat_block_timestamp(address, T0);
    start_cheat_block_number(address, 100);
    (address, IMonitorHarnessDispatcher { contract_address: address }, IPerformanceMonitorDispatcher { contract_address: address })
}

fn admin_of(address: ContractAddress) -> IPerformanceMonitorAdminDispatcher {
    start_cheat_caller_address(address, ADMIN());
    IPerformanceMonitorAdminDispatcher { contract_address: address }
}

fn wrap(event: MonitorEvent) -> HarnessEvent {
    HarnessEvent::PerformanceEvent(event)
}

#[test]
fn views_start_from_the_constructor_state() {
    let (_, _, monitor) = setup(4);
    assert_eq!(monitor.get_sample_rate(), 4);
    let no_registry: ContractAddress = 0.try_into().unwrap();
    assert_eq!(monitor.get_registry(), no_registry);
    assert_eq!(monitor.get_call_count(SEL, T0 / HOUR), 0);
    let zero = WorkerStats { assigned: 0, completed: 0, failed: 0, total_duration: 0, last_seen: 0 };
    assert_eq!(monitor.get_worker_stats('w'), zero);
    assert_eq!(monitor.get_block_marker(), BlockMarker { block_number: 0, block_timestamp: 0, calls_in_block: 0 });
}

#[test]
fn sampled_call_updates_bucket_marker_and_emits_call_sampled() {
    let (address, harness, monitor) = setup(4);
    let mut spy = spy_events();
    assert!(harness.hook_call_keyed(SEL, 8));
    let expected = CallSampled { selector: SEL, sample_rate: 4, hour_count: 4, block_number: 100, block_timestamp: T0 };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::CallSampled(expected)))]);
    // Nested component event: keys = [outer variant, inner variant, #[key] selector].
    let events = raw_events(ref spy, address);
    assert_eq!(events.len(), 1);
    assert_eq!(events.at(0).keys.clone(), array![monitor_key(), selector!("CallSampled"), SEL]);
    let t0: felt252 = T0.into();
    let expected_data: Array<felt252> = array![4, 4, 100, t0];
    assert_eq!(events.at(0).data.clone(), expected_data);
    assert_eq!(monitor.get_call_count(SEL, T0 / HOUR), 4);
    assert_eq!(monitor.get_block_marker(), BlockMarker { block_number: 100, block_timestamp: T0, calls_in_block: 4 });
}

#[test]
fn exactly_one_in_n_keys_is_recorded_and_counts_estimate_the_total() {
    let (address, harness, monitor) = setup(4);
    let mut spy = spy_events();
    let mut recorded = 0;
    let mut key: u128 = 0;
    while key < 16 {
        if harness.hook_call_keyed(SEL, key) {
            recorded += 1;
        }
        key += 1;
    }
    assert_eq!(recorded, 4);
    assert_eq!(raw_events(ref spy, address).len(), 4);
    // 4 sampled calls x rate 4 = the 16 calls made.
    assert_eq!(monitor.get_call_count(SEL, T0 / HOUR), 16);
    assert_eq!(monitor.get_block_marker().calls_in_block, 16);
}

#[test]
fn sampling_on_tx_hash_is_deterministic() {
    let (address, harness, _) = setup(16);
    start_cheat_transaction_hash(address, 0x1230);
    assert!(harness.hook_call(SEL));
    start_cheat_transaction_hash(address, 0x1231);
    assert!(!harness.hook_call(SEL));
    start_cheat_transaction_hash(address, 0x1230);
    assert!(harness.hook_call(SEL));
}

#[test]
fn rate_zero_records_nothing() {
    let (address, harness, monitor) = setup(0);
    let mut spy = spy_events();
    assert!(!harness.hook_call_keyed(SEL, 0));
    assert!(!harness.hook_job_assigned(SEL, 0, 'w'));
    assert_eq!(raw_events(ref spy, address).len(), 0);
    assert_eq!(monitor.get_call_count(SEL, T0 / HOUR), 0);
}

#[test]
fn block_marker_restarts_in_a_new_block() {
    let (address, harness, monitor) = setup(1);
    harness.hook_call_keyed(SEL, 1);
    harness.hook_call_keyed(SEL, 2);
    assert_eq!(monitor.get_block_marker().calls_in_block, 2);
    start_cheat_block_number(address, 101);
    start_cheat_block_timestamp(address, T0 + 2);
    harness.hook_call_keyed(SEL, 3);
    assert_eq!(monitor.get_block_marker(), BlockMarker { block_number: 101, block_timestamp: T0 + 2, calls_in_block: 1 });
}

#[test]
fn hourly_buckets_are_separate_and_the_ring_wraps_after_24_hours() {
    let (address, harness, monitor) = setup(1);
    let h0 = T0 / HOUR;
    harness.hook_call_keyed(SEL, 1);
    start_cheat_block_timestamp(address, T0 + 5 * HOUR); // same slot, last counter of the group
    harness.hook_call_keyed(SEL, 1);
    harness.hook_call_keyed(SEL, 1);
    start_cheat_block_timestamp(address, T0 + 6 * HOUR); // next slot
    harness.hook_call_keyed(SEL, 1);
    assert_eq!(monitor.get_call_count(SEL, h0), 1);
    assert_eq!(monitor.get_call_count(SEL, h0 + 5), 2);
    assert_eq!(monitor.get_call_count(SEL, h0 + 6), 1);
    assert_eq!(monitor.get_call_count('other', h0), 0);
    // 24 hours later the same ring slot is reused: the old group is dropped, not accumulated.
    start_cheat_block_timestamp(address, T0 + 24 * HOUR);
    harness.hook_call_keyed(SEL, 1);
    assert_eq!(monitor.get_call_count(SEL, h0 + 24), 1);
    assert_eq!(monitor.get_call_count(SEL, h0), 0);
    assert_eq!(monitor.get_call_count(SEL, h0 + 5), 0);
    assert_eq!(monitor.get_call_count(SEL, h0 + 6), 1);
}

#[test]
fn a_full_bucket_saturates_and_reports_instead_of_reverting() {
    let (address, harness, monitor) = setup(U32_MAX);
    let mut spy = spy_events();
    assert!(harness.hook_call_keyed(SEL, 0)); // exactly u32::MAX: no error yet
    assert_eq!(monitor.get_call_count(SEL, T0 / HOUR), U32_MAX);
    assert!(harness.hook_call_keyed(SEL, 0)); // overflow: clamped, reported, call succeeds
    assert_eq!(monitor.get_call_count(SEL, T0 / HOUR), U32_MAX);
    let error = MonitorError { code: ERR_BUCKET_SATURATED, context: SEL };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::MonitorError(error)))]);
    let events = raw_events(ref spy, address);
    assert_eq!(events.len(), 3); // CallSampled, MonitorError, CallSampled
    assert_eq!(events.at(1).keys.clone(), array![monitor_key(), selector!("MonitorError"), ERR_BUCKET_SATURATED]);
    assert_eq!(events.at(1).data.clone(), array![SEL]);
}

#[test]
fn an_out_of_range_timestamp_is_reported_not_fatal() {
    let (address, harness, _) = setup(1);
    start_cheat_block_timestamp(address, 0x8000000000000000);
    let mut spy = spy_events();
    assert!(harness.hook_call_keyed(SEL, 1));
    let error = MonitorError { code: ERR_TIME_RANGE, context: SEL };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::MonitorError(error)))]);
}

#[test]
fn job_lifecycle_records_worker_stats_and_durations() {
    let (address, harness, monitor) = setup(2);
    let mut spy = spy_events();
    assert!(harness.hook_job_assigned('assign', 4, 'w'));
    start_cheat_block_timestamp(address, T0 + 600);
    assert!(harness.hook_job_finished('complete', 4, 'w', true));
    assert!(harness.hook_job_assigned('assign', 6, 'w'));
    start_cheat_block_timestamp(address, T0 + 700);
    assert!(harness.hook_job_finished('fail', 6, 'w', false));
    assert!(!harness.hook_job_assigned('assign', 7, 'w')); // odd id: not sampled at rate 2
    let stats = monitor.get_worker_stats('w');
    // Scaled by the rate: 2 assignments, 1 success, 1 failure, (600 + 100) s each x 2.
    assert_eq!(stats, WorkerStats { assigned: 4, completed: 2, failed: 2, total_duration: 1400, last_seen: T0 + 700 });
    spy
        .assert_emitted(
            @array![
                (address, wrap(MonitorEvent::JobSampled(JobSampled { job_id: 4, worker: 'w', stage: STAGE_ASSIGNED, duration: 0, sample_rate: 2 }))),
                (address, wrap(MonitorEvent::JobSampled(JobSampled { job_id: 4, worker: 'w', stage: STAGE_COMPLETED, duration: 600, sample_rate: 2 }))),
                (address, wrap(MonitorEvent::JobSampled(JobSampled { job_id: 6, worker: 'w', stage: STAGE_FAILED, duration: 100, sample_rate: 2 }))),
            ],
        );
    let events = raw_events(ref spy, address);
    // keys: outer, inner, job_id.low, job_id.high, worker; data: stage, duration, rate.
    assert_eq!(events.at(1).keys.clone(), array![monitor_key(), selector!("JobSampled"), 4, 0, 'w']);
    assert_eq!(events.at(1).data.clone(), array![1, 600, 2]);
    assert_eq!(monitor.get_call_count('assign', T0 / HOUR), 4);
}

#[test]
fn a_finish_without_recorded_assignment_has_unknown_duration() {
    let (address, harness, monitor) = setup(1);
    let mut spy = spy_events();
    assert!(harness.hook_job_finished('complete', 9, 'w', true));
    let expected = JobSampled { job_id: 9, worker: 'w', stage: STAGE_COMPLETED, duration: 0, sample_rate: 1 };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::JobSampled(expected)))]);
    assert_eq!(monitor.get_worker_stats('w').completed, 1);
}

#[test]
fn worker_counters_saturate_and_report() {
    let (address, harness, monitor) = setup(U32_MAX);
    let mut spy = spy_events();
    harness.hook_job_assigned('assign', 0, 'w');
    harness.hook_job_assigned('assign', 0, 'w');
    assert_eq!(monitor.get_worker_stats('w').assigned, U32_MAX);
    let error = MonitorError { code: ERR_STATS_SATURATED, context: 'w' };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::MonitorError(error)))]);
}

#[test]
fn admin_sets_rate_and_registry_with_events() {
    let (address, _, monitor) = setup(4);
    let admin = admin_of(address);
    let mut spy = spy_events();
    admin.set_sample_rate(8);
    let registry: ContractAddress = 'registry'.try_into().unwrap();
    admin.set_registry(registry);
    assert_eq!(monitor.get_sample_rate(), 8);
    assert_eq!(monitor.get_registry(), registry);
    spy
        .assert_emitted(
            @array![
                (address, wrap(MonitorEvent::SampleRateChanged(SampleRateChanged { old_rate: 4, new_rate: 8 }))),
                (address, wrap(MonitorEvent::RegistrySet(RegistrySet { registry }))),
            ],
        );
}

#[test]
#[feature("safe_dispatcher")]
fn only_the_monitor_admin_may_configure() {
    let (address, _, _) = setup(4);
    start_cheat_caller_address(address, STRANGER());
    let admin = IPerformanceMonitorAdminSafeDispatcher { contract_address: address };
    assert_reverted_with(admin.set_sample_rate(1), MISSING_ROLE);
    assert_reverted_with(admin.set_registry(STRANGER()), MISSING_ROLE);
}

#[test]
fn flush_without_registry_or_outside_the_ring_reports() {
    let (address, harness, monitor) = setup(1);
    harness.hook_call_keyed(SEL, 1);
    let mut spy = spy_events();
    monitor.flush_calls(SEL, T0 / HOUR);
    let no_registry = MonitorError { code: ERR_NO_REGISTRY, context: SEL };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::MonitorError(no_registry)))]);
    admin_of(address).set_registry('registry'.try_into().unwrap());
    monitor.flush_calls(SEL, T0 / HOUR - 24);
    monitor.flush_calls(SEL, T0 / HOUR + 1);
    let evicted = MonitorError { code: ERR_HOUR_EVICTED, context: SEL };
    spy
        .assert_emitted(
            @array![
                (address, wrap(MonitorEvent::MonitorError(evicted))),
                (address, wrap(MonitorEvent::MonitorError(evicted))),
            ],
        );
}

#[test]
fn flush_pushes_to_an_approving_registry_and_survives_a_refusing_one() {
    let (address, harness, monitor) = setup(1);
    let registry_address = deploy_admin_only("MetricsRegistry");
    start_cheat_block_timestamp(registry_address, T0 + 10);
    admin_of(address).set_registry(registry_address);
    stop_cheat_caller_address(address);
    harness.hook_call_keyed(SEL, 1);
    harness.hook_call_keyed(SEL, 2);
    let hour = T0 / HOUR;
    let mut spy = spy_events();

    // Not approved yet: the registry reverts, the monitor catches it and reports.
    monitor.flush_calls(SEL, hour);
    let failed = MonitorError { code: ERR_FLUSH_FAILED, context: SEL };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::MonitorError(failed)))]);

    let registry = IMetricsRegistryDispatcher { contract_address: registry_address };
    start_cheat_caller_address(registry_address, ADMIN());
    registry.approve_reporter(address);
    monitor.flush_calls(SEL, hour);
    let flushed = CallsFlushed { selector: SEL, hour, count: 2, registry: registry_address };
    spy.assert_emitted(@array![(address, wrap(MonitorEvent::CallsFlushed(flushed)))]);
    assert_eq!(registry.get_call_count(address, SEL, hour), 2);
}
