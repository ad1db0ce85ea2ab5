//! PerformanceMonitorComponent: on-chain monitoring that any contract can embed.
//!
//! Design goals (issue 6): low gas, never in the way of the host, compact ABI-described events.
//! - Storage is bounded: per function, a ring of 4 packed slots x 6 hourly counters = the last 24
//!   hours. A slot holding an older 6-hour group is recycled in place (ring wrap-around).
//! - Everything is packed (StorePacking into one felt252): a hooked call touches at most one
//!   bucket slot, one worker slot and the state slot, and only when it is sampled.
//! - Sampling is 1-in-N, deterministic on the tx hash (plain calls) or the job id (job lifecycle,
//!   so a sampled job is seen at assignment and at completion). Counters are incremented by N, so
//!   they estimate the true totals, and N travels in every event so off-chain code can do the same.
//! - A compile-time SAMPLE_FLOOR (ImmutableConfig) rejects most calls before any storage read;
//!   the admin-set N must be a multiple of it (or 0 = off).
//! - Hooks never panic: arithmetic saturates, out-of-range input is skipped, and each of these
//!   is reported with a MonitorError event instead of being swallowed.

use starknet::ContractAddress;
use starknet::storage_access::StorePacking;

/// Hourly counters per packed slot, and slots per function: 6 x 4 = 24 hourly buckets.
pub const HOURS_PER_SLOT: u64 = 6;
pub const RING_SLOTS: u64 = 4;
pub const RING_HOURS: u64 = 24;
pub const SECONDS_PER_HOUR: u64 = 3600;

/// JobSampled.stage values.
pub const STAGE_ASSIGNED: u8 = 0;
pub const STAGE_COMPLETED: u8 = 1;
pub const STAGE_FAILED: u8 = 2;

/// MonitorError.code values (short strings: readable in any explorer without a lookup table).
pub const ERR_BUCKET_SATURATED: felt252 = 'BUCKET_SATURATED';
pub const ERR_STATS_SATURATED: felt252 = 'STATS_SATURATED';
pub const ERR_TIME_RANGE: felt252 = 'TIME_RANGE';
pub const ERR_NO_REGISTRY: felt252 = 'NO_REGISTRY';
pub const ERR_HOUR_EVICTED: felt252 = 'HOUR_EVICTED';
pub const ERR_FLUSH_FAILED: felt252 = 'FLUSH_FAILED';

const U32_MAX: u32 = 0xffffffff;
const U64_MAX: u64 = 0xffffffffffffffff;
const MASK_32: u256 = 0xffffffff;
const MASK_64: u256 = 0xffffffffffffffff;
// Field offsets as felt252 (packing) and u256 (unpacking) multipliers.
const F_2_32: felt252 = 0x100000000;
const F_2_64: felt252 = 0x10000000000000000;
const F_2_96: felt252 = 0x1000000000000000000000000;
const F_2_128: felt252 = 0x100000000000000000000000000000000;
const F_2_160: felt252 = 0x10000000000000000000000000000000000000000;
const F_2_192: felt252 = 0x1000000000000000000000000000000000000000000000000;
const U_2_32: u256 = 0x100000000;
const U_2_64: u256 = 0x10000000000000000;
const U_2_96: u256 = 0x1000000000000000000000000;
const U_2_128: u256 = 0x100000000000000000000000000000000;
const U_2_160: u256 = 0x10000000000000000000000000000000000000000;
const U_2_192: u256 = 0x1000000000000000000000000000000000000000000000000;

#[starknet::interface]
pub trait IPerformanceMonitor<TState> {
    fn get_sample_rate(self: @TState) -> u32;
    /// Estimated calls of `selector` during `hour` (unix time / 3600); 0 once evicted from the ring.
    fn get_call_count(self: @TState, selector: felt252, hour: u64) -> u32;
    fn get_worker_stats(self: @TState, worker: felt252) -> WorkerStats;
    fn get_block_marker(self: @TState) -> BlockMarker;
    fn get_registry(self: @TState) -> ContractAddress;
    /// Pushes one hourly bucket to the MetricsRegistry. Permissionless: the registry stores
    /// the value (it does not add), so repeating a flush cannot inflate anything.
    fn flush_calls(ref self: TState, selector: felt252, hour: u64);
}

