//! MetricsRegistry: reporter approval, pushes, views, read restriction, pause, and every denial.

use ciro_monitor::metrics_registry::MetricsRegistry::{
    CallSamplePushed, Event as RegistryEvent, ReadsRestrictionChanged, ReporterApproved,
    ReporterRequested, ReporterRevoked, WorkerSamplePushed,
};
use ciro_monitor::metrics_registry::{
    IMetricsRegistryDispatcher, IMetricsRegistryDispatcherTrait, IMetricsRegistrySafeDispatcher,
    IMetricsRegistrySafeDispatcherTrait,
};
use ciro_monitor::roles::READER_ROLE;
use ciro_monitor::utils::performance::WorkerStats;
use openzeppelin_access::accesscontrol::interface::{
    IAccessControlDispatcher, IAccessControlDispatcherTrait,
};
use openzeppelin_security::interface::{IPausableDispatcher, IPausableDispatcherTrait};
use snforge_std::{
    EventSpyAssertionsTrait, spy_events, start_cheat_block_timestamp, start_cheat_caller_address,
};
use starknet::ContractAddress;
use crate::common::{ADMIN, MISSING_ROLE, STRANGER, assert_reverted_with, deploy_admin_only, raw_events};

const T0: u64 = 1735689600;

fn REPORTER() -> ContractAddress {
    'REPORTER'.try_into().unwrap()
}

fn READER() -> ContractAddress {
    'READER'.try_into().unwrap()
}

fn setup() -> (ContractAddress, IMetricsRegistryDispatcher, IMetricsRegistrySafeDispatcher) {
    let address = deploy_admin_only("MetricsRegistry");
    start_cheat_block_timestamp(address, T0);
    (address, IMetricsRegistryDispatcher { contract_address: address }, IMetricsRegistrySafeDispatcher { contract_address: address })
}

fn approved(address: ContractAddress, registry: IMetricsRegistryDispatcher) {
    start_cheat_caller_address(address, REPORTER());
    registry.request_reporter();
    start_cheat_caller_address(address, ADMIN());
    registry.approve_reporter(REPORTER());
    start_cheat_caller_address(address, REPORTER());
}

#[test]
fn reporters_request_then_get_approved_and_revoked() {
    let (address, registry, _) = setup();
    let mut spy = spy_events();
    start_cheat_caller_address(address, REPORTER());
    registry.request_reporter();
    assert!(registry.is_pending_reporter(REPORTER()));
    assert!(!registry.is_reporter(REPORTER()));
    start_cheat_caller_address(address, ADMIN());
    registry.approve_reporter(REPORTER());
    assert!(registry.is_reporter(REPORTER()));
    assert!(!registry.is_pending_reporter(REPORTER()));
    registry.revoke_reporter(REPORTER());
    assert!(!registry.is_reporter(REPORTER()));
    spy
        .assert_emitted(
            @array![
                (address, RegistryEvent::ReporterRequested(ReporterRequested { reporter: REPORTER() })),
                (address, RegistryEvent::ReporterApproved(ReporterApproved { reporter: REPORTER(), approved_by: ADMIN() })),
                (address, RegistryEvent::ReporterRevoked(ReporterRevoked { reporter: REPORTER(), revoked_by: ADMIN() })),
            ],
        );
    let reporter: felt252 = REPORTER().into();
    let events = raw_events(ref spy, address);
    assert_eq!(events.at(0).keys.clone(), array![selector!("ReporterRequested"), reporter]);
}

