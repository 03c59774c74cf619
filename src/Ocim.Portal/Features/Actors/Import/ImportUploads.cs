using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>Where an upload stands: read and checked (dry run), then imported, or failed.</summary>
public enum UploadPhase
{
    Checking,
    Checked,
    Importing,
    Imported,
    Failed,
    Abandoned,
}

/// <summary>
/// One uploaded CSV file and its jobs. The file is kept outside wwwroot under a generated name
/// (<see cref="ImportUploads.Directory"/>) until it is imported or abandoned. Every staff member may see and
/// continue it (the uploader is recorded).
/// </summary>
public sealed class ImportUpload
{
    public required Guid Id { get; init; }
    public required long AccountId { get; init; }
    public required string FileName { get; init; }
    public required string Source { get; init; }
    public required string Path { get; init; }
    public required DateTimeOffset UploadedAt { get; init; }
    public long Bytes { get; init; }

    public UploadPhase Phase { get; set; }

    /// <summary>What the running job is doing, in French, for the page that refreshes itself.</summary>
    public string Step { get; set; } = "en attente";

    public ImportOutcome? DryRun { get; set; }
    public ImportOutcome? Result { get; set; }
    public ImportOptions? ResultOptions { get; set; }
    public string? Failure { get; set; }
}

/// <summary>
/// The uploads in progress and their background jobs (one process: a restart forgets them; their files stay in
/// the upload directory until removed by hand). Each job gets its own DI scope, so it outlives the request that started it.
/// </summary>
public sealed partial class ImportUploads(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ImportUploads> logger)
{
    /// <summary>20 MB: about 60,000 listings with descriptions.</summary>
    public const long MaxBytes = 20 * 1024 * 1024;

    private readonly ConcurrentDictionary<Guid, ImportUpload> uploads = new();

    public string Directory { get; } = configuration["Portal:UploadDirectory"] is { Length: > 0 } configured
        ? configured
        : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ocim-portal-uploads");

    public ImportUpload? Find(Guid id) => uploads.TryGetValue(id, out var upload) ? upload : null;