#[starknet::interface]
pub trait IPerformanceMonitorAdmin<TState> {
    fn set_sample_rate(ref self: TState, rate: u32);
    fn set_registry(ref self: TState, registry: ContractAddress);
}

/// Per-worker job metrics; counts and total_duration are already scaled by the sample rate.
#[derive(Copy, Drop, Serde, PartialEq, Debug)]
pub struct WorkerStats {
    pub assigned: u32,
    pub completed: u32,
    pub failed: u32,
    pub total_duration: u64,
    pub last_seen: u64,
}

/// Last block in which a sampled call was seen, for TPS sampling off-chain.
#[derive(Copy, Drop, Serde, PartialEq, Debug)]
pub struct BlockMarker {
    pub block_number: u64,
    pub block_timestamp: u64,
    pub calls_in_block: u32,
}

/// The one slot read by a hook that passed the floor: rate plus the block marker.
#[derive(Copy, Drop, Serde, PartialEq, Debug)]
pub struct MonitorState {
    pub sample_rate: u32,
    pub block_number: u64,
    pub block_timestamp: u64,
    pub calls_in_block: u32,
}

/// Six consecutive hourly counters tagged with their 6-hour group (hour / 6).
#[derive(Copy, Drop, Serde, PartialEq, Debug)]
pub struct CallBucketGroup {
    pub group: u32,
    pub c0: u32,
    pub c1: u32,
    pub c2: u32,
    pub c3: u32,
    pub c4: u32,
    pub c5: u32,
}

#[generate_trait]
pub impl CallBucketGroupImpl of CallBucketGroupTrait {
    fn new(group: u32) -> CallBucketGroup {
        CallBucketGroup { group, c0: 0, c1: 0, c2: 0, c3: 0, c4: 0, c5: 0 }
    }

    fn get(self: CallBucketGroup, index: u64) -> u32 {
        if index == 0 {
            self.c0
        } else if index == 1 {
            self.c1
        } else if index == 2 {
            self.c2
        } else if index == 3 {
            self.c3
        } else if index == 4 {
            self.c4
        } else {
            self.c5
        }
    }

    fn set(self: CallBucketGroup, index: u64, value: u32) -> CallBucketGroup {
        let mut g = self;
        if index == 0 {
            g.c0 = value;
        } else if index == 1 {
            g.c1 = value;
        } else if index == 2 {
            g.c2 = value;
        } else if index == 3 {
            g.c3 = value;
        } else if index == 4 {
            g.c4 = value;
        } else {
            g.c5 = value;
        }
        g
    }
}

/// 1-in-`rate` decision; rate 0 means monitoring is off.
pub fn is_sampled(key: u128, rate: u32) -> bool {
    if rate == 0 {
        return false;
    }
    let divisor: u128 = rate.into();
    key % divisor == 0
}

/// A configurable rate must keep the free pre-filter exact: every key it samples must also
/// pass the floor, which holds when the rate is a multiple of the floor.
pub fn valid_rate(rate: u32, floor: u32) -> bool {
    rate == 0 || rate % floor == 0
}

/// Returns (a + b clamped to u32::MAX, whether it was clamped).
pub fn saturating_add_u32(a: u32, b: u32) -> (u32, bool) {
    let wide_a: u64 = a.into();
    let wide_b: u64 = b.into();
    let sum = wide_a + wide_b;
    let max: u64 = U32_MAX.into();
    if sum > max {
        (U32_MAX, true)
    } else {
        let value: u32 = sum.try_into().unwrap();
        (value, false)
    }
}

/// Returns (a + b clamped to u64::MAX, whether it was clamped); b is u128 so that
/// duration * rate can be passed without an overflowing multiplication.
pub fn saturating_add_u64(a: u64, b: u128) -> (u64, bool) {
    let wide_a: u128 = a.into();
    let sum = wide_a + b;
    let max: u128 = U64_MAX.into();
    if sum > max {
        (U64_MAX, true)
    } else {
        let value: u64 = sum.try_into().unwrap();
        (value, false)
    }
}

fn u32_at(packed: u256, shift: u256) -> u32 {
    let field: u128 = ((packed / shift) & MASK_32).low;
    field.try_into().unwrap()
}

fn u64_at(packed: u256, shift: u256) -> u64 {
    let field: u128 = ((packed / shift) & MASK_64).low;
    field.try_into().unwrap()
}

