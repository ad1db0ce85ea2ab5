import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SessionContext, type Session } from '@/lib/session';
import { renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { AlertRule, PolicyList, RuleList } from '@/types/alerts';
import { EscalationPoliciesCard } from './escalation-policies-card';
import { RulesCard } from './rules-card';

const fileRule: AlertRule = {
  id: 'gas-spike-submit-job-result',
  kind: 0,
  kindText: 'gas-spike',
  severity: 'warning',
  description: 'A result submission costs far more L2 gas than in the last half hour.',
  enabled: true,
  window: '00:05:00',
  baseline: '00:30:00',
  threshold: 2.5,
  recovery: 1.5,
  metric: 'l2_gas',
  function: 'submit_job_result',
  source: 'gas-spike.yaml',
};

const apiRule: AlertRule = {
  id: 'usage-transfer',
  kind: 4,
  kindText: 'usage-anomaly',
  severity: 'info',
  enabled: true,
  window: '02:00:00',
  threshold: 0.9,
  recovery: 0.5,
  metric: 'tx_count',
  function: 'transfer',
  contract: '0x4718',
  source: 'api',
};

const rules: RuleList = {
  folder: '/app/alert-rules',
  rules: [fileRule, apiRule],
  errors: [{ file: 'bad.yaml', rule: 'slow', field: 'window', line: 4, message: "bad.yaml: rule 'slow' (line 4): window: 'forever' must be a duration" }],
};

const policies: PolicyList = {
  configured: [
    {
      name: 'critical-oncall',
      match: { severity: 'critical' },
      repeat: 0,
      ackTimeout: '00:30:00',
      steps: [
        { delay: '00:05:00', targets: [{ channel: 'telegram', recipients: ['-100123'] }] },
        { delay: '00:10:00', targets: [{ channel: 'email', recipients: ['lead@example.org'] }] },
      ],
    },
  ],
  api: [
    {
      policy: { name: 'payments', match: {}, repeat: 1, ackTimeout: null, steps: [{ delay: '00:15:00', targets: [{ channel: 'discord', recipients: [] }] }] },
      version: 3,
      createdAt: '2026-11-30T09:00:00Z',
      createdBy: 'ada-admin',
      updatedAt: '2026-11-30T10:00:00Z',
      updatedBy: 'ada-admin',
    },
  ],
};

function renderAs(role: Session['role']) {
  let current = rules;
  const fetch = stubFetch((url) => {
    if (url.pathname === '/api/rules/usage-transfer/disable') {
      current = { ...current, rules: [fileRule, { ...apiRule, enabled: false }] };
      return { body: { rule: { ...apiRule, enabled: false }, version: 2, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '' } };
    }
    return { body: url.pathname === '/api/rules' ? current : policies };
  });
  renderWithProviders(
    <SessionContext.Provider value={{ userName: role, role, antiforgeryToken: 't' }}>
      <RulesCard />
      <EscalationPoliciesCard />
    </SessionContext.Provider>,
  );
  return fetch;
}

describe('alert rules and escalation policies', () => {
  it('shows a viewer every rule with its source and condition, the problems, and no control', async () => {
    renderAs('viewer');
    const rows = await screen.findAllByTestId('rule');
    expect(rows).toHaveLength(2);
    const [file, fromApi] = rows as [HTMLElement, HTMLElement];
    expect(within(file).getByTestId('rule-source')).toHaveTextContent('gas-spike.yaml');
    expect(file).toHaveTextContent('≥ 2.5 × its last 30m over 5m; resolves ≤ 1.5');
    expect(within(fromApi).getByTestId('rule-source')).toHaveTextContent('api');
    expect(fromApi).toHaveTextContent('function transfer, contract 0x4718, metric tx_count');
    expect(screen.getByTestId('rule-problems')).toHaveTextContent("bad.yaml: rule 'slow' (line 4): window: 'forever' must be a duration");
    expect(screen.getByTestId('rules-readonly')).toBeInTheDocument();
    expect(screen.queryByTestId('rule-toggle')).not.toBeInTheDocument();
  });

  it('lets an admin disable an API rule, and only API rules', async () => {
    const fetch = renderAs('admin');
    const toggle = await screen.findByTestId('rule-toggle');
    expect(screen.getAllByTestId('rule-toggle')).toHaveLength(1);
    expect(toggle).toHaveAccessibleName('Disable usage-transfer');
    expect(screen.queryByTestId('rules-readonly')).not.toBeInTheDocument();

    await userEvent.click(toggle);
    // fetch(input, init): the stub's handler sees the URL only, so the method is read from the recorded call.
    const calls = fetch.mock.calls as unknown as [RequestInfo | URL, RequestInit | undefined][];
    const post = calls.find(([input]) => requestUrl(input).endsWith('/api/rules/usage-transfer/disable'));
    expect(post?.[1]?.method).toBe('POST');
    await waitFor(() => expect(screen.getAllByTestId('rule-state')[1]).toHaveTextContent('disabled'));
    expect(screen.getByTestId('rule-toggle')).toHaveTextContent('Enable');
  });

  it('lists the configured policies, then the API ones with version and author, each step with its delay', async () => {
    renderAs('viewer');
    const rows = await screen.findAllByTestId('escalation-policy');
    expect(rows).toHaveLength(2);
    const [configured, fromApi] = rows as [HTMLElement, HTMLElement];
    expect(configured).toHaveTextContent('critical-oncall');
    expect(configured).toHaveTextContent('severity=critical');
    const steps = within(configured).getAllByRole('listitem');
    expect(steps.map((s) => s.textContent)).toEqual(['telegram → -100123, then 5m later', 'email → lead@example.org']);
    expect(configured).toHaveTextContent('30m');
    expect(within(fromApi).getByTestId('escalation-source')).toHaveTextContent('api v3');
    expect(within(fromApi).getByTestId('escalation-source')).toHaveTextContent('ada-admin');
    expect(fromApi).toHaveTextContent('every incident');
    expect(within(fromApi).getAllByRole('listitem').map((s) => s.textContent)).toEqual(['discord, then 15m later']);
  });
});