    /// <summary>
    /// The type check (QUALITY S12): a .csv name and content that is text, UTF-8, without NUL bytes or the signature
    /// of a known binary format. Null when acceptable, a French reason otherwise.
    /// </summary>
    public static string? RefuseContent(string fileName, ReadOnlySpan<byte> head)
    {
        if (!fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return "Seuls les fichiers CSV (.csv) sont acceptés.";
        }

        if (head.Length == 0)
        {
            return "Le fichier est vide.";
        }

        if (head.IndexOf((byte)0) >= 0 || head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("%PDF"u8) || head.StartsWith("MZ"u8)
            || head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]) || head.StartsWith("\u007FELF"u8))
        {
            return "Ce fichier n'est pas un fichier texte CSV (un classeur Excel ? enregistrez-le en « CSV UTF-8 »).";
        }

        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        try
        {
            var chars = new char[head.Length];
            decoder.Convert(head, chars, flush: false, out _, out _, out _);
        }
        catch (DecoderFallbackException)
        {
            return "Le fichier n'est pas encodé en UTF-8 (il vient peut-être d'Excel en Windows-1252) : enregistrez-le en « CSV UTF-8 ».";
        }

        return null;
    }

    /// <summary>Keeps the file under a generated name and starts its dry run.</summary>
    public async Task<ImportUpload> StartAsync(Stream content, string fileName, string source, long accountId, TimeProvider clock, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var id = Guid.NewGuid();
        var path = System.IO.Path.Combine(Directory, id.ToString("N") + ".csv");
        long bytes;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await content.CopyToAsync(file, cancellationToken);
            bytes = file.Length;
        }

        var upload = new ImportUpload
        {
            Id = id,
            AccountId = accountId,
            FileName = System.IO.Path.GetFileName(fileName),
            Source = source,
            Path = path,
            UploadedAt = clock.GetUtcNow(),
            Bytes = bytes,
            Phase = UploadPhase.Checking,
        };
        uploads[id] = upload;
        LogUploaded(logger, id, accountId, bytes);
        _ = Task.Run(() => RunAsync(upload, new ImportOptions(DryRun: true)), CancellationToken.None);
        return upload;
    }

    /// <summary>Imports a checked upload (all or nothing, or the good rows only); false when it is not ready for that.</summary>
    public bool Import(ImportUpload upload, bool partial)
    {
        lock (upload)
        {
            if (upload.Phase != UploadPhase.Checked || (upload.DryRun!.Errors.Count > 0 && !partial))
            {
                return false;
            }

            upload.Phase = UploadPhase.Importing;
            upload.Step = "en attente";
        }

        _ = Task.Run(() => RunAsync(upload, new ImportOptions(Partial: partial)), CancellationToken.None);
        return true;
    }

    /// <summary>Deletes the file of a checked (or failed) upload; its page then says it was abandoned.</summary>
    public bool Abandon(ImportUpload upload)
    {
        lock (upload)
        {
            if (upload.Phase is not (UploadPhase.Checked or UploadPhase.Failed))
            {
                return false;
            }

            upload.Phase = UploadPhase.Abandoned;
        }

        File.Delete(upload.Path);
        return true;
    }

    private async Task RunAsync(ImportUpload upload, ImportOptions options)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var read = scope.ServiceProvider.GetRequiredService<ReadActorCsv>();
            var write = scope.ServiceProvider.GetRequiredService<WriteActors>();
            upload.Step = "lecture du fichier";
            ActorCsvContent content;
            await using (var stream = File.OpenRead(upload.Path))
            {
                content = await read.ReadAsync(stream, upload.Source, CancellationToken.None);
            }

            upload.Step = string.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"),
                $"{content.Rows:N0} lignes lues ; vérification dans la base{(options.DryRun ? string.Empty : " et écriture")}");
            var outcome = await write.WriteAsync(content.Records, content.Errors, options, CancellationToken.None);
            lock (upload)
            {
                if (options.DryRun)
                {
                    upload.DryRun = outcome;
                    upload.Phase = UploadPhase.Checked;
                }
                else
                {
                    upload.Result = outcome;
                    upload.ResultOptions = options;
                    upload.Phase = outcome.Written ? UploadPhase.Imported : UploadPhase.Checked;
                }

                upload.Step = "terminé";
            }

            if (upload.Phase == UploadPhase.Imported)
            {
                File.Delete(upload.Path);
                LogImported(logger, upload.Id, upload.AccountId, outcome.Inserted, outcome.Updated);
            }
        }
#pragma warning disable CA1031 // A background job reports any failure on its page instead of dying unseen.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFailed(logger, exception, upload.Id);
            lock (upload)
            {
                upload.Phase = UploadPhase.Failed;
                upload.Failure = "L'import a échoué sur une erreur inattendue : rien n'a été écrit. Réessayez, ou transmettez le fichier à l'équipe technique.";
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import upload {UploadId} by account {AccountId}: {Bytes} bytes")]
    private static partial void LogUploaded(ILogger logger, Guid uploadId, long accountId, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import upload {UploadId} by account {AccountId} written: {Inserted} added, {Updated} updated")]
    private static partial void LogImported(ILogger logger, Guid uploadId, long accountId, int inserted, int updated);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import upload {UploadId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid uploadId);
}

/// <summary>
/// Refuses a body larger than <see cref="ImportUploads.MaxBytes"/> with the French 413 page before anything reads
/// it (it runs before the antiforgery check, which would otherwise read the whole form), and caps the body for
/// servers that enforce a limit.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UploadLimitAttribute : Attribute, IAuthorizationFilter, IOrderedFilter
{
    public int Order => -10_000;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var limit = ImportUploads.MaxBytes + (64 * 1024);   // the file, and the form around it
        if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        // The form is read (by the antiforgery check first) with the same cap, whatever the request claims.
        var request = context.HttpContext.Request;
        context.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(
            new Microsoft.AspNetCore.Http.Features.FormFeature(request, new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = limit }));

        if (request.ContentLength > limit)
        {
            context.Result = new ViewResult
            {
                ViewName = "/Features/Actors/Import/UploadTooLarge.cshtml",
                StatusCode = StatusCodes.Status413PayloadTooLarge,
                ViewData = new ViewDataDictionary(new Microsoft.AspNetCore.Mvc.ModelBinding.EmptyModelMetadataProvider(), context.ModelState),
            };
        }
    }
}