/// group | c0..c5 at 32-bit offsets: 224 bits < 251.
pub impl CallBucketGroupStorePacking of StorePacking<CallBucketGroup, felt252> {
    fn pack(value: CallBucketGroup) -> felt252 {
        let group: felt252 = value.group.into();
        let c0: felt252 = value.c0.into();
        let c1: felt252 = value.c1.into();
        let c2: felt252 = value.c2.into();
        let c3: felt252 = value.c3.into();
        let c4: felt252 = value.c4.into();
        let c5: felt252 = value.c5.into();
        group + c0 * F_2_32 + c1 * F_2_64 + c2 * F_2_96 + c3 * F_2_128 + c4 * F_2_160 + c5 * F_2_192
    }

    fn unpack(value: felt252) -> CallBucketGroup {
        let v: u256 = value.into();
        CallBucketGroup {
            group: u32_at(v, 1),
            c0: u32_at(v, U_2_32),
            c1: u32_at(v, U_2_64),
            c2: u32_at(v, U_2_96),
            c3: u32_at(v, U_2_128),
            c4: u32_at(v, U_2_160),
            c5: u32_at(v, U_2_192),
        }
    }
}

/// assigned | completed | failed (32 bits each) | total_duration | last_seen (64 each): 224 bits.
pub impl WorkerStatsStorePacking of StorePacking<WorkerStats, felt252> {
    fn pack(value: WorkerStats) -> felt252 {
        let assigned: felt252 = value.assigned.into();
        let completed: felt252 = value.completed.into();
        let failed: felt252 = value.failed.into();
        let total: felt252 = value.total_duration.into();
        let last: felt252 = value.last_seen.into();
        assigned + completed * F_2_32 + failed * F_2_64 + total * F_2_96 + last * F_2_160
    }

    fn unpack(value: felt252) -> WorkerStats {
        let v: u256 = value.into();
        WorkerStats {
            assigned: u32_at(v, 1),
            completed: u32_at(v, U_2_32),
            failed: u32_at(v, U_2_64),
            total_duration: u64_at(v, U_2_96),
            last_seen: u64_at(v, U_2_160),
        }
    }
}

/// sample_rate (32) | block_number (64) | block_timestamp (64) | calls_in_block (32): 192 bits.
pub impl MonitorStateStorePacking of StorePacking<MonitorState, felt252> {
    fn pack(value: MonitorState) -> felt252 {
        let rate: felt252 = value.sample_rate.into();
        let number: felt252 = value.block_number.into();
        let timestamp: felt252 = value.block_timestamp.into();
        let calls: felt252 = value.calls_in_block.into();
        rate + number * F_2_32 + timestamp * F_2_96 + calls * F_2_160
    }

    fn unpack(value: felt252) -> MonitorState {
        let v: u256 = value.into();
        MonitorState {
            sample_rate: u32_at(v, 1),
            block_number: u64_at(v, U_2_32),
            block_timestamp: u64_at(v, U_2_96),
            calls_in_block: u32_at(v, U_2_160),
        }
    }
}

#[starknet::component]
pub mod PerformanceMonitorComponent {
    use core::num::traits::Zero;
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_access::accesscontrol::AccessControlComponent::InternalTrait as AccessControlInternalTrait;
    use openzeppelin_introspection::src5::SRC5Component;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::syscalls::call_contract_syscall;
    use starknet::{ContractAddress, get_block_info, get_tx_info};
    use crate::roles::MONITOR_ADMIN_ROLE;
    use super::{
        BlockMarker, CallBucketGroup, CallBucketGroupTrait, ERR_BUCKET_SATURATED, ERR_FLUSH_FAILED,
        ERR_HOUR_EVICTED, ERR_NO_REGISTRY, ERR_STATS_SATURATED, ERR_TIME_RANGE, HOURS_PER_SLOT,
        MonitorState, RING_HOURS, RING_SLOTS, SECONDS_PER_HOUR, STAGE_ASSIGNED, STAGE_COMPLETED,
        STAGE_FAILED, WorkerStats, is_sampled, saturating_add_u32, saturating_add_u64, valid_rate,
    };

    #[storage]
    pub struct Storage {
        pub PerfMon_state: MonitorState,
        pub PerfMon_registry: ContractAddress,
        /// (function selector, ring slot) -> six hourly counters.
        pub PerfMon_calls: Map<(felt252, u64), CallBucketGroup>,
        /// worker key (address or WorkerId as felt) -> packed stats.
        pub PerfMon_workers: Map<felt252, WorkerStats>,
        /// Assignment time of sampled jobs only; read back at completion for the duration.
        pub PerfMon_job_started: Map<u256, u64>,
    }

