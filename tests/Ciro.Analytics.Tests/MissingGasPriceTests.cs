using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Analytics.Tests;

/// <summary>Blocks indexed from older nodes have NULL prices (no l1_data_gas_price before RPC v0.7, no l2_gas_price
/// before v0.8). Network KPIs average a price over the blocks that had it, answer null where none had it, and the
/// raw block rows return null: a missing price never becomes a zero.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class MissingGasPriceTests(AnalyticsFixture fixture)
{
    private const string Hours = "from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z";

    [Fact]
    public async Task Means_skip_blocks_without_the_price_and_raw_rows_return_null()
    {
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        // KnownChain prices every block at L1 data 20 FRI / 2 WEI and L2 30 FRI / 3 WEI. Block 1 as a pre-v0.7 node
        // served it (neither price), block 2 as a v0.7 node (no L2 price), hour 11 all without an L2 price.
        await using (var update = db.CreateCommand("""
            update ciro.blocks set l1_data_gas_price_fri = null, l1_data_gas_price_wei = null where block_number = 1;
            update ciro.blocks set l2_gas_price_fri = null, l2_gas_price_wei = null
            where block_number in (1, 2) or block_time >= '2026-03-02T11:00:00Z';
            """))
        {
            await update.ExecuteNonQueryAsync();
        }
        await using var app = fixture.App(db);
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        var http = app.CreateClient();

        var hours = (await http.GetFromJsonAsync<JsonElement>($"/api/kpi/network?{Hours}&bucket=hour")).GetProperty("items");
        // Hour 10 = blocks 1–4: L1 data price on blocks 2–4 (60 / 3), L2 price on blocks 3–4 (60 / 2); dividing by
        // all 4 blocks would say 15 and 15.
        Assert.Equal("20", hours[0].GetProperty("meanL1DataGasPriceFri").GetString());
        Assert.Equal("2", hours[0].GetProperty("meanL1DataGasPriceWei").GetString());
        Assert.Equal("30", hours[0].GetProperty("meanL2GasPriceFri").GetString());
        Assert.Equal("3", hours[0].GetProperty("meanL2GasPriceWei").GetString());
        Assert.Equal("10", hours[0].GetProperty("meanL1GasPriceFri").GetString());
        // Hour 11: no block had an L2 price.
        Assert.Equal(JsonValueKind.Null, hours[1].GetProperty("meanL2GasPriceFri").ValueKind);
        Assert.Equal("20", hours[1].GetProperty("meanL1DataGasPriceFri").GetString());

        var raw = (await http.GetFromJsonAsync<JsonElement>($"/api/kpi/network?{Hours}&bucket=raw&pageSize=100")).GetProperty("items")
            .EnumerateArray().ToDictionary(b => b.GetProperty("blockNumber").GetInt64());
        Assert.Equal(JsonValueKind.Null, raw[1].GetProperty("l1DataGasPriceFri").ValueKind);
        Assert.Equal(JsonValueKind.Null, raw[2].GetProperty("l2GasPriceFri").ValueKind);
        Assert.Equal("20", raw[2].GetProperty("l1DataGasPriceFri").GetString());
        Assert.Equal("30", raw[3].GetProperty("l2GasPriceFri").GetString());
    }
}
