using System.Globalization;
using Dapper;
using Npgsql;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.MyData;

/// <summary>What became of a request; the visitor is told the same thing whatever it is (no enumeration).</summary>
public enum MyDataRequestResult
{
    /// <summary>The address has data: a link was written to the outbox.</summary>
    Sent,

    /// <summary>The portal holds nothing for this address: no mail.</summary>
    NoData,

    /// <summary>A link was mailed to this address less than <see cref="MyDataSettings.MailInterval"/> ago: no second mail.</summary>
    TooSoon,
}

/// <summary>
/// Mails a « Mes données » link to an address that has data, at most once per <see cref="MyDataSettings.MailInterval"/>.
/// One transaction, serialised per address by an advisory lock (two requests at once cannot both mail): the check,
/// the hashed token and the outbox message are written together or not at all.
/// </summary>
public sealed class RequestMyDataLink(NpgsqlDataSource dataSource, MyDataSettings settings, TimeProvider clock)
{
    public const string MailKind = "my-data-link";

    public async Task<MyDataRequestResult> RunAsync(string email, string siteUrl, CancellationToken cancellationToken)
    {
        var address = email.Trim();
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtextextended('mes-donnees:' || lower(@address), 0))", new { address }, transaction, cancellationToken: cancellationToken));

        var hasData = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select from registration where lower(email) = lower(@address))", new { address }, transaction, cancellationToken: cancellationToken));
        if (!hasData)
        {
            await transaction.CommitAsync(cancellationToken);
            return MyDataRequestResult.NoData;
        }

        var recent = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select from data_access_token where lower(email) = lower(@address) and created_at > @since)",
            new { address, since = now - settings.MailInterval }, transaction, cancellationToken: cancellationToken));
        if (recent)
        {
            await transaction.CommitAsync(cancellationToken);
            return MyDataRequestResult.TooSoon;
        }

        var token = RegistrationTokens.NewToken();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into data_access_token (email, token_hash, created_at, expires_at)
            values (@address, @hash, @now, @expires)
            returning id
            """, new { address, hash = RegistrationTokens.Hash(token), now, expires = now + settings.LinkLifetime }, transaction, cancellationToken: cancellationToken));
        await Outbox.EnqueueAsync(connection, transaction, Mail(id, address, siteUrl, token), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return MyDataRequestResult.Sent;
    }

    public static string LinkPath(string token) => "/mes-donnees/" + token;

    private MailRequest Mail(long id, string address, string siteUrl, string token) =>
        new(MailKind, address, "Vos données sur le portail Ocim", $"""
            Bonjour,

            Vous avez demandé à consulter les données que le portail Ocim garde au sujet de cette adresse électronique (vos inscriptions aux événements).

            Pour les afficher et les télécharger (fichiers JSON ou CSV), ouvrez ce lien{'\u202F'}:
            {siteUrl}{LinkPath(token)}

            Ce lien est personnel{'\u202F'}; il est valable {settings.LinkLifetimeHours} heures et ne sert qu'une fois{'\u202F'}: une fois ouvertes, vos données restent consultables et téléchargeables pendant {settings.OpenWindowMinutes} minutes.
            Si vous n'êtes pas à l'origine de cette demande, ignorez ce message{'\u202F'}: rien n'est montré à personne sans ce lien.

            L'équipe du Portail Ocim
            --
            Ce message est envoyé automatiquement{'\u202F'}: merci de ne pas y répondre.
            """, string.Create(CultureInfo.InvariantCulture, $"my-data:{id}"));
}
