import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SessionContext, type Session } from '@/lib/session';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import type { AbExperiment } from '@/types/experiments';
import { AbExperimentsCard } from './experiments-view';

const jobManagerA = '0x00bf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd';
const jobManagerB = '0x02a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef1234';

const running: AbExperiment = {
  id: 7,
  name: 'submit_job_result 20% cheaper',
  variantKind: 'contract',
  control: jobManagerA,
  treatment: jobManagerB,
  entryPoint: 'submit_job_result',
  selector: '0x1',
  metric: 'l2Gas',
  treatmentShare: 0.5,
  alpha: 0.05,
  minimumEffect: 0,
  revertRateTolerance: 0.01,
  plannedUnitsPerArm: 500,
  startTime: '2025-11-23T06:10:00+00:00',
  endTime: null,
  prePeriodHours: 6,
  status: 'running',
  createdBy: 'ops',
  createdAt: '2026-11-30T18:00:00+00:00',
  stoppedBy: null,
  stoppedAt: null,
};

type Sent = { method: string; path: string; body: unknown };

/** The API as the form meets it: a create with control "0x1" is the 400 the analytics API answers for a bad field. */
function renderAs(role: Session['role']) {
  const sent: Sent[] = [];
  let list = [running];
  const fetch = stubFetch((url) => {
    const call = fetch.mock.calls.at(-1) as unknown as [unknown, RequestInit | undefined];
    const method = call[1]?.method ?? 'GET';
    const body: unknown = call[1]?.body ? (JSON.parse(call[1].body as string) as unknown) : undefined;
    sent.push({ method, path: url.pathname, body });
    if (method === 'POST' && url.pathname === '/api/experiments/ab') {
      if ((body as { control: string }).control === '0x1') {
        return {
          status: 400,
          body: { status: 400, title: "Invalid 'treatment'", detail: "'treatment' = '0x1' must differ from control.", field: 'treatment' },
        };
      }
      const created = { ...running, id: 8, name: (body as { name: string }).name };
      list = [created, ...list];
      return { status: 201, body: created };
    }
    if (method === 'POST' && url.pathname === '/api/experiments/ab/7/stop') {
      list = list.map((e) => (e.id === 7 ? { ...e, status: 'stopped' } : e));
      return { body: list.find((e) => e.id === 7) };
    }
    return { body: list };
  });
  renderWithProviders(
    <SessionContext.Provider value={{ userName: role, role, antiforgeryToken: 't' }}>
      <AbExperimentsCard />
    </SessionContext.Provider>,
  );
  return sent;
}

// The whole render-fetch-type round trip takes seconds on a loaded machine; the bound is generous, not a timing check.
const SLOW = 30_000;

describe('A/B experiments list', () => {
  it('shows a viewer the list with no create form and no stop button', async () => {
    renderAs('viewer');
    expect(await screen.findByTestId('ab-experiment')).toHaveTextContent('submit_job_result 20% cheaper');
    expect(screen.queryByTestId('ab-experiment-form')).not.toBeInTheDocument();
    expect(screen.queryByTestId('ab-experiment-stop')).not.toBeInTheDocument();
  }, SLOW);

  it('shows the API\'s 400 message under the field it names and creates once the field is fixed', async () => {
    const user = userEvent.setup({ delay: null });
    const sent = renderAs('operator');
    await screen.findByTestId('ab-experiment');
    await user.type(screen.getByTestId('ab-form-name'), 'B is cheaper');
    await user.type(screen.getByTestId('ab-form-control'), '0x1');
    await user.type(screen.getByTestId('ab-form-treatment'), '0x1');
    await user.type(screen.getByTestId('ab-form-entryPoint'), 'submit_job_result');
    await user.clear(screen.getByTestId('ab-form-prePeriodHours'));
    await user.type(screen.getByTestId('ab-form-prePeriodHours'), '6');
    await user.click(screen.getByTestId('ab-form-create'));
    expect(await screen.findByTestId('ab-form-error-treatment')).toHaveTextContent("'treatment' = '0x1' must differ from control.");
    expect(screen.getByTestId('ab-form-treatment')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('ab-form-treatment')).toHaveAccessibleDescription("'treatment' = '0x1' must differ from control.");
    const posted = sent.find((s) => s.method === 'POST')!;
    expect(posted.body).toMatchObject({
      name: 'B is cheaper',
      variantKind: 'contract',
      control: '0x1',
      treatment: '0x1',
      entryPoint: 'submit_job_result',
      treatmentShare: 0.5,
      alpha: 0.05,
      plannedUnitsPerArm: 10000,
      endTime: null,
      prePeriodHours: 6,
    });
    expect((posted.body as { startTime: string }).startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);

    // Pasted, not typed: 66 keystrokes an address, each a re-render, took this test past 30 s on a loaded CI machine.
    await user.clear(screen.getByTestId('ab-form-control'));
    await user.paste(jobManagerA);
    await user.clear(screen.getByTestId('ab-form-treatment'));
    await user.paste(jobManagerB);
    await user.click(screen.getByTestId('ab-form-create'));
    await waitFor(() => expect(screen.getAllByTestId('ab-experiment')).toHaveLength(2));
    expect(screen.queryByTestId('ab-form-error-treatment')).not.toBeInTheDocument();
    expect(screen.getByTestId('ab-form-name')).toHaveValue('');
  }, SLOW);

  it('says which field is not a number without asking the API', async () => {
    const user = userEvent.setup({ delay: null });
    const sent = renderAs('operator');
    await screen.findByTestId('ab-experiment');
    await user.clear(screen.getByTestId('ab-form-alpha'));
    await user.type(screen.getByTestId('ab-form-alpha'), 'five percent');
    await user.click(screen.getByTestId('ab-form-create'));
    expect(await screen.findByTestId('ab-form-error-alpha')).toHaveTextContent("'five percent' is not a number.");
    expect(sent.some((s) => s.method === 'POST')).toBe(false);
  }, SLOW);

  it('lets an operator stop a running experiment', async () => {
    const user = userEvent.setup({ delay: null });
    const sent = renderAs('operator');
    await user.click(await screen.findByRole('button', { name: 'Stop experiment submit_job_result 20% cheaper' }));
    await waitFor(() => expect(screen.getByTestId('ab-experiment-status')).toHaveTextContent('stopped'));
    expect(sent.filter((s) => s.method === 'POST').map((s) => s.path)).toEqual(['/api/experiments/ab/7/stop']);
    expect(screen.queryByTestId('ab-experiment-stop')).not.toBeInTheDocument();
  }, SLOW);
});
