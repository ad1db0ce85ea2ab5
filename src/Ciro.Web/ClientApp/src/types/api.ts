// Wire types of the Ciro.Web API and the hub's "jobsActivity" push. The hub's other messages are generated from
// the C# records into ./messages.ts. Token amounts stay decimal strings end to end: they routinely exceed
// Number.MAX_SAFE_INTEGER.

/** One UTC minute of job lifecycle counts. */
export type JobsBucket = {
  /** ISO-8601 start of the minute, UTC. */
  minute: string;
  submitted: number;
  allocated: number;
  assigned: number;
  completed: number;
  failed: number;
};

/** GET /api/activity/jobs and the hub's "jobsActivity" message. Buckets run oldest → newest; missing minutes mean zero. */
export type JobsActivity = {
  asOfBlock: number | null;
  asOf: string;
  buckets: JobsBucket[];
};

/** GET /api/blocks/latest. */
export type LatestBlock = {
  blockNumber: number;
  blockHash: string;
  timestamp: string;
  transactionCount: number;
  revertedCount: number;
  eventCount: number;
  /** Fee totals per unit ("WEI", "FRI"), as base-10 integer strings. */
  feesByUnit: Record<string, string>;
  l1Gas: number;
  l1DataGas: number;
  l2Gas: number;
};

/** GET /api/pipeline/status: is data still flowing? */
export type PipelineStatus = {
  /** "halted" carries the reason an operator must act on; "unknown": the indexer never reported. */
  indexerState: 'indexing' | 'halted' | 'unknown' | (string & {});
  reason: string | null;
  /** When the indexer entered this state (ISO-8601). */
  since: string | null;
  newestBlock: number | null;
  newestBlockTime: string | null;
  /** Server clock minus the newest block's timestamp, at checkedAt. */
  newestBlockAgeSeconds: number | null;
  checkedAt: string;
};

export type IncidentSeverity = 'critical' | 'warning' | 'info' | (string & {});

/** GET /api/alerts/incidents?state=open. */
export type Incident = {
  id: string;
  rule: string;
  severity: IncidentSeverity;
  state: string;
  startedAt: string;
  summary: string;
};

/** RFC 7807 problem details, as ASP.NET's AddProblemDetails writes them. */
export type ProblemDetails = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
};
