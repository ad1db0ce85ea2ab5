using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Ciro.Starknet.Rpc;

/// <summary>The HTTP half: one POST per call or batch, retried only for faults that can pass on their own.</summary>
public sealed partial class StarknetRpcClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>Sends <paramref name="body"/> and hands the full response body to <paramref name="parse"/>.
    /// Retries timeouts, 408/429/5xx, connection errors and bodies cut off mid-read; never RPC or parse errors.</summary>
    private async Task<TResult> ExecuteAsync<TResult>(
        string method, byte[] body, int callCount, Func<ResponseBody, TResult> parse, CancellationToken cancellationToken)
    {
        _metrics.Request(method, callCount);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fault = await TryAttemptAsync(method, body, parse, cancellationToken).ConfigureAwait(false);
                if (fault.Succeeded)
                {
                    outcome = "ok";
                    return fault.Result!;
                }
                _metrics.Error(method, fault.Kind);
                if (attempt >= _options.MaxAttempts)
                {
                    throw new StarknetTransportException(method, fault.Description, attempt, fault.Exception);
                }
                var delay = RetryDelay(attempt, fault.RetryAfter);
                _metrics.Retry(method, fault.Kind);
                _logger.LogWarning(fault.Exception,
                    "Starknet RPC {Method} attempt {Attempt}/{MaxAttempts} failed ({Kind}: {Description}); retrying in {DelayMs} ms",
                    method, attempt, _options.MaxAttempts, fault.Kind, fault.Description, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (StarknetRpcException ex)
        {
            _metrics.Error(method, $"rpc_{ex.Code}");
            throw;
        }
        catch (StarknetProtocolException ex)
        {
            _metrics.Error(method, ex.Kind);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            _metrics.Duration(method, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<AttemptResult<TResult>> TryAttemptAsync<TResult>(
        string method, byte[] body, Func<ResponseBody, TResult> parse, CancellationToken cancellationToken)
    {
        using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptCts.CancelAfter(_options.AttemptTimeout);
        ResponseBody? response = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, (Uri?)null);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonContentType;
            using var http = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token)
                .ConfigureAwait(false);
            var status = (int)http.StatusCode;
            if (IsTransientStatus(http.StatusCode))
            {
                return AttemptResult<TResult>.Fault(
                    status == 429 ? "http_429" : status == 408 ? "timeout" : "http_5xx",
                    $"HTTP {status} {http.ReasonPhrase}", RetryAfter(http));
            }
            response = await ResponseBody.ReadAsync(http, _options.MaxResponseBytes, method, attemptCts.Token).ConfigureAwait(false);
            response.StatusCode = status;
            return AttemptResult<TResult>.Success(parse(response));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptResult<TResult>.Fault("timeout", $"no complete answer within {_options.AttemptTimeout}", null, ex);
        }
        catch (HttpRequestException ex)
        {
            return AttemptResult<TResult>.Fault("connection", ex.Message, null, ex);
        }
        catch (IOException ex)
        {
            // The connection dropped while the body was streaming in.
            return AttemptResult<TResult>.Fault("io", ex.Message, null, ex);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    internal TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            return wait < _options.MaxRetryAfter ? wait : _options.MaxRetryAfter;
        }
        var ceiling = Math.Min(_options.MaxDelay.TotalMilliseconds,
            _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private readonly record struct AttemptResult<TResult>(
        bool Succeeded, TResult? Result, string Kind, string Description, TimeSpan? RetryAfter, Exception? Exception)
    {
        public static AttemptResult<TResult> Success(TResult result) => new(true, result, "", "", null, null);

        public static AttemptResult<TResult> Fault(string kind, string description, TimeSpan? retryAfter, Exception? ex = null) =>
            new(false, default, kind, description, retryAfter, ex);
    }
}

/// <summary>A whole response body in a pooled buffer: parsing needs it contiguous, and renting avoids a fresh
/// multi-megabyte array per block.</summary>
internal sealed class ResponseBody : IDisposable
{
    private byte[] _buffer;

    private ResponseBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }
    public int StatusCode { get; set; }
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>Reads at most <paramref name="maxBytes"/>: a Content-Length above it is refused before anything is
    /// rented, and a body without one (or lying about it) is refused when it crosses the cap.</summary>
    public static async Task<ResponseBody> ReadAsync(
        HttpResponseMessage response, int maxBytes, string method, CancellationToken cancellationToken)
    {
        var expected = response.Content.Headers.ContentLength;
        if (expected > maxBytes)
        {
            throw TooLarge(method, $"Content-Length {expected}", maxBytes);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(expected is > 0 ? (int)expected.Value + 1 : Math.Min(64 * 1024, maxBytes + 1));
        var length = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (length > maxBytes)
                {
                    throw TooLarge(method, $"more than {maxBytes} bytes", maxBytes);
                }
                if (length == buffer.Length)
                {
                    // One byte past the cap is enough to know the body is over it.
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            return new ResponseBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static StarknetProtocolException TooLarge(string method, string size, int maxBytes) =>
        new(method, $"response body of {size} exceeds Starknet:Client:MaxResponseBytes = {maxBytes}", kind: "too_large");

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
