using System.Diagnostics;
using System.Text.Json;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>A feature of a decoded tile: geometry in tile coordinates, first ring or points in WGS 84.</summary>
public sealed record DecodedFeature(int Type, IReadOnlyDictionary<string, JsonElement> Properties, double[][][] Geometry, double[][] LonLat)
{
    public long Number(string name) => Properties[name].GetInt64();

    public string Text(string name) => Properties[name].GetString()!;

    public bool Has(string name) => Properties.ContainsKey(name);
}

/// <summary>
/// Decodes Mapbox Vector Tiles with the reference decoder (@mapbox/vector-tile, run by Node.js from
/// tests/Ocim.Portal.Tests/tools/decode-mvt.mjs), so that the tests check the portal's tiles against an
/// implementation that is not ours. `./portal test` installs the tool's packages (npm ci).
/// </summary>
public static class VectorTiles
{
    private static readonly string ToolDirectory = FindToolDirectory();

    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<DecodedFeature>>> DecodeAsync(byte[] tile, int z, int x, int y) =>
        (await DecodeManyAsync([(tile, z, x, y)]))[0];

    /// <summary>Decodes several tiles with one Node.js process.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<DecodedFeature>>>> DecodeManyAsync(
        IReadOnlyList<(byte[] Tile, int Z, int X, int Y)> tiles)
    {
        if (!Directory.Exists(Path.Combine(ToolDirectory, "node_modules", "@mapbox", "vector-tile")))
        {
            throw new InvalidOperationException(
                $"The MVT decoder's packages are missing: run `npm ci` in {ToolDirectory} (./portal test does it).");
        }

        var files = new List<string>();
        try
        {
            var start = new ProcessStartInfo("node", "decode-mvt.mjs")
            {
                WorkingDirectory = ToolDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not start.");
            foreach (var (tile, z, x, y) in tiles)
            {
                var file = Path.Combine(Path.GetTempPath(), $"ocim-tile-{Guid.NewGuid():N}.mvt");
                files.Add(file);
                await File.WriteAllBytesAsync(file, tile);
                await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { file, z, x, y }));
            }

            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (process.ExitCode != 0 || lines.Length != tiles.Count)
            {
                throw new InvalidOperationException($"decode-mvt.mjs failed ({process.ExitCode}): {error}");
            }

            return lines.Select(Parse).ToList();
        }
        finally
        {
            files.ForEach(File.Delete);
        }
    }

    private static Dictionary<string, IReadOnlyList<DecodedFeature>> Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        if (document.RootElement.TryGetProperty("error", out var failure))
        {
            throw new InvalidOperationException("Not a valid vector tile: " + failure.GetString());
        }

        var layers = new Dictionary<string, IReadOnlyList<DecodedFeature>>();
        foreach (var layer in document.RootElement.GetProperty("layers").EnumerateObject())
        {
            Assert.Equal(4096, layer.Value.GetProperty("extent").GetInt32());
            Assert.Equal(2, layer.Value.GetProperty("version").GetInt32());
            layers[layer.Name] = layer.Value.GetProperty("features").EnumerateArray().Select(f => new DecodedFeature(
                f.GetProperty("type").GetInt32(),
                f.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
                f.GetProperty("geometry").Deserialize<double[][][]>()!,
                f.GetProperty("lonlat").Deserialize<double[][]>()!)).ToList();
        }

        return layers;
    }

    private static string FindToolDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Ocim.Portal.Tests", "tools");
            if (File.Exists(Path.Combine(candidate, "decode-mvt.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Ocim.Portal.Tests/tools/decode-mvt.mjs was not found above " + AppContext.BaseDirectory);
    }
}
