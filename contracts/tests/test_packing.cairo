//! The packing arithmetic at its limits, without any contract.

use ciro_monitor::utils::performance::{
    CallBucketGroup, CallBucketGroupStorePacking, CallBucketGroupTrait, MonitorState,
    MonitorStateStorePacking, WorkerStats, WorkerStatsStorePacking, is_sampled, saturating_add_u32,
    saturating_add_u64, valid_rate,
};
use crate::common::U32_MAX;

const U64_MAX: u64 = 0xffffffffffffffff;

fn full_group() -> CallBucketGroup {
    CallBucketGroup {
        group: U32_MAX, c0: U32_MAX, c1: U32_MAX, c2: U32_MAX, c3: U32_MAX, c4: U32_MAX, c5: U32_MAX,
    }
}

#[test]
fn bucket_group_round_trips_at_zero_and_at_max() {
    let zero = CallBucketGroupTrait::new(0);
    assert_eq!(CallBucketGroupStorePacking::unpack(CallBucketGroupStorePacking::pack(zero)), zero);
    assert_eq!(CallBucketGroupStorePacking::pack(zero), 0);
    let full = full_group();
    assert_eq!(CallBucketGroupStorePacking::unpack(CallBucketGroupStorePacking::pack(full)), full);
    // 7 x 32 bits set: 2^224 - 1, which fits below the felt252 prime.
    let expected: felt252 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffff;
    assert_eq!(CallBucketGroupStorePacking::pack(full), expected);
}

#[test]
fn bucket_counters_do_not_bleed_into_neighbours() {
    let mut index: u64 = 0;
    while index < 6 {
        let g = CallBucketGroupTrait::new(7).set(index, U32_MAX);
        let back = CallBucketGroupStorePacking::unpack(CallBucketGroupStorePacking::pack(g));
        assert_eq!(back.group, 7);
        let mut other: u64 = 0;
        while other < 6 {
            let expected = if other == index {
                U32_MAX
            } else {
                0
            };
            assert_eq!(back.get(other), expected);
            other += 1;
        }
        index += 1;
    }
}

#[test]
fn worker_stats_round_trip_at_max() {
    let max = WorkerStats {
        assigned: U32_MAX, completed: U32_MAX, failed: U32_MAX, total_duration: U64_MAX, last_seen: U64_MAX,
    };
    assert_eq!(WorkerStatsStorePacking::unpack(WorkerStatsStorePacking::pack(max)), max);
    let only_last = WorkerStats { assigned: 0, completed: 0, failed: 0, total_duration: 0, last_seen: 1 };
    assert_eq!(WorkerStatsStorePacking::unpack(WorkerStatsStorePacking::pack(only_last)), only_last);
}

#[test]
fn monitor_state_round_trips_at_max() {
    let max = MonitorState {
        sample_rate: U32_MAX, block_number: U64_MAX, block_timestamp: U64_MAX, calls_in_block: U32_MAX,
    };
    assert_eq!(MonitorStateStorePacking::unpack(MonitorStateStorePacking::pack(max)), max);
}

#[test]
fn saturating_adds_clamp_exactly_at_the_limit() {
    assert_eq!(saturating_add_u32(U32_MAX - 1, 1), (U32_MAX, false));
    assert_eq!(saturating_add_u32(U32_MAX, 1), (U32_MAX, true));
    assert_eq!(saturating_add_u32(U32_MAX, U32_MAX), (U32_MAX, true));
    assert_eq!(saturating_add_u64(U64_MAX - 5, 5), (U64_MAX, false));
    assert_eq!(saturating_add_u64(U64_MAX - 5, 6), (U64_MAX, true));
    // duration * rate can exceed u64 on its own: still clamps, never panics.
    let huge: u128 = 0x1000000000000000000000000;
    assert_eq!(saturating_add_u64(0, huge), (U64_MAX, true));
}

#[test]
fn sampling_is_one_in_n_and_zero_disables() {
    assert!(!is_sampled(0, 0));
    assert!(is_sampled(12345, 1));
    let mut sampled = 0;
    let mut key: u128 = 0;
    while key < 64 {
        if is_sampled(key, 16) {
            sampled += 1;
        }
        key += 1;
    }
    assert_eq!(sampled, 4);
}

#[test]
fn rates_must_be_multiples_of_the_floor() {
    assert!(valid_rate(0, 16));
    assert!(valid_rate(16, 16));
    assert!(valid_rate(64, 16));
    assert!(!valid_rate(24, 16));
    assert!(valid_rate(3, 1));
}