    #[event]
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub enum Event {
        CallSampled: CallSampled,
        JobSampled: JobSampled,
        SampleRateChanged: SampleRateChanged,
        RegistrySet: RegistrySet,
        CallsFlushed: CallsFlushed,
        MonitorError: MonitorError,
    }

    /// A sampled call; `hour_count` is the bucket value after it (already scaled by the rate).
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct CallSampled {
        #[key]
        pub selector: felt252,
        pub sample_rate: u32,
        pub hour_count: u32,
        pub block_number: u64,
        pub block_timestamp: u64,
    }

    /// A sampled job stage (0 assigned, 1 completed, 2 failed); duration in seconds, 0 if unknown.
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct JobSampled {
        #[key]
        pub job_id: u256,
        #[key]
        pub worker: felt252,
        pub stage: u8,
        pub duration: u64,
        pub sample_rate: u32,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct SampleRateChanged {
        pub old_rate: u32,
        pub new_rate: u32,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct RegistrySet {
        pub registry: ContractAddress,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct CallsFlushed {
        #[key]
        pub selector: felt252,
        pub hour: u64,
        pub count: u32,
        pub registry: ContractAddress,
    }

    /// Emitted instead of reverting the host; `context` is the selector or worker concerned.
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct MonitorError {
        #[key]
        pub code: felt252,
        pub context: felt252,
    }

    pub mod Errors {
        pub const INVALID_RATE: felt252 = 'Monitor: rate not multiple';
        pub const INVALID_FLOOR: felt252 = 'Monitor: floor is zero';
    }

    /// Set by the host contract. SAMPLE_FLOOR: only keys divisible by it are even considered,
    /// which costs no storage access, so (FLOOR - 1) / FLOOR of the calls pay almost nothing.
    pub trait ImmutableConfig {
        const SAMPLE_FLOOR: u32;

        fn validate() {
            assert(Self::SAMPLE_FLOOR > 0, Errors::INVALID_FLOOR);
        }
    }

    #[embeddable_as(PerformanceMonitorImpl)]
    impl PerformanceMonitor<
        TContractState, +HasComponent<TContractState>, +Drop<TContractState>,
    > of super::IPerformanceMonitor<ComponentState<TContractState>> {
        fn get_sample_rate(self: @ComponentState<TContractState>) -> u32 {
            self.PerfMon_state.read().sample_rate
        }

        fn get_call_count(
            self: @ComponentState<TContractState>, selector: felt252, hour: u64,
        ) -> u32 {
            self._call_count(selector, hour)
        }

        fn get_worker_stats(self: @ComponentState<TContractState>, worker: felt252) -> WorkerStats {
            self.PerfMon_workers.read(worker)
        }

        fn get_block_marker(self: @ComponentState<TContractState>) -> BlockMarker {
            let state = self.PerfMon_state.read();
            BlockMarker {
                block_number: state.block_number,
                block_timestamp: state.block_timestamp,
                calls_in_block: state.calls_in_block,
            }
        }

        fn get_registry(self: @ComponentState<TContractState>) -> ContractAddress {
            self.PerfMon_registry.read()
        }

        fn flush_calls(ref self: ComponentState<TContractState>, selector: felt252, hour: u64) {
            let registry = self.PerfMon_registry.read();
            if registry.is_zero() {
                self._report(ERR_NO_REGISTRY, selector);
                return;
            }
            let now_hour = get_block_info().unbox().block_timestamp / SECONDS_PER_HOUR;
            // Outside the ring the local count reads 0; pushing it would overwrite real data.
            if hour > now_hour || now_hour - hour >= RING_HOURS {
                self._report(ERR_HOUR_EVICTED, selector);
                return;
            }
            let count = self._call_count(selector, hour);
            let calldata: Array<felt252> = array![selector, hour.into(), count.into()];
            // A raw syscall, not a dispatcher, so that a revert inside the registry (paused, not
            // an approved reporter) comes back as Err and becomes an event. Calls to an address
            // with no contract still abort the transaction on Starknet: nothing can catch those.
            match call_contract_syscall(registry, selector!("push_call_sample"), calldata.span()) {
                Result::Ok(_) => self.emit(CallsFlushed { selector, hour, count, registry }),
                Result::Err(_) => self._report(ERR_FLUSH_FAILED, selector),
            }
        }
    }

    #[embeddable_as(PerformanceMonitorAdminImpl)]
    impl PerformanceMonitorAdmin<
        TContractState,
        +HasComponent<TContractState>,
        impl Immutable: ImmutableConfig,
        +SRC5Component::HasComponent<TContractState>,
        impl AccessControl: AccessControlComponent::HasComponent<TContractState>,
        +Drop<TContractState>,
    > of super::IPerformanceMonitorAdmin<ComponentState<TContractState>> {
        /// Admin calls may revert: they are not the monitored business path.
        fn set_sample_rate(ref self: ComponentState<TContractState>, rate: u32) {
            get_dep_component!(@self, AccessControl).assert_only_role(MONITOR_ADMIN_ROLE);
            assert(valid_rate(rate, Immutable::SAMPLE_FLOOR), Errors::INVALID_RATE);
            let mut state = self.PerfMon_state.read();
            let old_rate = state.sample_rate;
            state.sample_rate = rate;
            self.PerfMon_state.write(state);
            self.emit(SampleRateChanged { old_rate, new_rate: rate });
        }

        fn set_registry(ref self: ComponentState<TContractState>, registry: ContractAddress) {
            get_dep_component!(@self, AccessControl).assert_only_role(MONITOR_ADMIN_ROLE);
            self.PerfMon_registry.write(registry);
            self.emit(RegistrySet { registry });
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl Immutable: ImmutableConfig,
        +Drop<TContractState>,
    > of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, sample_rate: u32) {
            Immutable::validate();
            assert(valid_rate(sample_rate, Immutable::SAMPLE_FLOOR), Errors::INVALID_RATE);
            let mut state = self.PerfMon_state.read();
            state.sample_rate = sample_rate;
            self.PerfMon_state.write(state);
        }

        /// Hook for any entry point, sampled on the transaction hash. Returns true if recorded.
        fn record_call(ref self: ComponentState<TContractState>, selector: felt252) -> bool {
            let tx_hash: u256 = get_tx_info().unbox().transaction_hash.into();
            self.record_call_keyed(selector, tx_hash.low)
        }

        /// Same, sampled on a caller-chosen key (e.g. a job id, to follow one job end to end).
        fn record_call_keyed(
            ref self: ComponentState<TContractState>, selector: felt252, key: u128,
        ) -> bool {
            if !is_sampled(key, Immutable::SAMPLE_FLOOR) {
                return false;
            }
            let mut state = self.PerfMon_state.read();
            let rate = state.sample_rate;
            if !is_sampled(key, rate) {
                return false;
            }
            let block = get_block_info().unbox();
            if state.block_number == block.block_number {
                let (calls, _) = saturating_add_u32(state.calls_in_block, rate);
                state.calls_in_block = calls;
            } else {
                state.block_number = block.block_number;
                state.block_timestamp = block.block_timestamp;
                state.calls_in_block = rate;
            }
            self.PerfMon_state.write(state);
            let hour_count = self._bump_call_bucket(selector, block.block_timestamp, rate);
            self
                .emit(
                    CallSampled {
                        selector,
                        sample_rate: rate,
                        hour_count,
                        block_number: block.block_number,
                        block_timestamp: block.block_timestamp,
                    },
                );
            true
        }

        /// Hook for "job assigned/allocated to worker", sampled on the job id.
        fn record_job_assigned(
            ref self: ComponentState<TContractState>, selector: felt252, job_id: u256, worker: felt252,
        ) -> bool {
            let rate = self._job_rate(job_id);
            if rate == 0 {
                return false;
            }
            let now = get_block_info().unbox().block_timestamp;
            self.PerfMon_job_started.write(job_id, now);
            let mut stats = self.PerfMon_workers.read(worker);
            let (assigned, saturated) = saturating_add_u32(stats.assigned, rate);
            stats.assigned = assigned;
            stats.last_seen = now;
            if saturated {
                self._report(ERR_STATS_SATURATED, worker);
            }
            self.PerfMon_workers.write(worker, stats);
            self._bump_call_bucket(selector, now, rate);
            self.emit(JobSampled { job_id, worker, stage: STAGE_ASSIGNED, duration: 0, sample_rate: rate });
            true
        }

        /// Hook for "job completed" (success) or "job failed", sampled on the job id.
        fn record_job_finished(
            ref self: ComponentState<TContractState>,
            selector: felt252,
            job_id: u256,
            worker: felt252,
            success: bool,
        ) -> bool {
            let rate = self._job_rate(job_id);
            if rate == 0 {
                return false;
            }
            let now = get_block_info().unbox().block_timestamp;
            let started = self.PerfMon_job_started.read(job_id);
            // 0 means the assignment was not recorded (the rate changed in between): the
            // outcome still counts, the duration is unknown and reported as 0.
            let duration = if started == 0 || now < started {
                0
            } else {
                now - started
            };
            let mut stats = self.PerfMon_workers.read(worker);
            let mut saturated = false;
            if success {
                let (completed, s) = saturating_add_u32(stats.completed, rate);
                stats.completed = completed;
                saturated = s;
            } else {
                let (failed, s) = saturating_add_u32(stats.failed, rate);
                stats.failed = failed;
                saturated = s;
            }
            let wide_duration: u128 = duration.into();
            let wide_rate: u128 = rate.into();
            let scaled = wide_duration * wide_rate;
            let (total, s_total) = saturating_add_u64(stats.total_duration, scaled);
            stats.total_duration = total;
            stats.last_seen = now;
            if saturated || s_total {
                self._report(ERR_STATS_SATURATED, worker);
            }
            self.PerfMon_workers.write(worker, stats);
            self._bump_call_bucket(selector, now, rate);
            let stage = if success {
                STAGE_COMPLETED
            } else {
                STAGE_FAILED
            };
            self.emit(JobSampled { job_id, worker, stage, duration, sample_rate: rate });
            true
        }

        /// The rate if this job is sampled, else 0. Reads storage only past the floor.
        fn _job_rate(self: @ComponentState<TContractState>, job_id: u256) -> u32 {
            if !is_sampled(job_id.low, Immutable::SAMPLE_FLOOR) {
                return 0;
            }
            let rate = self.PerfMon_state.read().sample_rate;
            if is_sampled(job_id.low, rate) {
                rate
            } else {
                0
            }
        }
    }

    #[generate_trait]
    impl PrivateImpl<
        TContractState, +HasComponent<TContractState>,
    > of PrivateTrait<TContractState> {
        fn _call_count(self: @ComponentState<TContractState>, selector: felt252, hour: u64) -> u32 {
            let group = hour / HOURS_PER_SLOT;
            let bucket = self.PerfMon_calls.read((selector, group % RING_SLOTS));
            let tag: u64 = bucket.group.into();
            if tag == group {
                bucket.get(hour % HOURS_PER_SLOT)
            } else {
                0
            }
        }

        /// Adds `amount` to the hourly counter of `timestamp`; returns the new counter value.
        fn _bump_call_bucket(
            ref self: ComponentState<TContractState>, selector: felt252, timestamp: u64, amount: u32,
        ) -> u32 {
            let hour = timestamp / SECONDS_PER_HOUR;
            let group = hour / HOURS_PER_SLOT;
            let tag: u32 = match group.try_into() {
                Option::Some(tag) => tag,
                Option::None => {
                    self._report(ERR_TIME_RANGE, selector);
                    return 0;
                },
            };
            let key = (selector, group % RING_SLOTS);
            let mut bucket = self.PerfMon_calls.read(key);
            // Ring wrap-around: a slot still holding an older group is recycled, never grown.
            if bucket.group != tag {
                bucket = CallBucketGroupTrait::new(tag);
            }
            let index = hour % HOURS_PER_SLOT;
            let (count, saturated) = saturating_add_u32(bucket.get(index), amount);
            if saturated {
                self._report(ERR_BUCKET_SATURATED, selector);
            }
            self.PerfMon_calls.write(key, bucket.set(index, count));
            count
        }

        fn _report(ref self: ComponentState<TContractState>, code: felt252, context: felt252) {
            self.emit(MonitorError { code, context });
        }
    }
}

/// Floor used when a host has no reason to pick another: 15 of 16 calls skip all storage.
pub impl DefaultConfig of PerformanceMonitorComponent::ImmutableConfig {
    const SAMPLE_FLOOR: u32 = 16;
}