#[test]
fn reporters_push_samples_that_views_return() {
    let (address, registry, _) = setup();
    approved(address, registry);
    let mut spy = spy_events();
    let hour = T0 / 3600;
    registry.push_call_sample('fn', hour - 1, 7);
    registry.push_call_sample('fn', hour, 40);
    registry.push_call_sample('fn', hour, 48); // stored, not added: flushes are idempotent
    let stats = WorkerStats { assigned: 5, completed: 4, failed: 1, total_duration: 900, last_seen: T0 };
    registry.push_worker_sample('w', stats);
    assert_eq!(registry.get_call_count(REPORTER(), 'fn', hour), 48);
    assert_eq!(registry.get_call_count(REPORTER(), 'fn', hour - 1), 7);
    assert_eq!(registry.get_latest_hour(REPORTER(), 'fn'), hour);
    assert_eq!(registry.get_worker_stats(REPORTER(), 'w'), stats);
    spy
        .assert_emitted(
            @array![
                (address, RegistryEvent::CallSamplePushed(CallSamplePushed { reporter: REPORTER(), selector: 'fn', hour, count: 48 })),
                (address, RegistryEvent::WorkerSamplePushed(WorkerSamplePushed { reporter: REPORTER(), worker: 'w', assigned: 5, completed: 4, failed: 1, total_duration: 900 })),
            ],
        );
    let reporter: felt252 = REPORTER().into();
    let events = raw_events(ref spy, address);
    assert_eq!(events.at(2).keys.clone(), array![selector!("CallSamplePushed"), reporter, 'fn']);
    let hour_felt: felt252 = hour.into();
    let pushed: Array<felt252> = array![hour_felt, 48];
    assert_eq!(events.at(2).data.clone(), pushed);
}

#[test]
#[feature("safe_dispatcher")]
fn every_role_is_denied_where_it_must_be() {
    let (address, registry, safe) = setup();
    start_cheat_caller_address(address, STRANGER());
    assert_reverted_with(safe.approve_reporter(STRANGER()), MISSING_ROLE);
    assert_reverted_with(safe.revoke_reporter(STRANGER()), MISSING_ROLE);
    assert_reverted_with(safe.push_call_sample('fn', 1, 1), MISSING_ROLE);
    let stats = WorkerStats { assigned: 0, completed: 0, failed: 0, total_duration: 0, last_seen: 0 };
    assert_reverted_with(safe.push_worker_sample('w', stats), MISSING_ROLE);
    assert_reverted_with(safe.set_reads_restricted(true), MISSING_ROLE);
    assert_reverted_with(safe.pause(), MISSING_ROLE);
    assert_reverted_with(safe.unpause(), MISSING_ROLE);
    // A reporter is not an admin.
    approved(address, registry);
    assert_reverted_with(safe.approve_reporter(STRANGER()), MISSING_ROLE);
    assert_reverted_with(safe.request_reporter(), 'Registry: already reporter');
    assert_reverted_with(safe.push_call_sample('fn', T0 / 3600 + 1, 1), 'Registry: hour in the future');
}

#[test]
#[feature("safe_dispatcher")]
fn pause_stops_pushes_until_unpaused() {
    let (address, registry, safe) = setup();
    approved(address, registry);
    let mut spy = spy_events();
    start_cheat_caller_address(address, ADMIN());
    registry.pause();
    assert!(IPausableDispatcher { contract_address: address }.is_paused());
    start_cheat_caller_address(address, REPORTER());
    assert_reverted_with(safe.push_call_sample('fn', 1, 1), 'Pausable: paused');
    start_cheat_caller_address(address, ADMIN());
    registry.unpause();
    start_cheat_caller_address(address, REPORTER());
    registry.push_call_sample('fn', 1, 1);
    assert_eq!(raw_events(ref spy, address).len(), 3); // Paused, Unpaused, CallSamplePushed
}

#[test]
#[feature("safe_dispatcher")]
fn restricted_reads_need_the_reader_role() {
    let (address, registry, safe) = setup();
    let mut spy = spy_events();
    start_cheat_caller_address(address, ADMIN());
    registry.set_reads_restricted(true);
    assert!(registry.reads_restricted());
    spy.assert_emitted(@array![(address, RegistryEvent::ReadsRestrictionChanged(ReadsRestrictionChanged { restricted: true }))]);
    start_cheat_caller_address(address, STRANGER());
    assert_reverted_with(safe.get_call_count(ADMIN(), 'fn', 1), 'Registry: caller not a reader');
    assert_reverted_with(safe.get_latest_hour(ADMIN(), 'fn'), 'Registry: caller not a reader');
    assert_reverted_with(safe.get_worker_stats(ADMIN(), 'w'), 'Registry: caller not a reader');
    start_cheat_caller_address(address, ADMIN());
    IAccessControlDispatcher { contract_address: address }.grant_role(READER_ROLE, READER());
    start_cheat_caller_address(address, READER());
    assert_eq!(registry.get_call_count(ADMIN(), 'fn', 1), 0);
}
