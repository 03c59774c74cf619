using System.Diagnostics;
using System.Text.Json;

namespace Ocim.Portal.Tests.Quality;

/// <summary>The npm tools of the quality gates (tests/Ocim.Portal.Tests/tools, installed by ./portal test with npm ci).</summary>
public static class QualityTools
{
    public static string ToolDirectory { get; } = FindToolDirectory();

    /// <summary>axe-core's browser bundle, injected into each page.</summary>
    public static string AxeScript => Required(Path.Combine(ToolDirectory, "node_modules", "axe-core", "axe.min.js"));

    /// <summary>The Nu HTML Checker (npm vnu-jar), run with the machine's Java.</summary>
    public static string VnuJar => Required(Path.Combine(ToolDirectory, "node_modules", "vnu-jar", "build", "dist", "vnu.jar"));

    /// <summary>
    /// Validates every document in one run of the Nu HTML Checker (its start-up costs more than the checks) and
    /// returns its errors as « name: line N: message [extract] ».
    /// </summary>
    public static async Task<IReadOnlyList<string>> ValidateHtmlAsync(IReadOnlyList<(string Name, string Html)> documents)
    {
        var folder = Directory.CreateTempSubdirectory("ocim-vnu-");
        try
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < documents.Count; i++)
            {
                var file = Path.Combine(folder.FullName, $"page{i:00}.html");
                await File.WriteAllTextAsync(file, documents[i].Html);
                names[Path.GetFileName(file)] = documents[i].Name;
            }

            var start = new ProcessStartInfo("java")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "-jar", VnuJar, "--errors-only", "--format", "json", "--exit-zero-always" })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var file in Directory.EnumerateFiles(folder.FullName, "*.html").Order(StringComparer.Ordinal))
            {
                start.ArgumentList.Add(file);
            }

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException(
                    "java was not found: the HTML checks run the Nu HTML Checker on Java. Run the tests with ./portal test " +
                    "(it installs Debian's default-jre-headless when java is missing).", ex);
            }

            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var report = await process.StandardError.ReadToEndAsync();
                await output;
                await process.WaitForExitAsync();
                if (process.ExitCode != 0 || !report.TrimStart().StartsWith('{'))
                {
                    throw new InvalidOperationException($"vnu failed (exit {process.ExitCode}): {report}");
                }

                using var json = JsonDocument.Parse(report);
                var errors = new List<string>();
                foreach (var message in json.RootElement.GetProperty("messages").EnumerateArray())
                {
                    var type = message.GetProperty("type").GetString();
                    if (type is "info")
                    {
                        continue;
                    }

                    var url = message.TryGetProperty("url", out var u) ? u.GetString() ?? string.Empty : string.Empty;
                    var line = message.TryGetProperty("lastLine", out var l) ? l.GetInt32() : 0;
                    var extract = message.TryGetProperty("extract", out var e) ? e.GetString()?.ReplaceLineEndings(" ") : null;
                    errors.Add($"{names.GetValueOrDefault(url[(url.LastIndexOf('/') + 1)..], url)}: line {line}: {message.GetProperty("message").GetString()} [{extract}]");
                }

                return errors;
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Required(string path) =>
        File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run the tests with ./portal test, which runs npm ci in {ToolDirectory}.");

    private static string FindToolDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Ocim.Portal.Tests", "tools");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Ocim.Portal.Tests/tools was not found above " + AppContext.BaseDirectory);
    }
}
