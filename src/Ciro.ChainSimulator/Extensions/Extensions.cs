using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Faults;
using Ciro.ChainSimulator.Generation;
using Ciro.ChainSimulator.Rpc;
using Ciro.ChainSimulator.Scenarios;
using Ciro.ChainSimulator.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ciro.ChainSimulator.Extensions;

public static class Extensions
{
    /// <summary>Options (validated at start), the chain and its generator, RPC methods, faults, the block timer.</summary>
    public static IHostApplicationBuilder AddChainSimulator(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SimulatorOptions>>().Value);
        services.AddProblemDetails();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FeltTable>();
        services.AddSingleton<Accounts>();
        services.AddSingleton<BlockGenerator>();
        services.AddSingleton<PregenerationStats>();
        services.AddSingleton(ChainBootstrap.Create);
        services.AddSingleton<ChainJsonWriter>();
        services.AddSingleton<TraceJsonWriter>();
        services.AddSingleton<EventsQuery>();
        services.AddSingleton<ContractViews>();
        services.AddSingleton<StarknetMethods>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<ScenarioParser>();
        services.AddSingleton<SubscriptionHub>();
        services.AddHostedService<BlockProducer>();
        return builder;
    }
}
