//! Minimal CIRO CDCPool (compute provider pool) with the PerformanceMonitorComponent embedded.
//!
//! The nine CIRO events keep their real variant names, `#[key]` fields, field order and types
//! (WorkerId = 1 felt, JobId = 2 felts, WorkerCapabilities = 8 felts), so keys[0] and the felt
//! layouts match the deployed contract's. Stakes are bookkeeping only: the real pool moves CIRO
//! tokens, which changes nothing in the events.

use starknet::ContractAddress;
use crate::types::{JobId, WorkerCapabilities, WorkerId};

/// Seconds between request_unstake and complete_unstake.
pub const UNSTAKE_DELAY: u64 = 604800;

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct WorkerInfo {
    pub owner: ContractAddress,
    pub active: bool,
    pub capabilities: WorkerCapabilities,
    /// JobId { value: 0 } when the worker is not reserved.
    pub reserved_job: JobId,
}

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct PendingUnstake {
    pub amount: u256,
    pub unlock_time: u64,
}

#[starknet::interface]
pub trait ICDCPool<TState> {
    fn register_worker(ref self: TState, capabilities: WorkerCapabilities) -> WorkerId;
    fn deactivate_worker(ref self: TState, worker_id: WorkerId, reason: felt252);
    fn reactivate_worker(ref self: TState, worker_id: WorkerId);
    fn stake(ref self: TState, amount: u256);
    fn request_unstake(ref self: TState, amount: u256);
    fn complete_unstake(ref self: TState);
    fn allocate_job(
        ref self: TState,
        job_id: JobId,
        worker_id: WorkerId,
        confidence_score: u8,
        estimated_duration: u64,
    );
    fn reserve_worker(ref self: TState, worker_id: WorkerId, job_id: JobId, duration: u64);
    fn release_worker(ref self: TState, worker_id: WorkerId, job_id: JobId);
    fn get_worker(self: @TState, worker_id: WorkerId) -> WorkerInfo;
    fn get_stake(self: @TState, worker: ContractAddress) -> u256;
    fn get_pending_unstake(self: @TState, worker: ContractAddress) -> PendingUnstake;
}

