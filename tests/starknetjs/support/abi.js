// The contracts' ABIs (contracts/abi/*.json), the fee token's Transfer event (OpenZeppelin ERC20, Cairo 1), and a
// Cairo Serde encoder of our own for events: keys and data built from an ABI event and a value per member, so
// starknet.js's decoding can be checked against values we chose rather than against itself.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CallData, events, hash } from 'starknet';
import { repoRoot } from './simulator.js';

const load = (name) => JSON.parse(readFileSync(resolve(repoRoot, 'contracts/abi', `${name}.abi.json`), 'utf8'));

const u256Struct = {
  type: 'struct',
  name: 'core::integer::u256',
  members: [
    { name: 'low', type: 'core::integer::u128' },
    { name: 'high', type: 'core::integer::u128' },
  ],
};
const address = 'core::starknet::contract_address::ContractAddress';

/** The STRK token as far as the simulator uses it: OpenZeppelin's ERC20 Transfer (keys from, to; data u256). */
export const feeTokenAbi = [
  {
    type: 'interface',
    name: 'openzeppelin_token::erc20::interface::IERC20',
    items: [
      {
        type: 'function',
        name: 'transfer',
        inputs: [{ name: 'recipient', type: address }, { name: 'amount', type: 'core::integer::u256' }],
        outputs: [{ type: 'core::bool' }],
        state_mutability: 'external',
      },
    ],
  },
  u256Struct,
  {
    type: 'enum',
    name: 'core::bool',
    variants: [{ name: 'False', type: '()' }, { name: 'True', type: '()' }],
  },
  {
    type: 'event',
    name: 'openzeppelin_token::erc20::erc20::ERC20Component::Transfer',
    kind: 'struct',
    members: [
      { name: 'from', type: address, kind: 'key' },
      { name: 'to', type: address, kind: 'key' },
      { name: 'value', type: 'core::integer::u256', kind: 'data' },
    ],
  },
  {
    type: 'event',
    name: 'openzeppelin_token::erc20::erc20::ERC20Component::Event',
    kind: 'enum',
    variants: [{ name: 'Transfer', type: 'openzeppelin_token::erc20::erc20::ERC20Component::Transfer', kind: 'nested' }],
  },
  {
    type: 'event',
    name: 'strk::Token::Event',
    kind: 'enum',
    variants: [{ name: 'ERC20Event', type: 'openzeppelin_token::erc20::erc20::ERC20Component::Event', kind: 'flat' }],
  },
];

export const abis = {
  JobManager: load('JobManager'),
  CDCPool: load('CDCPool'),
  MetricsRegistry: load('MetricsRegistry'),
  FeeToken: feeTokenAbi,
};

/** What starknet.js needs to decode one contract's events. */
export function decoderFor(abi) {
  const callData = new CallData(abi);
  const abiEvents = events.getAbiEvents(abi);
  const structs = CallData.getAbiStruct(abi);
  const enums = CallData.getAbiEnum(abi);
  return {
    abi,
    decode: (emitted) => events.parseEvents(emitted, abiEvents, structs, enums, callData.parser),
  };
}

/** The short name of an event struct: "ciro_monitor::job_manager::JobManager::JobSubmitted" → "JobSubmitted". */
export const shortName = (fullName) => fullName.split('::').at(-1);

/**
 * Every event struct of an ABI with the key prefix Cairo's event derive gives it: a nested variant appends
 * sn_keccak(variant name), a flat one appends nothing and lets the inner enum append its own.
 */
export function eventPaths(abi) {
  const enums = abi.filter((x) => x.type === 'event' && x.kind === 'enum');
  const structs = new Map(abi.filter((x) => x.type === 'event' && x.kind === 'struct').map((x) => [x.name, x]));
  const referenced = new Set(enums.flatMap((e) => e.variants.map((v) => v.type)));
  const roots = enums.filter((e) => !referenced.has(e.name));
  const out = [];
  const walk = (enumEvent, prefix) => {
    for (const variant of enumEvent.variants) {
      const keys = variant.kind === 'flat' ? prefix : [...prefix, hash.getSelectorFromName(variant.name)];
      const inner = enums.find((e) => e.name === variant.type);
      if (inner) walk(inner, keys);
      else if (structs.has(variant.type)) out.push({ event: structs.get(variant.type), selectors: keys });
    }
  };
  for (const root of roots) walk(root, []);
  return out;
}

const typeDefs = (abi) => new Map(abi.filter((x) => x.type === 'struct' || x.type === 'enum').map((x) => [x.name, x]));

const P = (1n << 251n) + 17n * (1n << 192n) + 1n;
const UINT_BITS = { u8: 8n, u16: 16n, u32: 32n, u64: 64n, u128: 128n };

/**
 * A value for every member type, picked to catch truncation: unsigned integers near their maximum, u256 with
 * both halves non-zero, felts above 2^250. `salt` makes members of one event differ from each other.
 */
export function sampleValue(abi, type, salt) {
  const defs = typeDefs(abi);
  const s = BigInt(salt);
  const bits = UINT_BITS[type.split('::').at(-1)];
  if (type.startsWith('core::integer::u') && bits) return (1n << bits) - 1n - s;
  if (type === 'core::integer::u256') return (1n << 255n) + (3n << 128n) + 0x1234n + s;
  if (type === 'core::felt252') return P - 2n - s;
  if (type === address) return 0x07e5f4552091a69125d5dfcb7b8c2659029395bdf0b6b9f3b3c1e6a5b8c9d0e1n - s;
  if (type === 'core::bool') return salt % 2 === 0;
  const def = defs.get(type);
  if (def?.type === 'struct') {
    return Object.fromEntries(def.members.map((m, i) => [m.name, sampleValue(abi, m.type, salt + i + 1)]));
  }
  throw new Error(`no sample value for ABI type ${type}`);
}

/** Cairo Serde of one value: u256 → [low, high], bool → variant index, struct → its members in order. */
export function serialize(abi, type, value) {
  const defs = typeDefs(abi);
  if (type === 'core::integer::u256') {
    const v = BigInt(value);
    return [v & ((1n << 128n) - 1n), v >> 128n];
  }
  if (type === 'core::bool') return [value ? 1n : 0n];
  if (type.startsWith('core::integer::u') || type === 'core::felt252' || type === address) return [BigInt(value)];
  const def = defs.get(type);
  if (def?.type === 'struct') return def.members.flatMap((m) => serialize(abi, m.type, value[m.name]));
  throw new Error(`cannot serialize ABI type ${type}`);
}

/** Felts a member of this type takes in keys or data. */
export const feltCount = (abi, type) => serialize(abi, type, sampleValue(abi, type, 0)).length;

/** keys and data of an event struct carrying `values` (by member name), keys prefixed by `selectors`. */
export function encodeEvent(abi, event, selectors, values) {
  const part = (kind) => event.members.filter((m) => m.kind === kind).flatMap((m) => serialize(abi, m.type, values[m.name]));
  const hex = (v) => `0x${BigInt(v).toString(16)}`;
  return { keys: [...selectors, ...part('key')].map(hex), data: part('data').map(hex) };
}
