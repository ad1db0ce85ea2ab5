import { Link } from 'react-router';
import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import { paths } from '@/config/paths';
import { hasRole, useCurrentUser } from '@/lib/session';
import type { UpgradeReport } from '@/types/experiments';
import { formatGas, formatPercent } from '@/utils/format-kpi';
import { formatUtcDateTime, shortHash } from '@/utils/format';
import { useAbExperiments } from '../api/get-ab-experiments';
import { useUpgradeReports } from '../api/get-upgrade-reports';
import { signedGas } from '../utils/interval-scale';
import { CreateExperimentForm } from './create-experiment-form';
import { StopExperimentButton } from './stop-experiment-button';

/** The A/B experiments operators created (archived ones hidden), each linking to its result; operators create and stop
 * them here, viewers only read. */
export function AbExperimentsCard() {
  const result = useAbExperiments();
  const operator = hasRole(useCurrentUser(), 'operator');
  return (
    <>
      {operator && <CreateExperimentForm />}
      <QueryCard
        title="A/B experiments"
        subtitle="two deployments or class hashes sharing traffic, created by operators"
        data-testid="ab-experiments"
        query={result}
        isEmpty={(rows) => rows.length === 0}
        empty={operator ? 'No A/B experiment yet: create one above.' : 'No A/B experiment yet (operators create them).'}
      >
        {(rows) => (
          <table className="table" data-testid="ab-experiments-table">
            <caption className="visually-hidden">A/B experiments</caption>
            <TableHead columns={['Name', 'Entry point', 'A', 'B', 'Planned B share', 'Start', 'Status', ...(operator ? ['Action'] : [])]} />
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid="ab-experiment">
                  <td>
                    <Link to={paths.experiment.getHref(String(e.id))}>{e.name}</Link>
                  </td>
                  <td className="mono">{e.entryPoint}</td>
                  <td className="mono" title={e.control}>
                    {shortHash(e.control)}
                  </td>
                  <td className="mono" title={e.treatment}>
                    {shortHash(e.treatment)}
                  </td>
                  <td className="num">{formatPercent(e.treatmentShare, 0)}</td>
                  <td>{formatUtcDateTime(e.startTime)}</td>
                  <td data-testid="ab-experiment-status">{e.status}</td>
                  {operator && (
                    <td>
                      <StopExperimentButton experiment={e} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryCard>
    </>
  );
}

function UpgradeTable({ report }: { report: UpgradeReport }) {
  return (
    <table className="table" data-testid="upgrade-functions">
      <caption className="visually-hidden">Functions of {report.change.contract}</caption>
      <TableHead columns={['Function', 'Gas before', 'Gas after', 'Effect (interval)', 'Relative', 'Reverts before → after', 'Calls']} />
      <tbody>
        {report.functions.map((f) => (
          <tr key={f.function} data-testid="upgrade-function" data-changed={String(f.gasChanged)}>
            <td className="mono">{f.function}</td>
            <td className="num">{formatGas(f.gasBefore)}</td>
            <td className="num">{formatGas(f.gasAfter)}</td>
            <td className="num">
              {signedGas(f.gasEffect.estimate)} [{signedGas(f.gasEffect.lower)}, {signedGas(f.gasEffect.upper)}]
            </td>
            <td className="num">{formatPercent(f.relativeEffect, 1)}</td>
            <td className="num">
              {formatPercent(f.revertRateBefore, 1)} → {formatPercent(f.revertRateAfter, 1)}
            </td>
            <td className="num">
              {formatGas(f.callsBefore)} → {formatGas(f.callsAfter)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every upgrade (class replacement) with its automatic before/after against control contracts. */
export function UpgradesCard() {
  const result = useUpgradeReports();
  return (
    <QueryCard
      title="Upgrades: before / after"
      subtitle="per function L2 gas per call, difference in differences against unaffected contracts, matched windows"
      data-testid="upgrades"
      query={result}
      isEmpty={(rows) => rows.length === 0}
      empty="No class replacement indexed"
    >
      {(rows) => (
        <div className="stack">
          {rows.map((r) => (
            <section key={`${r.change.contract}-${r.change.block}`} data-testid="upgrade" data-changed={String(r.changed)}>
              <h3>
                <span className="mono" title={r.change.contract}>
                  {shortHash(r.change.contract)}
                </span>{' '}
                at block {r.change.block} ({formatUtcDateTime(r.change.changedAt)}): Sierra {r.change.previousSierraVersion ?? '?'} →{' '}
                {r.change.sierraVersion ?? '?'}
              </h3>
              <p data-testid="upgrade-verdict">
                {r.verdict} ({r.matching} windows{r.afterComplete ? '' : ', after window still open'})
              </p>
              <UpgradeTable report={r} />
            </section>
          ))}
        </div>
      )}
    </QueryCard>
  );
}
