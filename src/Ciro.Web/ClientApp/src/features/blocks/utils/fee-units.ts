// Starknet fee units: FRI is 10^-18 STRK (v3 transactions), WEI is 10^-18 ETH (legacy transactions).
const FEE_UNITS: Record<string, { symbol: string; decimals: number }> = {
  FRI: { symbol: 'STRK', decimals: 18 },
  WEI: { symbol: 'ETH', decimals: 18 },
};

export function feeUnit(unit: string): { symbol: string; decimals: number } {
  return FEE_UNITS[unit.toUpperCase()] ?? { symbol: unit, decimals: 0 };
}
