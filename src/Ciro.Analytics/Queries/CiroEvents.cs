namespace Ciro.Analytics.Queries;

/// <summary>The CIRO contract events and functions analytics reads, spelled as the indexer stores them
/// (<c>ciro.events.name</c>, <c>ciro.tx_calls.function_name</c>). SQL interpolates these constants, never input.</summary>
public static class CiroEvents
{
    public const string JobSubmitted = "JobSubmitted";
    public const string JobAllocated = "JobAllocated";
    public const string JobAssigned = "JobAssigned";
    public const string JobCompleted = "JobCompleted";
    public const string PaymentReleased = "PaymentReleased";
    public const string StakeAdded = "StakeAdded";
    public const string UnstakeExecuted = "UnstakeExecuted";

    /// <summary>The JobManager function a worker calls with its result. JobManager has no failure event: a
    /// failed job is a reverted call of this function (<see cref="ChainSql.FailedJobResult"/>).</summary>
    public const string SubmitJobResult = "submit_job_result";

    /// <summary>Job lifecycle events in order; each carries a decoded <c>job_id</c>.</summary>
    public static readonly string[] Lifecycle = [JobSubmitted, JobAllocated, JobAssigned, JobCompleted, PaymentReleased];
}
