//! MetricsRegistry: collects aggregated samples from approved reporters (monitored contracts
//! flushing their buckets, or keepers). Admin approves reporters; reads can be restricted to a
//! reader role. Note: restricting reads only gates these entry points. Contract storage is
//! public on Starknet, so nothing stored here is confidential.

use starknet::ContractAddress;
use crate::utils::performance::WorkerStats;

#[starknet::interface]
pub trait IMetricsRegistry<TState> {
    /// Called by a contract (or keeper) that wants to report; an admin must then approve it.
    fn request_reporter(ref self: TState);
    fn approve_reporter(ref self: TState, reporter: ContractAddress);
    fn revoke_reporter(ref self: TState, reporter: ContractAddress);
    /// Stores (does not add) the count for (caller, selector, hour): flushes are idempotent.
    fn push_call_sample(ref self: TState, selector: felt252, hour: u64, count: u32);
    fn push_worker_sample(ref self: TState, worker: felt252, stats: WorkerStats);
    fn set_reads_restricted(ref self: TState, restricted: bool);
    fn pause(ref self: TState);
    fn unpause(ref self: TState);
    fn is_reporter(self: @TState, account: ContractAddress) -> bool;
    fn is_pending_reporter(self: @TState, account: ContractAddress) -> bool;
    fn reads_restricted(self: @TState) -> bool;
    fn get_call_count(
        self: @TState, reporter: ContractAddress, selector: felt252, hour: u64,
    ) -> u32;
    fn get_latest_hour(self: @TState, reporter: ContractAddress, selector: felt252) -> u64;
    fn get_worker_stats(self: @TState, reporter: ContractAddress, worker: felt252) -> WorkerStats;
}

