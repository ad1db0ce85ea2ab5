using System.Diagnostics.Metrics;

namespace Ciro.Web.Auth;

/// <summary>Sign-ins: failures are counted (by reason) so guessing shows on the Aspire dashboard's metrics.</summary>
public sealed class AuthMetrics
{
    public AuthMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Live.LiveMetrics.MeterName);
        SignIns = meter.CreateCounter<long>("ciro.web.sign_ins", description: "Successful sign-ins");
        SignInFailures = meter.CreateCounter<long>("ciro.web.sign_in_failures", description: "Refused sign-ins (wrong password or unknown user)");
        RateLimited = meter.CreateCounter<long>("ciro.web.rate_limited", description: "Requests answered 429, by policy");
    }

    public Counter<long> SignIns { get; }
    public Counter<long> SignInFailures { get; }
    public Counter<long> RateLimited { get; }
}
