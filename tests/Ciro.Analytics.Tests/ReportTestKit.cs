using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;
using MimeKit;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>A clock that runs at real speed from a chosen instant: Quartz waits real (short) times to the fire, while
/// every reading — the fire time, the misfire check, the period reported — is the chosen day's.</summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}

/// <summary>smtp4dev (from .tools/, as the AppHost runs it) on free ports, read back through its REST API.</summary>
public sealed class Smtp4DevServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private Smtp4DevServer(ChildProcess process, int smtpPort, HttpClient api)
    {
        _process = process;
        SmtpPort = smtpPort;
        Api = api;
    }

    public int SmtpPort { get; }

    public HttpClient Api { get; }

    public string ConnectionString => $"smtp://127.0.0.1:{SmtpPort}";

    public static async Task<Smtp4DevServer> StartAsync()
    {
        var smtpPort = FreePort.Next();
        var web = $"http://127.0.0.1:{FreePort.Next()}";
        var process = new ChildProcess(Smtp4Dev.Program(TestData.RepoRoot), Smtp4Dev.Arguments(smtpPort.ToString(), web).Select(a => a.ToString()!));
        var server = new Smtp4DevServer(process, smtpPort, new HttpClient { BaseAddress = new Uri(web), Timeout = TimeSpan.FromSeconds(10) });
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            try
            {
                if ((await server.Api.GetAsync("/api/messages")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited)
            {
                break;
            }
            await Task.Delay(300);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"smtp4dev did not answer within 90 s: {process.Output}");
    }

    /// <summary>The messages received so far (id, subject, recipients), oldest first.</summary>
    public async Task<IReadOnlyList<(string Id, string Subject, string To)>> MessagesAsync()
    {
        using var document = JsonDocument.Parse(await Api.GetStringAsync("/api/messages"));
        var list = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement : document.RootElement.GetProperty("results");
        return list.EnumerateArray().Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("subject").GetString() ?? "",
            m.GetProperty("to").GetRawText())).ToList();
    }

    /// <summary>One received message as sent (MIME), parsed.</summary>
    public async Task<MimeMessage> MessageAsync(string id)
    {
        await using var stream = await Api.GetStreamAsync($"/api/messages/{id}/raw");
        return await MimeMessage.LoadAsync(stream);
    }

    public async Task<IReadOnlyList<(string Id, string Subject, string To)>> WaitForAsync(int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var messages = await MessagesAsync();
            if (messages.Count >= count || watch.Elapsed > timeout)
            {
                return messages;
            }
            await Task.Delay(300);
        }
    }

    public ValueTask DisposeAsync()
    {
        Api.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

public static class ReportTestKit
{
    /// <summary>Waits until reports.reports holds <paramref name="count"/> rows (or the timeout), returning the count.</summary>
    public static async Task<long> WaitForReportsAsync(NpgsqlDataSource db, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using var command = db.CreateCommand("select count(*) from reports.reports");
            var rows = (long)(await command.ExecuteScalarAsync())!;
            if (rows >= count || watch.Elapsed > timeout)
            {
                return rows;
            }
            await Task.Delay(200);
        }
    }

    /// <summary>pdftotext -layout of a PDF.</summary>
    public static Task<string> PdfTextAsync(byte[] pdf) => Ciro.Testing.PdfText.ReadAsync(pdf);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }
}