#[starknet::contract]
pub mod MetricsRegistry {
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_introspection::src5::SRC5Component;
    use openzeppelin_security::pausable::PausableComponent;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_block_timestamp, get_caller_address};
    use crate::roles::{DEFAULT_ADMIN_ROLE, READER_ROLE, REPORTER_ROLE};
    use crate::utils::performance::{SECONDS_PER_HOUR, WorkerStats};
    use super::IMetricsRegistry;

    component!(path: AccessControlComponent, storage: access_control, event: AccessControlEvent);
    component!(path: SRC5Component, storage: src5, event: SRC5Event);
    component!(path: PausableComponent, storage: pausable, event: PausableEvent);

    #[abi(embed_v0)]
    impl AccessControlMixinImpl =
        AccessControlComponent::AccessControlMixinImpl<ContractState>;
    impl AccessControlInternalImpl = AccessControlComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl PausableImpl = PausableComponent::PausableImpl<ContractState>;
    impl PausableInternalImpl = PausableComponent::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access_control: AccessControlComponent::Storage,
        #[substorage(v0)]
        src5: SRC5Component::Storage,
        #[substorage(v0)]
        pausable: PausableComponent::Storage,
        pending_reporters: Map<ContractAddress, bool>,
        restrict_reads: bool,
        /// (reporter, selector, hour) -> estimated calls. History is the registry's purpose;
        /// its growth is paid by the reporters that flush.
        call_counts: Map<(ContractAddress, felt252, u64), u32>,
        latest_hour: Map<(ContractAddress, felt252), u64>,
        /// (reporter, worker) -> packed stats (same StorePacking as the component).
        worker_stats: Map<(ContractAddress, felt252), WorkerStats>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        ReporterRequested: ReporterRequested,
        ReporterApproved: ReporterApproved,
        ReporterRevoked: ReporterRevoked,
        CallSamplePushed: CallSamplePushed,
        WorkerSamplePushed: WorkerSamplePushed,
        ReadsRestrictionChanged: ReadsRestrictionChanged,
        #[flat]
        AccessControlEvent: AccessControlComponent::Event,
        #[flat]
        SRC5Event: SRC5Component::Event,
        #[flat]
        PausableEvent: PausableComponent::Event,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct ReporterRequested {
        #[key]
        pub reporter: ContractAddress,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct ReporterApproved {
        #[key]
        pub reporter: ContractAddress,
        pub approved_by: ContractAddress,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct ReporterRevoked {
        #[key]
        pub reporter: ContractAddress,
        pub revoked_by: ContractAddress,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct CallSamplePushed {
        #[key]
        pub reporter: ContractAddress,
        #[key]
        pub selector: felt252,
        pub hour: u64,
        pub count: u32,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct WorkerSamplePushed {
        #[key]
        pub reporter: ContractAddress,
        #[key]
        pub worker: felt252,
        pub assigned: u32,
        pub completed: u32,
        pub failed: u32,
        pub total_duration: u64,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct ReadsRestrictionChanged {
        pub restricted: bool,
    }

    pub mod Errors {
        pub const ALREADY_REPORTER: felt252 = 'Registry: already reporter';
        pub const FUTURE_HOUR: felt252 = 'Registry: hour in the future';
        pub const NOT_READER: felt252 = 'Registry: caller not a reader';
    }

    #[constructor]
    fn constructor(ref self: ContractState, admin: ContractAddress) {
        self.access_control.initializer();
        self.access_control._grant_role(DEFAULT_ADMIN_ROLE, admin);
    }

    #[abi(embed_v0)]
    impl MetricsRegistryImpl of IMetricsRegistry<ContractState> {
        fn request_reporter(ref self: ContractState) {
            let reporter = get_caller_address();
            assert(!self._is_reporter(reporter), Errors::ALREADY_REPORTER);
            self.pending_reporters.write(reporter, true);
            self.emit(ReporterRequested { reporter });
        }

        fn approve_reporter(ref self: ContractState, reporter: ContractAddress) {
            self.access_control.assert_only_role(DEFAULT_ADMIN_ROLE);
            self.pending_reporters.write(reporter, false);
            self.access_control._grant_role(REPORTER_ROLE, reporter);
            self.emit(ReporterApproved { reporter, approved_by: get_caller_address() });
        }

        fn revoke_reporter(ref self: ContractState, reporter: ContractAddress) {
            self.access_control.assert_only_role(DEFAULT_ADMIN_ROLE);
            self.pending_reporters.write(reporter, false);
            self.access_control._revoke_role(REPORTER_ROLE, reporter);
            self.emit(ReporterRevoked { reporter, revoked_by: get_caller_address() });
        }

        fn push_call_sample(ref self: ContractState, selector: felt252, hour: u64, count: u32) {
            self.pausable.assert_not_paused();
            self.access_control.assert_only_role(REPORTER_ROLE);
            assert(hour <= get_block_timestamp() / SECONDS_PER_HOUR, Errors::FUTURE_HOUR);
            let reporter = get_caller_address();
            self.call_counts.write((reporter, selector, hour), count);
            if hour > self.latest_hour.read((reporter, selector)) {
                self.latest_hour.write((reporter, selector), hour);
            }
            self.emit(CallSamplePushed { reporter, selector, hour, count });
        }

        fn push_worker_sample(ref self: ContractState, worker: felt252, stats: WorkerStats) {
            self.pausable.assert_not_paused();
            self.access_control.assert_only_role(REPORTER_ROLE);
            let reporter = get_caller_address();
            self.worker_stats.write((reporter, worker), stats);
            self
                .emit(
                    WorkerSamplePushed {
                        reporter,
                        worker,
                        assigned: stats.assigned,
                        completed: stats.completed,
                        failed: stats.failed,
                        total_duration: stats.total_duration,
                    },
                );
        }

        fn set_reads_restricted(ref self: ContractState, restricted: bool) {
            self.access_control.assert_only_role(DEFAULT_ADMIN_ROLE);
            self.restrict_reads.write(restricted);
            self.emit(ReadsRestrictionChanged { restricted });
        }

        fn pause(ref self: ContractState) {
            self.access_control.assert_only_role(DEFAULT_ADMIN_ROLE);
            self.pausable.pause();
        }

        fn unpause(ref self: ContractState) {
            self.access_control.assert_only_role(DEFAULT_ADMIN_ROLE);
            self.pausable.unpause();
        }

        fn is_reporter(self: @ContractState, account: ContractAddress) -> bool {
            self._is_reporter(account)
        }

        fn is_pending_reporter(self: @ContractState, account: ContractAddress) -> bool {
            self.pending_reporters.read(account)
        }

        fn reads_restricted(self: @ContractState) -> bool {
            self.restrict_reads.read()
        }

        fn get_call_count(
            self: @ContractState, reporter: ContractAddress, selector: felt252, hour: u64,
        ) -> u32 {
            self._assert_can_read();
            self.call_counts.read((reporter, selector, hour))
        }

        fn get_latest_hour(self: @ContractState, reporter: ContractAddress, selector: felt252) -> u64 {
            self._assert_can_read();
            self.latest_hour.read((reporter, selector))
        }

        fn get_worker_stats(
            self: @ContractState, reporter: ContractAddress, worker: felt252,
        ) -> WorkerStats {
            self._assert_can_read();
            self.worker_stats.read((reporter, worker))
        }
    }

    #[generate_trait]
    impl PrivateImpl of PrivateTrait {
        fn _is_reporter(self: @ContractState, account: ContractAddress) -> bool {
            AccessControlMixinImpl::has_role(self, REPORTER_ROLE, account)
        }

        fn _assert_can_read(self: @ContractState) {
            if self.restrict_reads.read() {
                let caller = get_caller_address();
                let allowed = AccessControlMixinImpl::has_role(self, READER_ROLE, caller);
                assert(allowed, Errors::NOT_READER);
            }
        }
    }
}
