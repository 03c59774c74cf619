using System.Globalization;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>The arguments of `import actors FILE [--dry-run] [--partial] [--source NAME]`.</summary>
public sealed record ImportActorsRequest(string Path, string Source, ImportOptions Options)
{
    public const string Usage = "Usage : ./portal import actors FICHIER.csv [--dry-run] [--partial] [--source NOM]";

    /// <summary>Parses the arguments after `import`; null and a French message when they are wrong.</summary>
    public static (ImportActorsRequest? Request, string? Error) Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] != "actors")
        {
            return (null, "Seul « import actors » existe. " + Usage);
        }

        string? path = null;
        string? source = null;
        bool dryRun = false, partial = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--partial":
                    partial = true;
                    break;
                case "--source" when i + 1 < args.Count && !string.IsNullOrWhiteSpace(args[i + 1]):
                    source = args[++i].Trim();
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    return (null, $"Option inconnue ou incomplète : {option}. " + Usage);
                case var file when path is null:
                    path = file;
                    break;
                default:
                    return (null, $"Un seul fichier à la fois (« {args[i]} » en trop). " + Usage);
            }
        }

        if (path is null)
        {
            return (null, "Le fichier à importer manque. " + Usage);
        }

        return (new ImportActorsRequest(path, source ?? "import:" + System.IO.Path.GetFileNameWithoutExtension(path), new ImportOptions(partial, dryRun)), null);
    }
}

/// <summary>
/// `./portal import actors FILE.csv`: reads the file, writes it (or, with --dry-run, checks it) and prints a French
/// report: every error with its line, column, value and reason, then the counts. The exit code is 0 when the import
/// went through (in partial mode, even with rejected rows), 3 when the file is rejected, 2 when it cannot be read.
/// </summary>
public sealed class ImportActorsCommand(ReadActorCsv read, WriteActors write)
{
    public const int Rejected = 3;
    public const int Unreadable = 2;

    /// <summary>A report lists this many errors; beyond, it counts them.</summary>
    private const int ErrorsPrinted = 500;

    public async Task<int> RunAsync(ImportActorsRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(request.Path))
        {
            await output.WriteLineAsync($"Fichier introuvable : {request.Path}");
            return Unreadable;
        }

        var mode = (request.Options.Partial ? "partiel (les lignes valides sont importées, les autres signalées)" : "tout ou rien")
            + (request.Options.DryRun ? ", simulation : rien ne sera écrit" : string.Empty);
        await output.WriteLineAsync($"Import des acteurs : {System.IO.Path.GetFileName(request.Path)} (source « {request.Source} »), mode {mode}.");

        ActorCsvContent content;
        await using (var stream = File.OpenRead(request.Path))
        {
            content = await read.ReadAsync(stream, request.Source, cancellationToken);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{content.Rows} lignes de données lues ; vérification dans la base…"));
        var outcome = await write.WriteAsync(content.Records, content.Errors, request.Options, cancellationToken);
        await output.WriteAsync(Report(outcome, request.Options));
        return outcome.Errors.Count > 0 && !request.Options.Partial ? Rejected : 0;
    }

    /// <summary>The French report: errors first, then what was (or would be) done.</summary>
    public static string Report(ImportOutcome outcome, ImportOptions options)
    {
        var text = new System.Text.StringBuilder();
        var culture = CultureInfo.GetCultureInfo("fr-FR");
        if (outcome.Errors.Count > 0)
        {
            text.AppendLine(culture, $"{outcome.Errors.Count} erreur(s) sur {outcome.Rejected} ligne(s) :");
            foreach (var error in outcome.Errors.Take(ErrorsPrinted))
            {
                text.AppendLine(culture, $"  {Describe(error)}");
            }

            if (outcome.Errors.Count > ErrorsPrinted)
            {
                text.AppendLine(culture, $"  … et {outcome.Errors.Count - ErrorsPrinted} autre(s) erreur(s).");
            }
        }

        if (outcome.Errors.Count > 0 && !options.Partial)
        {
            text.AppendLine(culture, $"Fichier refusé : {outcome.Rejected} ligne(s) en erreur, rien n'a été écrit.");
            text.AppendLine("Corrigez ces lignes, ou relancez avec --partial pour importer les lignes valides et écarter les autres.");
            text.AppendLine(culture, $"Lignes valides : {outcome.Inserted} nouvelle(s), {outcome.Updated} modifiée(s), {outcome.Unchanged} inchangée(s).");
        }
        else if (options.DryRun)
        {
            text.AppendLine(culture, $"Simulation, rien n'a été écrit. L'import ajouterait {outcome.Inserted} acteur(s), en mettrait à jour {outcome.Updated}, en laisserait {outcome.Unchanged} inchangé(s) et écarterait {outcome.Rejected} ligne(s).");
        }
        else
        {
            text.AppendLine(culture, $"Import terminé : {outcome.Inserted} acteur(s) ajouté(s), {outcome.Updated} mis à jour, {outcome.Unchanged} inchangé(s), {outcome.Rejected} ligne(s) écartée(s).");
        }

        return text.ToString();
    }

    /// <summary>ligne 4, colonne « code_postal », valeur « 2100 » : Le code postal doit compter exactement 5 chiffres.</summary>
    public static string Describe(ImportError error) =>
        string.Create(CultureInfo.InvariantCulture,
            $"ligne {error.Line}{(error.Column.Length > 0 ? $", colonne « {error.Column} »" : string.Empty)}, valeur « {ActorRules.Preview(error.Value)} » : {error.Reason}");
}
