using System.Diagnostics;
using System.Text.Json;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>What ical.js (a real iCalendar parser, tests/Ocim.Portal.Tests/tools/parse-ical.mjs) read in a file.</summary>
public sealed record ParsedCalendar(string? Name, string? Version, IReadOnlyList<ParsedEvent> Events);

public sealed record ParsedEvent(string Uid, string? Summary, string? Description, string? Location, string? Url, string? Status, string? Dtstamp, string Start, string End);

public static class ICalParser
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static async Task<ParsedCalendar> ParseAsync(byte[] ics)
    {
        var tools = FindToolDirectory();
        if (!Directory.Exists(Path.Combine(tools, "node_modules", "ical.js")))
        {
            throw new InvalidOperationException($"ical.js is missing: run `npm ci` in {tools} (./portal test does it).");
        }

        var file = Path.Combine(Path.GetTempPath(), $"ocim-{Guid.NewGuid():N}.ics");
        await File.WriteAllBytesAsync(file, ics);
        try
        {
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = tools,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add("parse-ical.mjs");
            start.ArgumentList.Add(file);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("ical.js refused the file: " + await error);
            }

            return JsonSerializer.Deserialize<ParsedCalendar>(await output, Options)!;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string FindToolDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Ocim.Portal.Tests", "tools");
            if (File.Exists(Path.Combine(candidate, "parse-ical.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Ocim.Portal.Tests/tools was not found above " + AppContext.BaseDirectory);
    }
}
