use snforge_std::{ContractClassTrait, DeclareResultTrait, Event, EventSpy, EventSpyTrait, declare};
use starknet::ContractAddress;

pub fn ADMIN() -> ContractAddress {
    'ADMIN'.try_into().unwrap()
}

pub fn CLIENT() -> ContractAddress {
    'CLIENT'.try_into().unwrap()
}

pub fn WORKER() -> ContractAddress {
    'WORKER'.try_into().unwrap()
}

pub fn STRANGER() -> ContractAddress {
    'STRANGER'.try_into().unwrap()
}

pub const U32_MAX: u32 = 0xffffffff;
pub const MISSING_ROLE: felt252 = 'Caller is missing role';

pub fn deploy(name: ByteArray, calldata: Array<felt252>) -> ContractAddress {
    let class = declare(name).unwrap().contract_class();
    let (address, _) = class.deploy(@calldata).unwrap();
    address
}

/// JobManager, CDCPool and MonitorHarness take (admin, sample_rate).
pub fn deploy_monitored(name: ByteArray, rate: u32) -> ContractAddress {
    let admin: felt252 = ADMIN().into();
    let rate_felt: felt252 = rate.into();
    deploy(name, array![admin, rate_felt])
}

/// The bare baselines and MetricsRegistry take (admin).
pub fn deploy_admin_only(name: ByteArray) -> ContractAddress {
    let admin: felt252 = ADMIN().into();
    deploy(name, array![admin])
}

/// A call made through a safe dispatcher must have failed with `expected` as its first felt.
pub fn assert_reverted_with<T, +Drop<T>>(result: Result<T, Array<felt252>>, expected: felt252) {
    match result {
        Result::Ok(_) => panic!("the call should have been rejected"),
        Result::Err(panic_data) => assert_eq!(*panic_data.at(0), expected),
    }
}

/// Raw events (keys/data felts) emitted by `from` since the spy started, oldest first.
pub fn raw_events(ref spy: EventSpy, from: ContractAddress) -> Array<Event> {
    let events = spy.get_events().events;
    let mut out = array![];
    let mut i = 0;
    while i < events.len() {
        let (address, event) = events.at(i);
        if *address == from {
            out.append(event.clone());
        }
        i += 1;
    }
    out
}

/// The outer-variant selector every monitor event carries as keys[0] inside a host contract.
pub fn monitor_key() -> felt252 {
    selector!("PerformanceEvent")
}
