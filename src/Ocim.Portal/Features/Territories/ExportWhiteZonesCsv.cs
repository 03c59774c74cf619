using System.Globalization;
using System.Text;
using Ocim.Portal.Features.Actors;

namespace Ocim.Portal.Features.Territories;

/// <summary>
/// The white communes as CSV for French Excel, like the actors' export (docs/exports.md): UTF-8 with BOM, <c>;</c>,
/// CRLF, decimal comma, text cells neutralised against formulas by <see cref="ExportActorsCsv.Escape"/>.
/// </summary>
public static class ExportWhiteZonesCsv
{
    public static readonly string[] Headers =
        ["code INSEE", "commune", "code département", "département", "population", "distance à l'acteur le plus proche (km)"];

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>
    /// Writes the rows by department then commune code; the distance is empty when no matching actor was found
    /// within <see cref="FindWhiteZones.NearestSearchKm"/> km (and the bounded search of FindWhiteZones).
    /// </summary>
    public static async Task WriteAsync(Stream output, WhiteZones zones, IReadOnlyDictionary<string, double> distances, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 32 * 1024, leaveOpen: true);
        await writer.WriteAsync('\uFEFF');
        var line = new StringBuilder(256);
        await WriteLineAsync(writer, line.AppendJoin(';', Headers.Select(ExportActorsCsv.Escape)), cancellationToken);
        foreach (var commune in zones.White.OrderBy(w => w.DepartmentCode, StringComparer.Ordinal).ThenBy(w => w.Code, StringComparer.Ordinal))
        {
            line.Append(ExportActorsCsv.Escape(commune.Code)).Append(';')
                .Append(ExportActorsCsv.Escape(commune.Name)).Append(';')
                .Append(ExportActorsCsv.Escape(commune.DepartmentCode)).Append(';')
                .Append(ExportActorsCsv.Escape(commune.DepartmentName)).Append(';')
                .Append(commune.Population.ToString(CultureInfo.InvariantCulture)).Append(';');
            if (distances.TryGetValue(commune.Code, out var metres))
            {
                line.Append((metres / 1000).ToString("0.0", French));
            }

            await WriteLineAsync(writer, line, cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static async Task WriteLineAsync(StreamWriter writer, StringBuilder line, CancellationToken cancellationToken)
    {
        line.Append("\r\n");
        await writer.WriteAsync(line, cancellationToken);
        line.Clear();
    }
}
