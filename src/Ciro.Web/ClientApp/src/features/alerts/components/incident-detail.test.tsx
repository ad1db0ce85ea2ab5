import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SessionContext, type Session } from '@/lib/session';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import type { AlertIncident, TimelineEntry } from '@/types/alerts';
import { IncidentDetail } from './incident-detail';

const incident: AlertIncident = {
  id: '0193f1d2-0000-7000-8000-000000000001',
  dedupKey: 'gas-spike|function=allocate_job',
  rule: 'gas-spike',
  ruleKind: 'gas-spike',
  severity: 'critical',
  state: 'firing',
  summary: 'L2 gas per call of allocate_job is 3.1× its baseline',
  labels: { function: 'allocate_job' },
  observed: '52,000 gas',
  expected: '16,800 gas',
  dashboardUrl: null,
  since: '2026-11-30T10:00:00Z',
  startedAt: '2026-11-30T10:02:00Z',
  lastSeenAt: '2026-11-30T10:05:00Z',
  repeats: 3,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  escalationPolicy: null,
  escalationStep: 0,
  nextEscalationAt: null,
  suppressedBy: null,
};

const timeline: TimelineEntry[] = [
  { at: '2026-11-30T10:02:00Z', kind: 'triggered', actor: 'alerts', comment: null, channel: null, target: null, succeeded: null, attempt: null },
  { at: '2026-11-30T10:02:01Z', kind: 'delivery:firing', actor: 'alerts', comment: null, channel: 'email', target: 'ops@example.org', succeeded: true, attempt: 1 },
];

function renderAs(role: Session['role']) {
  stubFetch((url) => ({ body: url.pathname.endsWith('/timeline') ? timeline : incident }));
  return renderWithProviders(
    <SessionContext.Provider value={{ userName: role, role, antiforgeryToken: 't' }}>
      <IncidentDetail id={incident.id} />
    </SessionContext.Provider>,
  );
}

describe('incident detail', () => {
  it('shows an operator the incident, its timeline and the ack and resolve controls', async () => {
    renderAs('operator');
    expect(await screen.findByTestId('detail-state')).toHaveTextContent('firing');
    expect(await screen.findAllByTestId('timeline-entry')).toHaveLength(2);
    expect(screen.getByText('delivery:firing, via email to ops@example.org, attempt 1, delivered')).toBeInTheDocument();
    expect(screen.getByTestId('incident-ack')).toBeEnabled();
    expect(screen.getByTestId('incident-resolve')).toBeEnabled();
  });

  it('shows a viewer the same incident with no control', async () => {
    renderAs('viewer');
    expect(await screen.findByTestId('detail-state')).toHaveTextContent('firing');
    expect(screen.getByTestId('incident-readonly')).toBeInTheDocument();
    expect(screen.queryByTestId('incident-ack')).not.toBeInTheDocument();
    expect(screen.queryByTestId('incident-resolve')).not.toBeInTheDocument();
  });
});
