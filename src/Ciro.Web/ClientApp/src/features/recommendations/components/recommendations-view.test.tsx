import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SessionContext, type Session } from '@/lib/session';
import { renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { Recommendation, RecommendationList } from '@/types/optimisation';
import { RecommendationsCard } from './recommendations-view';

const lab = '0x3304a8ce0a0befe3b388795a71186f3dc8b52a98cd50dc2146a8f94090e9e6f';
const sample = '0x5a1e0c2f0000000000000000000000000000000000000000000000000000abcd';

const oldSierra: Recommendation = {
  id: 7,
  key: `old-sierra:contract|${lab}`,
  rule: 'old-sierra',
  target: { kind: 'contract', contract: lab },
  title: `Recompile ${lab}: its class was compiled by Cairo 2.8.2 to Sierra 1.6.0 and is billed by Cairo VM resources`,
  evidence: { sierraVersion: '1.6.0', calls: 120, l2GasOfCalls: 80_400_000 },
  samples: [sample],
  weeklyL2Gas: 427_352_800,
  weeklyL1DataGas: 0,
  weeklyFeeFri: 1_282_058_400_000_000_000,
  formula: 'Σ over calls into the contract of their own L2 gas (nested calls excluded) × (1 − 123.05 / 180) = × 0.3164',
  confidence: 'low',
  status: 'new',
  statusReason: null,
  statusBy: null,
  statusAt: null,
  windowFrom: '2025-11-23T10:10:00Z',
  windowTo: '2025-11-23T20:00:01Z',
  firstSeen: '2026-11-30T19:00:00Z',
  lastSeen: '2026-11-30T19:00:00Z',
  firing: true,
};

const list: RecommendationList = {
  items: [oldSierra],
  lastRun: {
    ranAt: '2026-11-30T19:00:00Z',
    windowFrom: oldSierra.windowFrom,
    windowTo: oldSierra.windowTo,
    findings: 1,
    notEvaluated: [{ rule: 'storage-packing', reason: 'no call traces in this range' }],
  },
};

function renderAs(role: Session['role']) {
  const fetch = stubFetch((url) =>
    url.pathname.endsWith('/dismiss') ? { body: { ...oldSierra, status: 'dismissed', statusReason: 'rewrite planned' } } : { body: list },
  );
  renderWithProviders(
    <SessionContext.Provider value={{ userName: role, role, antiforgeryToken: 't' }}>
      <RecommendationsCard query={{ status: 'new', contract: lab }} />
    </SessionContext.Provider>,
  );
  return fetch;
}

// The whole render-fetch-type round trip takes seconds on a loaded machine; the bound is generous, not a timing check.
const SLOW = 30_000;

describe('recommendations', () => {
  it('asks for the filtered list and shows the target, saving, formula, evidence and a sample linking to the explorer', async () => {
    const fetch = renderAs('viewer');
    expect(await screen.findByTestId('recommendation-saving')).toHaveTextContent('427,352,800 L2 gas, 0 L1 data gas, 1.2821 STRK');
    const [first] = fetch.mock.calls.map(([input]) => new URL(requestUrl(input), 'http://localhost'));
    const asked = first!;
    expect([asked.pathname, asked.searchParams.get('status'), asked.searchParams.get('contract')]).toEqual(['/api/recommendations', 'new', lab]);
    expect(screen.getByTestId('recommendation-formula')).toHaveTextContent('× (1 − 123.05 / 180) = × 0.3164');
    expect(screen.getByTestId('recommendation-evidence')).toHaveTextContent('l2GasOfCalls80,400,000');
    expect(screen.getByTestId('recommendation-sample')).toHaveAttribute('href', `https://sepolia.voyager.online/tx/${sample}`);
    expect(screen.getByTestId('recommendations-last-run')).toHaveTextContent('storage-packing');
  }, SLOW);

  it('hides accept and dismiss from a viewer', async () => {
    renderAs('viewer');
    expect(await screen.findByTestId('recommendations-readonly')).toBeInTheDocument();
    expect(screen.queryByTestId('recommendation-accept')).not.toBeInTheDocument();
    expect(screen.queryByTestId('recommendation-dismiss')).not.toBeInTheDocument();
  }, SLOW);

  it('lets an operator dismiss only with a reason, and sends it', async () => {
    const user = userEvent.setup({ delay: null });
    const fetch = renderAs('operator');
    const dismiss = await screen.findByTestId('recommendation-dismiss');
    expect(screen.getByTestId('recommendation-accept')).toBeEnabled();
    expect(dismiss).toBeDisabled();
    await user.type(screen.getByTestId('recommendation-reason'), 'rewrite planned');
    expect(dismiss).toBeEnabled();
    await user.click(dismiss);
    await waitFor(() => expect(fetch.mock.calls.some(([input]) => requestUrl(input).endsWith('/api/recommendations/7/dismiss'))).toBe(true));
    const call = fetch.mock.calls.find(([input]) => requestUrl(input).endsWith('/dismiss'))!;
    expect(JSON.parse((call as unknown as [unknown, RequestInit])[1].body as string)).toEqual({ reason: 'rewrite planned' });
  }, SLOW);
});
