//! Minimal CIRO JobManager with the PerformanceMonitorComponent embedded.
//!
//! The five CIRO events keep their real variant names, `#[key]` fields, field order and types
//! (job_id and model_id are plain u256 in the events, as in CIRO), so keys[0] = sn_keccak(name)
//! and the felt layouts are identical to the deployed contract's. Payments are bookkeeping only
//! here: the real contract moves tokens, which changes nothing in the events.

use starknet::ContractAddress;

pub mod JobStatus {
    pub const NONE: u8 = 0;
    pub const QUEUED: u8 = 1;
    pub const ASSIGNED: u8 = 2;
    pub const COMPLETED: u8 = 3;
    pub const FAILED: u8 = 4;
    pub const PAID: u8 = 5;
}

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct JobInfo {
    pub client: ContractAddress,
    pub worker: ContractAddress,
    pub model_id: u256,
    pub payment: u256,
    pub status: u8,
    pub assigned_at: u64,
}

#[starknet::interface]
pub trait IJobManager<TState> {
    fn register_model(ref self: TState, model_hash: felt252) -> u256;
    fn submit_ai_job(ref self: TState, model_id: u256, input_hash: felt252, payment: u256) -> u256;
    fn assign_job_to_worker(ref self: TState, job_id: u256, worker: ContractAddress);
    fn submit_job_result(ref self: TState, job_id: u256, result_hash: felt252);
    fn fail_job(ref self: TState, job_id: u256, reason: felt252);
    fn distribute_rewards(ref self: TState, job_id: u256);
    fn get_job(self: @TState, job_id: u256) -> JobInfo;
    fn get_model_owner(self: @TState, model_id: u256) -> ContractAddress;
}

