using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>Runs the CSV import (reader, then writer) on a test class's database, from CSV text written in the test.</summary>
internal sealed class ImportHelper(DatabaseFixture database) : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(database.ConnectionString);

    public WriteActors Writer => new(dataSource, NullLogger<WriteActors>.Instance);

    public async Task<ImportOutcome> ImportAsync(string csv, string source, ImportOptions? options = null, bool byteOrderMark = false)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        if (byteOrderMark)
        {
            bytes = [.. Encoding.UTF8.GetPreamble(), .. bytes];
        }

        var content = await new ReadActorCsv(dataSource).ReadAsync(new MemoryStream(bytes), source, CancellationToken.None);
        return await Writer.WriteAsync(content.Records, content.Errors, options ?? new ImportOptions(), CancellationToken.None);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
