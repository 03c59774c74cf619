using System.Net;
using AngleSharp.Dom;
using Dapper;
using Npgsql;
using Ocim.Portal.Tests.Infrastructure;

namespace Ocim.Portal.Tests.Features.Events;

/// <summary>
/// QUALITY.md D6, deterministic: the connection dies just after the registration's COMMIT left the app. The server
/// committed; the app cannot know it and says so (503, « nous ne savons pas »), keeping the form with its key. Sent
/// again, the form gets the original outcome: one row, one seat, one e-mail.
/// </summary>
public sealed class AmbiguousCommitTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_commit_whose_answer_is_lost_is_not_registered_twice_when_the_form_is_sent_again()
    {
        await using var connection = await database.OpenAsync();
        var (_, sessions) = await EventRows.InsertAsync(connection, "commit-ambigu", 5);
        var session = sessions[0];
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpToggleProxy(server.Host!, server.Port);
        proxy.Start();
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        // No background job shares the relay: the one COMMIT it drops is the registration's.
        using var portal = new EventPortal(throughProxy, new Dictionary<string, string?>
        {
            ["Mail:Outbox:Enabled"] = "false",
            ["Events:Housekeeping:Enabled"] = "false",
            ["Privacy:Housekeeping:Enabled"] = "false",
            ["Curation:Duplicates:Enabled"] = "false",
        });

        // Through the relay, a registration goes as usual.
        using var first = portal.NewVisitor();
        await first.OpenFormAsync("commit-ambigu");
        using (var registered = await first.SubmitAsync("Dominique Témoin", "temoin.ambigu@example.org"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, registered.StatusCode);
        }

        using var visitor = portal.NewVisitor();
        await visitor.OpenFormAsync("commit-ambigu");
        var dropped = proxy.DropAfterNextCommit();
        using var lost = await visitor.SubmitAsync("Camille Ambiguë", "camille.ambigue@example.org");
        var page = await lost.Content.ReadAsStringAsync();

        Assert.True(dropped.IsCompleted, "the relay saw no COMMIT: the test proved nothing");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.NotNull(lost.Headers.RetryAfter);
        Assert.Contains("nous ne savons pas si votre inscription a été enregistrée", page, StringComparison.Ordinal);
        // …and yet the server committed it.
        var key = Guid.Parse(visitor.Key);
        Assert.Equal(1, await WaitForRowsAsync(connection, key));

        var resend = (await Html.ParseAsync(page)).QuerySelector("form.registration-resend")!;
        var fields = resend.QuerySelectorAll<IElement>("input[type=hidden]")
            .Select(i => KeyValuePair.Create(i.GetAttribute("name")!, i.GetAttribute("value") ?? string.Empty)).ToList();
        Assert.Contains(KeyValuePair.Create("Key", visitor.Key), fields);
        using var again = await visitor.Client.PostAsync(new Uri(resend.GetAttribute("action")!, UriKind.Relative), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.Equal("/evenements/inscription/" + key.ToString("N"), again.Headers.Location?.OriginalString);
        var (status, confirmed) = await connection.QuerySingleAsync<(string, int)>(
            "select r.status, s.confirmed from registration r join event_session s on s.id = r.session_id where r.idempotency_key = @key", new { key });
        Assert.Equal(("confirmed", 2), (status, confirmed));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from registration where session_id = @session and email = 'camille.ambigue@example.org'", new { session }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from outbox_message where recipient = 'camille.ambigue@example.org'"));
    }

    /// <summary>The registration rows of that form's key, once the server has finished the dropped COMMIT.</summary>
    private static async Task<int> WaitForRowsAsync(NpgsqlConnection connection, Guid key)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var rows = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "select count(*) from registration where idempotency_key = @key", new { key }, cancellationToken: guard.Token));
            if (rows > 0)
            {
                return rows;
            }

            await Task.Delay(50, guard.Token);
        }
    }
}