#[starknet::contract]
pub mod JobManager {
    use core::num::traits::Zero;
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_introspection::src5::SRC5Component;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_block_timestamp, get_caller_address};
    use crate::roles::{COORDINATOR_ROLE, DEFAULT_ADMIN_ROLE, MONITOR_ADMIN_ROLE};
    use crate::utils::performance::PerformanceMonitorComponent;
    use super::{IJobManager, JobInfo, JobStatus};

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

    /// Job ids are sequential, so with a floor of 16 fifteen jobs in sixteen never touch
    /// monitor storage; the admin-set rate must be a multiple of 16 (or 0 = off).
    impl PerformanceMonitorConfig of PerformanceMonitorComponent::ImmutableConfig {
        const SAMPLE_FLOOR: u32 = 16;
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access_control: AccessControlComponent::Storage,
        #[substorage(v0)]
        src5: SRC5Component::Storage,
        #[substorage(v0)]
        monitor: PerformanceMonitorComponent::Storage,
        next_job_id: u256,
        next_model_id: u256,
        jobs: Map<u256, JobInfo>,
        job_inputs: Map<u256, felt252>,
        job_results: Map<u256, felt252>,
        job_fail_reasons: Map<u256, felt252>,
        model_owners: Map<u256, ContractAddress>,
        model_hashes: Map<u256, felt252>,
    }

    /// CIRO variants stay un-flattened and first; the monitor is nested under its own outer
    /// name (keys[0] = sn_keccak("PerformanceEvent")), so it can never collide with CIRO names.
    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        JobSubmitted: JobSubmitted,
        JobAssigned: JobAssigned,
        JobCompleted: JobCompleted,
        PaymentReleased: PaymentReleased,
        ModelRegistered: ModelRegistered,
        #[flat]
        AccessControlEvent: AccessControlComponent::Event,
        #[flat]
        SRC5Event: SRC5Component::Event,
        PerformanceEvent: PerformanceMonitorComponent::Event,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct JobSubmitted {
        #[key]
        pub job_id: u256,
        #[key]
        pub client: ContractAddress,
        pub payment: u256,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct JobAssigned {
        #[key]
        pub job_id: u256,
        #[key]
        pub worker: ContractAddress,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct JobCompleted {
        #[key]
        pub job_id: u256,
        #[key]
        pub worker: ContractAddress,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct PaymentReleased {
        #[key]
        pub job_id: u256,
        #[key]
        pub worker: ContractAddress,
        pub amount: u256,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct ModelRegistered {
        #[key]
        pub model_id: u256,
        #[key]
        pub owner: ContractAddress,
    }

    pub mod Errors {
        pub const UNKNOWN_MODEL: felt252 = 'JobMgr: unknown model';
        pub const WRONG_STATUS: felt252 = 'JobMgr: wrong job status';
        pub const NOT_WORKER: felt252 = 'JobMgr: caller not the worker';
        pub const ZERO_WORKER: felt252 = 'JobMgr: zero worker';
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
    impl JobManagerImpl of IJobManager<ContractState> {
        fn register_model(ref self: ContractState, model_hash: felt252) -> u256 {
            let model_id = self.next_model_id.read() + 1;
            self.next_model_id.write(model_id);
            let owner = get_caller_address();
            self.model_owners.write(model_id, owner);
            self.model_hashes.write(model_id, model_hash);
            self.emit(ModelRegistered { model_id, owner });
            model_id
        }

        fn submit_ai_job(
            ref self: ContractState, model_id: u256, input_hash: felt252, payment: u256,
        ) -> u256 {
            assert(self.model_owners.read(model_id).is_non_zero(), Errors::UNKNOWN_MODEL);
            let job_id = self.next_job_id.read() + 1;
            self.next_job_id.write(job_id);
            let client = get_caller_address();
            let job = JobInfo {
                client,
                worker: Zero::zero(),
                model_id,
                payment,
                status: JobStatus::QUEUED,
                assigned_at: 0,
            };
            self.jobs.write(job_id, job);
            self.job_inputs.write(job_id, input_hash);
            self.emit(JobSubmitted { job_id, client, payment });
            self.monitor.record_call_keyed(selector!("submit_ai_job"), job_id.low);
            job_id
        }

        fn assign_job_to_worker(ref self: ContractState, job_id: u256, worker: ContractAddress) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            assert(worker.is_non_zero(), Errors::ZERO_WORKER);
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::QUEUED, Errors::WRONG_STATUS);
            job.worker.write(worker);
            job.status.write(JobStatus::ASSIGNED);
            job.assigned_at.write(get_block_timestamp());
            self.emit(JobAssigned { job_id, worker });
            let worker_key: felt252 = worker.into();
            self.monitor.record_job_assigned(selector!("assign_job_to_worker"), job_id, worker_key);
        }

        fn submit_job_result(ref self: ContractState, job_id: u256, result_hash: felt252) {
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::ASSIGNED, Errors::WRONG_STATUS);
            let worker = job.worker.read();
            assert(get_caller_address() == worker, Errors::NOT_WORKER);
            job.status.write(JobStatus::COMPLETED);
            self.job_results.write(job_id, result_hash);
            self.emit(JobCompleted { job_id, worker });
            let worker_key: felt252 = worker.into();
            self
                .monitor
                .record_job_finished(selector!("submit_job_result"), job_id, worker_key, true);
        }

        /// CIRO has no failure event; the monitor's JobSampled (stage 2) records sampled ones.
        fn fail_job(ref self: ContractState, job_id: u256, reason: felt252) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::ASSIGNED, Errors::WRONG_STATUS);
            job.status.write(JobStatus::FAILED);
            self.job_fail_reasons.write(job_id, reason);
            let worker_key: felt252 = job.worker.read().into();
            self.monitor.record_job_finished(selector!("fail_job"), job_id, worker_key, false);
        }

        fn distribute_rewards(ref self: ContractState, job_id: u256) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::COMPLETED, Errors::WRONG_STATUS);
            job.status.write(JobStatus::PAID);
            let worker = job.worker.read();
            self.emit(PaymentReleased { job_id, worker, amount: job.payment.read() });
            self.monitor.record_call_keyed(selector!("distribute_rewards"), job_id.low);
        }

        fn get_job(self: @ContractState, job_id: u256) -> JobInfo {
            self.jobs.read(job_id)
        }

        fn get_model_owner(self: @ContractState, model_id: u256) -> ContractAddress {
            self.model_owners.read(model_id)
        }
    }
}
