//! MonitorHarness: the component alone, with SAMPLE_FLOOR = 1 so that any rate can be set and
//! each hook can be driven directly (exact sampling, saturation, wrap-around).

#[starknet::interface]
pub trait IMonitorHarness<TState> {
    fn hook_call(ref self: TState, selector: felt252) -> bool;
    fn hook_call_keyed(ref self: TState, selector: felt252, key: u128) -> bool;
    fn hook_job_assigned(ref self: TState, selector: felt252, job_id: u256, worker: felt252) -> bool;
    fn hook_job_finished(
        ref self: TState, selector: felt252, job_id: u256, worker: felt252, success: bool,
    ) -> bool;
}

#[starknet::contract]
pub mod MonitorHarness {
    use ciro_monitor::roles::{DEFAULT_ADMIN_ROLE, MONITOR_ADMIN_ROLE};
    use ciro_monitor::utils::performance::PerformanceMonitorComponent;
    use openzeppelin_access::accesscontrol::AccessControlComponent;
    use openzeppelin_introspection::src5::SRC5Component;
    use starknet::ContractAddress;

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

    impl PerformanceMonitorConfig of PerformanceMonitorComponent::ImmutableConfig {
        const SAMPLE_FLOOR: u32 = 1;
    }

    #[storage]
    struct Storage {
        #[substorage(v0)]
        access_control: AccessControlComponent::Storage,
        #[substorage(v0)]
        src5: SRC5Component::Storage,
        #[substorage(v0)]
        monitor: PerformanceMonitorComponent::Storage,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        #[flat]
        AccessControlEvent: AccessControlComponent::Event,
        #[flat]
        SRC5Event: SRC5Component::Event,
        PerformanceEvent: PerformanceMonitorComponent::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, admin: ContractAddress, sample_rate: u32) {
        self.access_control.initializer();
        self.access_control._grant_role(DEFAULT_ADMIN_ROLE, admin);
        self.access_control._grant_role(MONITOR_ADMIN_ROLE, admin);
        self.monitor.initializer(sample_rate);
    }

    #[abi(embed_v0)]
    impl HarnessImpl of super::IMonitorHarness<ContractState> {
        fn hook_call(ref self: ContractState, selector: felt252) -> bool {
            self.monitor.record_call(selector)
        }

        fn hook_call_keyed(ref self: ContractState, selector: felt252, key: u128) -> bool {
            self.monitor.record_call_keyed(selector, key)
        }

        fn hook_job_assigned(
            ref self: ContractState, selector: felt252, job_id: u256, worker: felt252,
        ) -> bool {
            self.monitor.record_job_assigned(selector, job_id, worker)
        }

        fn hook_job_finished(
            ref self: ContractState, selector: felt252, job_id: u256, worker: felt252, success: bool,
        ) -> bool {
            self.monitor.record_job_finished(selector, job_id, worker, success)
        }
    }
}
