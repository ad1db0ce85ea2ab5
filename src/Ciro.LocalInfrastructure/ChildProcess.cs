using System.Diagnostics;
using System.Text;

namespace Ciro.LocalInfrastructure;

/// <summary>A server process a test fixture owns: output captured for failure messages, killed (with its
/// children) on dispose so no process outlives the test run.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public ChildProcess(string command, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command}");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Each line the process writes (stdout or stderr), as it arrives: for a caller that reads a
    /// long-running service's log (the soak benchmark counts errors and timings there).</summary>
    public event Action<string>? Line;

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end by itself; null when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Peak resident set size so far (VmHWM), in bytes; 0 when the process is gone.</summary>
    public long PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string Run(string command, params string[] arguments) => RunIn(null, command, arguments);

    /// <summary>Runs a command to its end in <paramref name="workingDirectory"/>; throws with its output when it fails.</summary>
    public static string RunIn(string? workingDirectory, string command, params IEnumerable<string> arguments)
    {
        using var process = new ChildProcess(command, arguments, workingDirectory: workingDirectory);
        process._process.WaitForExit();
        if (process._process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', arguments)}' exited {process._process.ExitCode}: {process.Output}");
        }
        return process.Output;
    }

    /// <summary>SIGKILL, as a crash would: for tests of recovery.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        Line?.Invoke(line);
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
