import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorCard } from '@/components/ui/error-card';
import { ApiError } from '@/lib/api-client';
import type { AbExperiment, CreateAbExperimentRequest } from '@/types/experiments';
import { useCreateAbExperiment } from '../api/create-ab-experiment';

type Fields = {
  name: string;
  variantKind: 'contract' | 'class';
  control: string;
  treatment: string;
  entryPoint: string;
  treatmentShare: string;
  alpha: string;
  minimumEffect: string;
  revertRateTolerance: string;
  plannedUnitsPerArm: string;
  startTime: string;
  endTime: string;
  prePeriodHours: string;
};

/** The API's defaults, shown so the operator sees what the plan will be; the start is this minute (UTC). */
function initialFields(now: Date): Fields {
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
  return {
    name: '',
    variantKind: 'contract',
    control: '',
    treatment: '',
    entryPoint: '',
    treatmentShare: '0.5',
    alpha: '0.05',
    minimumEffect: '0',
    revertRateTolerance: '0.01',
    plannedUnitsPerArm: '10000',
    startTime: start,
    endTime: '',
    prePeriodHours: '',
  };
}

const NUMBER_FIELDS = ['treatmentShare', 'alpha', 'minimumEffect', 'revertRateTolerance', 'plannedUnitsPerArm', 'prePeriodHours'] as const;

function numberOrNull(text: string): number | null {
  return text.trim() === '' ? null : Number(text.trim());
}

/** The first number field that is not a number (the API checks ranges and everything else, naming the field). */
function notANumber(f: Fields): { field: string; message: string } | undefined {
  const bad = NUMBER_FIELDS.find((name) => f[name].trim() !== '' && !Number.isFinite(Number(f[name].trim())));
  return bad ? { field: bad, message: `'${f[bad]}' is not a number.` } : undefined;
}

/** The request body: empty optional fields are null (the API's default). */
function toRequest(f: Fields): CreateAbExperimentRequest {
  return {
    name: f.name,
    variantKind: f.variantKind,
    control: f.control.trim(),
    treatment: f.treatment.trim(),
    entryPoint: f.entryPoint.trim(),
    metric: null,
    treatmentShare: numberOrNull(f.treatmentShare),
    alpha: numberOrNull(f.alpha),
    minimumEffect: numberOrNull(f.minimumEffect),
    revertRateTolerance: numberOrNull(f.revertRateTolerance),
    plannedUnitsPerArm: numberOrNull(f.plannedUnitsPerArm),
    startTime: f.startTime.trim(),
    endTime: f.endTime.trim() === '' ? null : f.endTime.trim(),
    prePeriodHours: numberOrNull(f.prePeriodHours),
  };
}

/** The field a 400 ProblemDetails names (`field` extension) and its message, or nothing for any other failure. */
function fieldProblem(error: unknown): { field: string; message: string } | undefined {
  if (error instanceof ApiError && error.status === 400 && typeof error.problem?.field === 'string') {
    return { field: error.problem.field, message: error.detail ?? error.title };
  }
  return undefined;
}

type FieldProps = {
  name: keyof Fields;
  label: string;
  problem: { field: string; message: string } | undefined;
  children: (invalid: { 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ReactNode;
};

/** A labelled input with the API's message under it when the 400 named this field. */
function Field({ name, label, problem, children }: FieldProps) {
  const mine = problem?.field === name ? problem.message : undefined;
  const errorId = `ab-form-${name}-error`;
  return (
    <label className="filter-bar__field">
      {label}
      {children({ 'aria-invalid': mine !== undefined, 'aria-describedby': mine ? errorId : undefined })}
      {mine && (
        <span id={errorId} className="text-danger" role="alert" style={{ maxWidth: '36em', overflowWrap: 'anywhere' }} data-testid={`ab-form-error-${name}`}>
          {mine}
        </span>
      )}
    </label>
  );
}

/** Create an A/B experiment (operators): the variants, entry point and plan; the API validates every field and a 400
 * shows its message under the field it names. The plan cannot be edited afterwards, only stopped. */
export function CreateExperimentForm({ onCreated }: { onCreated?: (created: AbExperiment) => void }) {
  const create = useCreateAbExperiment();
  const [fields, setFields] = useState<Fields>(() => initialFields(new Date()));
  const [local, setLocal] = useState<{ field: string; message: string } | undefined>();
  const problem = local ?? fieldProblem(create.error);
  const set = (name: keyof Fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const invalid = notANumber(fields);
    setLocal(invalid);
    if (invalid) return;
    create.mutate(toRequest(fields), {
      onSuccess: (created) => {
        setFields(initialFields(new Date()));
        onCreated?.(created);
      },
    });
  };
  // Addresses and class hashes get room for a whole felt (66 characters).
  const text = (name: keyof Fields, label: string, placeholder?: string, mono = false, wide = false) => (
    <Field name={name} label={label} problem={problem}>
      {(a11y) => (
        <input
          type="text"
          value={fields[name]}
          placeholder={placeholder}
          spellCheck={false}
          className={mono ? 'mono' : undefined}
          style={wide ? { minWidth: '36em' } : undefined}
          onChange={set(name)}
          data-testid={`ab-form-${name}`}
          {...a11y}
        />
      )}
    </Field>
  );
  return (
    <Card title="New A/B experiment" subtitle="the plan is fixed once created (an operator can stop it); the API checks every field">
      <form className="filter-bar" style={{ alignItems: 'start' }} aria-label="New A/B experiment" onSubmit={submit} data-testid="ab-experiment-form">
        {text('name', 'Name', 'submit_job_result 20% cheaper')}
        <Field name="variantKind" label="Variants are" problem={problem}>
          {(a11y) => (
            <select value={fields.variantKind} onChange={set('variantKind')} data-testid="ab-form-variantKind" {...a11y}>
              <option value="contract">deployments (addresses)</option>
              <option value="class">class hashes</option>
            </select>
          )}
        </Field>
        {text('control', 'A (control)', '0x…', true, true)}
        {text('treatment', 'B (treatment)', '0x…', true, true)}
        {text('entryPoint', 'Entry point', 'submit_job_result or 0x selector', true)}
        {text('treatmentShare', 'Planned B share')}
        {text('alpha', 'α')}
        {text('minimumEffect', 'Minimum effect (gas)')}
        {text('revertRateTolerance', 'Revert-rate tolerance')}
        {text('plannedUnitsPerArm', 'Planned units per arm')}
        {text('startTime', 'Start (ISO 8601)', '2026-11-30T18:00:00Z', true)}
        {text('endTime', 'End (optional)', 'none', true)}
        {text('prePeriodHours', 'CUPED pre-period h (optional)', 'none')}
        <Button type="submit" style={{ alignSelf: 'end' }} disabled={create.isPending} data-testid="ab-form-create">
          Create experiment
        </Button>
        {create.error && !problem && <ErrorCard error={create.error} />}
      </form>
    </Card>
  );
}