#[starknet::contract]
pub mod CDCPool {
    use core::num::traits::Zero;
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_introspection::src5::SRC5Component;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_block_timestamp, get_caller_address, get_execution_info};
    use crate::roles::{COORDINATOR_ROLE, DEFAULT_ADMIN_ROLE, MONITOR_ADMIN_ROLE};
    use crate::types::{JobId, WorkerCapabilities, WorkerId};
    use crate::utils::performance::{DefaultConfig, PerformanceMonitorComponent};
    use super::{ICDCPool, PendingUnstake, UNSTAKE_DELAY, WorkerInfo};

    component!(path: AccessControlComponent, storage: access_control, event: AccessControlEvent);
    component!(path: SRC5Component, storage: src5, event: SRC5Event);
    component!(path: PerformanceMonitorComponent, storage: monitor, event: PerformanceEvent);

    #[abi(embed_v0)]
    impl AccessControlMixinImpl =
        AccessControlComponent::AccessControlMixinImpl<ContractState>;
    impl AccessControlInternalImpl = AccessControlComponent::InternalImpl<ContractState>;

    #[abi(embed_v0)]
    impl PerformanceMonitorImpl =
        PerformanceMonitorComponent::PerformanceMonitorImpl<ContractState>;
    #[abi(embed_v0)]
    impl PerformanceMonitorAdminImpl =
        PerformanceMonitorComponent::PerformanceMonitorAdminImpl<ContractState>;
    impl PerformanceMonitorInternalImpl = PerformanceMonitorComponent::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access_control: AccessControlComponent::Storage,
        #[substorage(v0)]
        src5: SRC5Component::Storage,
        #[substorage(v0)]
        monitor: PerformanceMonitorComponent::Storage,
        next_worker_id: felt252,
        workers: Map<felt252, WorkerInfo>,
        stakes: Map<ContractAddress, u256>,
        pending_unstakes: Map<ContractAddress, PendingUnstake>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        WorkerRegistered: WorkerRegistered,
        WorkerDeactivated: WorkerDeactivated,
        WorkerReactivated: WorkerReactivated,
        StakeAdded: StakeAdded,
        UnstakeRequested: UnstakeRequested,
        UnstakeExecuted: UnstakeExecuted,
        JobAllocated: JobAllocated,
        WorkerReserved: WorkerReserved,
        WorkerReleased: WorkerReleased,
        #[flat]
        AccessControlEvent: AccessControlComponent::Event,
        #[flat]
        SRC5Event: SRC5Component::Event,
        PerformanceEvent: PerformanceMonitorComponent::Event,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct WorkerRegistered {
        #[key]
        pub worker_id: WorkerId,
        #[key]
        pub owner: ContractAddress,
        pub capabilities: WorkerCapabilities,
        pub stake_amount: u256,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct WorkerDeactivated {
        #[key]
        pub worker_id: WorkerId,
        pub reason: felt252,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct WorkerReactivated {
        #[key]
        pub worker_id: WorkerId,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct StakeAdded {
        #[key]
        pub worker: ContractAddress,
        pub amount: u256,
        pub total_stake: u256,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct UnstakeRequested {
        #[key]
        pub worker: ContractAddress,
        pub amount: u256,
        pub unlock_time: u64,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct UnstakeExecuted {
        #[key]
        pub worker: ContractAddress,
        pub amount: u256,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct JobAllocated {
        #[key]
        pub job_id: JobId,
        #[key]
        pub worker_id: WorkerId,
        pub confidence_score: u8,
        pub estimated_completion: u64,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct WorkerReserved {
        #[key]
        pub worker_id: WorkerId,
        #[key]
        pub job_id: JobId,
        pub duration: u64,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct WorkerReleased {
        #[key]
        pub worker_id: WorkerId,
        #[key]
        pub job_id: JobId,
    }

    pub mod Errors {
        pub const UNKNOWN_WORKER: felt252 = 'CDCPool: unknown worker';
        pub const NOT_OWNER: felt252 = 'CDCPool: not owner or admin';
        pub const INACTIVE: felt252 = 'CDCPool: worker inactive';
        pub const ALREADY_ACTIVE: felt252 = 'CDCPool: worker active';
        pub const ZERO_AMOUNT: felt252 = 'CDCPool: zero amount';
        pub const LOW_STAKE: felt252 = 'CDCPool: stake too low';
        pub const NOTHING_PENDING: felt252 = 'CDCPool: nothing to unstake';
        pub const LOCKED: felt252 = 'CDCPool: unstake locked';
        pub const RESERVED: felt252 = 'CDCPool: worker reserved';
        pub const WRONG_JOB: felt252 = 'CDCPool: not reserved for job';
    }

    #[constructor]
    fn constructor(ref self: ContractState, admin: ContractAddress, sample_rate: u32) {
        self.access_control.initializer();
        self.access_control._grant_role(DEFAULT_ADMIN_ROLE, admin);
        self.access_control._grant_role(COORDINATOR_ROLE, admin);
        self.access_control._grant_role(MONITOR_ADMIN_ROLE, admin);
        self.monitor.initializer(sample_rate);
    }

    // Hooks run last: a call that reverts is never counted, and a hook cannot revert a call.
    #[abi(embed_v0)]
    impl CDCPoolImpl of ICDCPool<ContractState> {
        fn register_worker(ref self: ContractState, capabilities: WorkerCapabilities) -> WorkerId {
            let (owner, sample_key) = caller_and_sample_key();
            let id = self.next_worker_id.read() + 1;
            self.next_worker_id.write(id);
            let reserved_job = JobId { value: 0 };
            self.workers.write(id, WorkerInfo { owner, active: true, capabilities, reserved_job });
            let worker_id = WorkerId { value: id };
            // CIRO emits stake_amount 0 here: staking is a separate call.
            self.emit(WorkerRegistered { worker_id, owner, capabilities, stake_amount: 0 });
            self.monitor.record_call_keyed(selector!("register_worker"), sample_key);
            worker_id
        }

        fn deactivate_worker(ref self: ContractState, worker_id: WorkerId, reason: felt252) {
            self._assert_owner_or_coordinator(worker_id);
            let worker = self.workers.entry(worker_id.value);
            assert(worker.active.read(), Errors::INACTIVE);
            worker.active.write(false);
            self.emit(WorkerDeactivated { worker_id, reason });
        }

        fn reactivate_worker(ref self: ContractState, worker_id: WorkerId) {
            self._assert_owner_or_coordinator(worker_id);
            let worker = self.workers.entry(worker_id.value);
            assert(!worker.active.read(), Errors::ALREADY_ACTIVE);
            worker.active.write(true);
            self.emit(WorkerReactivated { worker_id });
        }

        fn stake(ref self: ContractState, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let (worker, sample_key) = caller_and_sample_key();
            let total_stake = self.stakes.read(worker) + amount;
            self.stakes.write(worker, total_stake);
            self.emit(StakeAdded { worker, amount, total_stake });
            self.monitor.record_call_keyed(selector!("stake"), sample_key);
        }

        fn request_unstake(ref self: ContractState, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let (worker, sample_key) = caller_and_sample_key();
            let staked = self.stakes.read(worker);
            assert(amount <= staked, Errors::LOW_STAKE);
            self.stakes.write(worker, staked - amount);
            let pending = self.pending_unstakes.read(worker);
            let unlock_time = get_block_timestamp() + UNSTAKE_DELAY;
            let total_pending = pending.amount + amount;
            self.pending_unstakes.write(worker, PendingUnstake { amount: total_pending, unlock_time });
            self.emit(UnstakeRequested { worker, amount, unlock_time });
            self.monitor.record_call_keyed(selector!("request_unstake"), sample_key);
        }

        fn complete_unstake(ref self: ContractState) {
            let (worker, sample_key) = caller_and_sample_key();
            let pending = self.pending_unstakes.read(worker);
            assert(pending.amount != 0, Errors::NOTHING_PENDING);
            assert(get_block_timestamp() >= pending.unlock_time, Errors::LOCKED);
            self.pending_unstakes.write(worker, PendingUnstake { amount: 0, unlock_time: 0 });
            self.emit(UnstakeExecuted { worker, amount: pending.amount });
            self.monitor.record_call_keyed(selector!("complete_unstake"), sample_key);
        }

        fn allocate_job(
            ref self: ContractState,
            job_id: JobId,
            worker_id: WorkerId,
            confidence_score: u8,
            estimated_duration: u64,
        ) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            self._assert_known(worker_id);
            let worker = self.workers.entry(worker_id.value);
            assert(worker.active.read(), Errors::INACTIVE);
            let estimated_completion = get_block_timestamp() + estimated_duration;
            self.emit(JobAllocated { job_id, worker_id, confidence_score, estimated_completion });
            self
                .monitor
                .record_job_assigned(selector!("allocate_job"), job_id.value, worker_id.value);
        }

        fn reserve_worker(ref self: ContractState, worker_id: WorkerId, job_id: JobId, duration: u64) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            self._assert_known(worker_id);
            let worker = self.workers.entry(worker_id.value);
            assert(worker.active.read(), Errors::INACTIVE);
            assert(worker.reserved_job.read().value == 0, Errors::RESERVED);
            worker.reserved_job.write(job_id);
            self.emit(WorkerReserved { worker_id, job_id, duration });
        }

        fn release_worker(ref self: ContractState, worker_id: WorkerId, job_id: JobId) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            self._assert_known(worker_id);
            let worker = self.workers.entry(worker_id.value);
            assert(worker.reserved_job.read() == job_id, Errors::WRONG_JOB);
            worker.reserved_job.write(JobId { value: 0 });
            self.emit(WorkerReleased { worker_id, job_id });
        }

        fn get_worker(self: @ContractState, worker_id: WorkerId) -> WorkerInfo {
            self.workers.read(worker_id.value)
        }

        fn get_stake(self: @ContractState, worker: ContractAddress) -> u256 {
            self.stakes.read(worker)
        }

        fn get_pending_unstake(self: @ContractState, worker: ContractAddress) -> PendingUnstake {
            self.pending_unstakes.read(worker)
        }
    }

    /// Caller and tx-hash sampling key from a single get_execution_info syscall: the monitor's
    /// key then costs nothing beyond what the host already pays for its caller.
    fn caller_and_sample_key() -> (ContractAddress, u128) {
        let info = get_execution_info().unbox();
        let tx_hash: u256 = info.tx_info.unbox().transaction_hash.into();
        (info.caller_address, tx_hash.low)
    }

    #[generate_trait]
    impl PrivateImpl of PrivateTrait {
        fn _assert_known(self: @ContractState, worker_id: WorkerId) {
            let owner = self.workers.entry(worker_id.value).owner.read();
            assert(owner.is_non_zero(), Errors::UNKNOWN_WORKER);
        }

        /// The worker's owner or a coordinator may (de)activate it.
        fn _assert_owner_or_coordinator(self: @ContractState, worker_id: WorkerId) {
            let owner = self.workers.entry(worker_id.value).owner.read();
            assert(owner.is_non_zero(), Errors::UNKNOWN_WORKER);
            let caller = get_caller_address();
            let allowed = owner == caller
                || AccessControlMixinImpl::has_role(self, COORDINATOR_ROLE, caller);
            assert(allowed, Errors::NOT_OWNER);
        }
    }
}
