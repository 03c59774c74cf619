using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Ocim.Portal.Data;

namespace Ocim.Portal.Features.Accounts;

/// <summary>
/// The demo's two accounts: a curator (national scope) and the representative of one demo actor. Their passphrases
/// are drawn at random the first time and written to .portal/demo-accounts.txt (git-ignored, local to the machine),
/// which `./portal run` prints at each start. If the accounts exist but the file is gone, new passphrases are drawn.
/// Addresses end in .invalid (RFC 2606): mail to them goes nowhere.
/// </summary>
public sealed partial class SeedDemoAccounts(
    UserManager<PortalUser> users,
    NpgsqlDataSource dataSource,
    IConfiguration configuration,
    ILogger<SeedDemoAccounts> logger)
{
    public const string CuratorEmail = "curatrice@demo.ocim.invalid";
    public const string RepresentativeEmail = "representant@demo.ocim.invalid";

    private static readonly string[] Words =
    [
        "comète", "fossile", "lentille", "boussole", "atome", "galaxie", "herbier", "volcan", "marée", "pendule",
        "cristal", "orbite", "prisme", "lichen", "séisme", "aurore", "molécule", "neurone", "planète", "glacier",
        "tonnerre", "aimant", "photon", "fougère", "corail", "éclipse", "quartz", "abeille", "baleine", "érable",
        "nuage", "sextant", "télescope", "microscope", "algue", "météore", "lumière", "savant", "équation", "rivière",
    ];

    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var file = CredentialsFile();
        var saved = file is not null && File.Exists(file) ? await File.ReadAllLinesAsync(file, cancellationToken) : [];
        var curator = await users.FindByEmailAsync(CuratorEmail);
        var representative = await users.FindByEmailAsync(RepresentativeEmail);
        if (curator is not null && representative is not null && saved.Length > 0)
        {
            return saved;
        }

        var actor = await DemoActorAsync(cancellationToken);
        var curatorPassword = Passphrase();
        var representativePassword = Passphrase();
        curator = await EnsureAsync(curator, CuratorEmail, "Camille Curatrice (démo)", curatorPassword, PortalRoles.Curator);
        representative = await EnsureAsync(representative, RepresentativeEmail, "Dominique Représentant (démo)", representativePassword, PortalRoles.Representative);

        var lines = new List<string>
        {
            "Comptes de démonstration (locaux ; à ne jamais créer sur un serveur public) :",
            $"  curatrice      {CuratorEmail}  mot de passe : {curatorPassword}",
            $"  représentant   {RepresentativeEmail}  mot de passe : {representativePassword}",
        };
        if (actor is { } linked)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into actor_representative (account_id, actor_id, trusted) values (@account, @actor, false)
                on conflict do nothing
                """,
                new { account = representative.Id, actor = linked.Id },
                cancellationToken: cancellationToken));
            lines.Add($"  (le représentant parle pour « {linked.Name} », fiche n° {linked.Id})");
        }

        if (file is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllLinesAsync(file, lines, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        LogCreated(logger);
        return lines;
    }

    private async Task<PortalUser> EnsureAsync(PortalUser? user, string email, string name, string password, string role)
    {
        if (user is null)
        {
            user = new PortalUser { DisplayName = name, Email = email, UserName = email, EmailConfirmed = true };
            Check(await users.CreateAsync(user, password));
        }
        else
        {
            Check(await users.RemovePasswordAsync(user));
            Check(await users.AddPasswordAsync(user, password));
        }

        if (!await users.IsInRoleAsync(user, role))
        {
            Check(await users.AddToRoleAsync(user, role));
        }

        return user;
    }

    private async Task<RepresentedActor?> DemoActorAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<RepresentedActor>(new CommandDefinition(
            """
            select id, name, false as trusted from actor
            where status = 'published' and circle = 1 and commune_code is not null
            order by id limit 1
            """,
            cancellationToken: cancellationToken));
    }

    private string? CredentialsFile()
    {
        var root = configuration["Portal:StateDirectory"]
            ?? (Environment.GetEnvironmentVariable("PORTAL_ROOT") is { Length: > 0 } portalRoot ? Path.Combine(portalRoot, ".portal") : null);
        return root is null ? null : Path.Combine(root, "demo-accounts.txt");
    }

    private static string Passphrase() =>
        string.Join('-', Enumerable.Range(0, 5).Select(_ => Words[RandomNumberGenerator.GetInt32(Words.Length)]));

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo accounts created (credentials in .portal/demo-accounts.txt)")]
    private static partial void LogCreated(ILogger logger);
}
