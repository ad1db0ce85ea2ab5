//! Baselines for the gas comparison: the same JobManager and CDCPool business logic, events and
//! access control, without the PerformanceMonitorComponent. Generated from src/ by deleting the
//! monitor lines only; keep them in step with src/job_manager.cairo and src/cdc_pool.cairo.

#[starknet::contract]
pub mod JobManagerBare {
    use core::num::traits::Zero;
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_introspection::src5::SRC5Component;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_block_timestamp, get_caller_address};
    use ciro_monitor::roles::{COORDINATOR_ROLE, DEFAULT_ADMIN_ROLE};
    use ciro_monitor::job_manager::{IJobManager, JobInfo, JobStatus};

    component!(path: AccessControlComponent, storage: access_control, event: AccessControlEvent);
    component!(path: SRC5Component, storage: src5, event: SRC5Event);

    #[abi(embed_v0)]
    impl AccessControlMixinImpl =
        AccessControlComponent::AccessControlMixinImpl<ContractState>;
    impl AccessControlInternalImpl = AccessControlComponent::InternalImpl<ContractState>;


    #[storage]
    struct Storage {
        #[substorage(v0)]
        access_control: AccessControlComponent::Storage,
        #[substorage(v0)]
        src5: SRC5Component::Storage,
        next_job_id: u256,
        next_model_id: u256,
        jobs: Map<u256, JobInfo>,
        job_inputs: Map<u256, felt252>,
        job_results: Map<u256, felt252>,
        job_fail_reasons: Map<u256, felt252>,
        model_owners: Map<u256, ContractAddress>,
        model_hashes: Map<u256, felt252>,
    }

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
    fn constructor(ref self: ContractState, admin: ContractAddress) {
        self.access_control.initializer();
        self.access_control._grant_role(DEFAULT_ADMIN_ROLE, admin);
        self.access_control._grant_role(COORDINATOR_ROLE, admin);
    }

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
        }

        fn submit_job_result(ref self: ContractState, job_id: u256, result_hash: felt252) {
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::ASSIGNED, Errors::WRONG_STATUS);
            let worker = job.worker.read();
            assert(get_caller_address() == worker, Errors::NOT_WORKER);
            job.status.write(JobStatus::COMPLETED);
            self.job_results.write(job_id, result_hash);
            self.emit(JobCompleted { job_id, worker });
        }

        /// CIRO has no failure event.
        fn fail_job(ref self: ContractState, job_id: u256, reason: felt252) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::ASSIGNED, Errors::WRONG_STATUS);
            job.status.write(JobStatus::FAILED);
            self.job_fail_reasons.write(job_id, reason);
        }

        fn distribute_rewards(ref self: ContractState, job_id: u256) {
            self.access_control.assert_only_role(COORDINATOR_ROLE);
            let job = self.jobs.entry(job_id);
            assert(job.status.read() == JobStatus::COMPLETED, Errors::WRONG_STATUS);
            job.status.write(JobStatus::PAID);
            let worker = job.worker.read();
            self.emit(PaymentReleased { job_id, worker, amount: job.payment.read() });
        }

        fn get_job(self: @ContractState, job_id: u256) -> JobInfo {
            self.jobs.read(job_id)
        }

        fn get_model_owner(self: @ContractState, model_id: u256) -> ContractAddress {
            self.model_owners.read(model_id)
        }
    }
}

#[starknet::contract]
pub mod CDCPoolBare {
    use core::num::traits::Zero;
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_introspection::src5::SRC5Component;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_block_timestamp, get_caller_address};
    use ciro_monitor::roles::{COORDINATOR_ROLE, DEFAULT_ADMIN_ROLE};
    use ciro_monitor::types::{JobId, WorkerCapabilities, WorkerId};
    use ciro_monitor::cdc_pool::{ICDCPool, PendingUnstake, UNSTAKE_DELAY, WorkerInfo};

    component!(path: AccessControlComponent, storage: access_control, event: AccessControlEvent);
    component!(path: SRC5Component, storage: src5, event: SRC5Event);

    #[abi(embed_v0)]
    impl AccessControlMixinImpl =
        AccessControlComponent::AccessControlMixinImpl<ContractState>;
    impl AccessControlInternalImpl = AccessControlComponent::InternalImpl<ContractState>;


    #[storage]
    struct Storage {
        #[substorage(v0)]
        access_control: AccessControlComponent::Storage,
        #[substorage(v0)]
        src5: SRC5Component::Storage,
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
    fn constructor(ref self: ContractState, admin: ContractAddress) {
        self.access_control.initializer();
        self.access_control._grant_role(DEFAULT_ADMIN_ROLE, admin);
        self.access_control._grant_role(COORDINATOR_ROLE, admin);
    }

    #[abi(embed_v0)]
    impl CDCPoolImpl of ICDCPool<ContractState> {
        fn register_worker(ref self: ContractState, capabilities: WorkerCapabilities) -> WorkerId {
            let owner = get_caller_address();
            let id = self.next_worker_id.read() + 1;
            self.next_worker_id.write(id);
            let reserved_job = JobId { value: 0 };
            self.workers.write(id, WorkerInfo { owner, active: true, capabilities, reserved_job });
            let worker_id = WorkerId { value: id };
            // CIRO emits stake_amount 0 here: staking is a separate call.
            self.emit(WorkerRegistered { worker_id, owner, capabilities, stake_amount: 0 });
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
            let worker = get_caller_address();
            let total_stake = self.stakes.read(worker) + amount;
            self.stakes.write(worker, total_stake);
            self.emit(StakeAdded { worker, amount, total_stake });
        }

        fn request_unstake(ref self: ContractState, amount: u256) {
            assert(amount != 0, Errors::ZERO_AMOUNT);
            let worker = get_caller_address();
            let staked = self.stakes.read(worker);
            assert(amount <= staked, Errors::LOW_STAKE);
            self.stakes.write(worker, staked - amount);
            let pending = self.pending_unstakes.read(worker);
            let unlock_time = get_block_timestamp() + UNSTAKE_DELAY;
            let total_pending = pending.amount + amount;
            self.pending_unstakes.write(worker, PendingUnstake { amount: total_pending, unlock_time });
            self.emit(UnstakeRequested { worker, amount, unlock_time });
        }

        fn complete_unstake(ref self: ContractState) {
            let worker = get_caller_address();
            let pending = self.pending_unstakes.read(worker);
            assert(pending.amount != 0, Errors::NOTHING_PENDING);
            assert(get_block_timestamp() >= pending.unlock_time, Errors::LOCKED);
            self.pending_unstakes.write(worker, PendingUnstake { amount: 0, unlock_time: 0 });
            self.emit(UnstakeExecuted { worker, amount: pending.amount });
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
