using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace CiroAspire.AppHost;

/// <summary>Operator actions on the Aspire dashboard: drive the simulator's scenarios, reindex the chain.</summary>
internal static class DashboardCommands
{
    public static IResourceBuilder<ProjectResource> WithSimulatorCommands(this IResourceBuilder<ProjectResource> chain, IResourceBuilder<ParameterResource> adminKey)
    {
        foreach (var scenario in new[] { "steady", "gas-spike", "slow-worker", "failing-worker", "congestion", "usage-surge" })
        {
            chain.WithHttpCommand("/admin/scenario", $"Scenario: {scenario}", commandName: $"scenario-{scenario}",
                commandOptions: new HttpCommandOptions
                {
                    Description = $"Switch the chain simulator to the '{scenario}' scenario.",
                    PrepareRequest = async ctx =>
                    {
                        ctx.Request.Headers.Add("X-Admin-Key", await adminKey.Resource.GetValueAsync(ctx.CancellationToken));
                        ctx.Request.Content = JsonContent.Create(new { name = scenario });
                    },
                });
        }
        chain.WithHttpCommand("/admin/reorg", "Reorg the last 3 blocks", commandName: "reorg-3",
            commandOptions: new HttpCommandOptions
            {
                Description = "Replace the 3 newest blocks with a different branch.",
                PrepareRequest = async ctx =>
                {
                    ctx.Request.Headers.Add("X-Admin-Key", await adminKey.Resource.GetValueAsync(ctx.CancellationToken));
                    ctx.Request.Content = JsonContent.Create(new { depth = 3 });
                },
            });
        return chain;
    }

#pragma warning disable ASPIREINTERACTION001
    public static IResourceBuilder<ProjectResource> WithReindexCommand(this IResourceBuilder<ProjectResource> indexer, IResourceBuilder<ParameterResource> adminKey)
    {
        return indexer.WithCommand("reindex", "Reindex from block…", async context =>
        {
            var interaction = context.Services.GetRequiredService<IInteractionService>();
            var answer = await interaction.PromptInputAsync("Reindex", "Delete everything from this block on and index it again.",
                "From block", "block number", cancellationToken: context.CancellationToken);
            if (answer.Canceled || !ulong.TryParse(answer.Data?.Value, out var fromBlock))
            {
                return CommandResults.Failure($"'{answer.Data?.Value}' is not a block number");
            }
            using var http = new HttpClient { BaseAddress = new Uri(indexer.GetEndpoint("http").Url) };
            http.DefaultRequestHeaders.Add("X-Api-Key", await adminKey.Resource.GetValueAsync(context.CancellationToken));
            using var response = await http.PostAsJsonAsync("/admin/reindex", new { fromBlock }, context.CancellationToken);
            return response.IsSuccessStatusCode
                ? CommandResults.Success()
                : CommandResults.Failure($"indexer answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.CancellationToken)}");
        }, new CommandOptions { Description = "Delete indexed data from a block on and index it again." });
    }
#pragma warning restore ASPIREINTERACTION001
}
