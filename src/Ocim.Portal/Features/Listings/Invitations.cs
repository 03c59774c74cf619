using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using Ocim.Portal.Data;
using Ocim.Portal.Features.Audit;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Features.Listings;

/// <summary>What an invitation makes of its recipient: the representative of an actor, or a staff member.</summary>
public sealed record InvitationRequest(
    string Purpose,
    string Email,
    long? ActorId,
    string? StaffRole,
    string? RegionCode,
    string? DepartmentCode,
    long? CreatedBy,
    string What);

/// <summary>An invitation as read back by its link (never its token: only the hash is stored).</summary>
public sealed class InvitationRow
{
    public long Id { get; init; }
    public required string Purpose { get; init; }
    public required string Email { get; init; }
    public long? ActorId { get; init; }
    public string? ActorName { get; init; }
    public string? StaffRole { get; init; }
    public string? RegionCode { get; init; }
    public string? DepartmentCode { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime? UsedAt { get; init; }

    public string What => Purpose == Invitations.Representative
        ? $"représenter « {ActorName} » sur le portail de l'Ocim"
        : $"rejoindre l'équipe du portail de l'Ocim ({(StaffRole == PortalRoles.Administrator ? "administration" : "curation")})";
}

/// <summary>
/// Single-use, expiring links (QUALITY S3): a 32-byte random token, sent once by e-mail (through the outbox) and
/// stored only as its SHA-256. A GET shows what the link does and changes nothing; the POST consumes it with one
/// conditional UPDATE, so that of two simultaneous submissions exactly one wins.
/// </summary>
public static class Invitations
{
    public const string Representative = "representative";
    public const string Staff = "staff";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a token; null when the text cannot be one of ours (43 base64url characters).</summary>
    public static byte[]? HashOf(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? SHA256.HashData(Encoding.ASCII.GetBytes(token))
            : null;

    /// <summary>Writes the invitation and its e-mail in the caller's transaction; returns the invitation's id.</summary>
    public static async Task<long> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InvitationRequest request, DateTimeOffset now, string siteUrl, string? inviterName, string? requestId, CancellationToken cancellationToken)
    {
        var token = NewToken();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into invitation (token_hash, purpose, email, actor_id, staff_role, region_code, department_code, expires_at, created_at, created_by)
            values (@hash, @Purpose, @Email, @ActorId, @StaffRole, @RegionCode, @DepartmentCode, @expiresAt, @now, @CreatedBy)
            returning id
            """,
            new
            {
                hash = SHA256.HashData(Encoding.ASCII.GetBytes(token)),
                request.Purpose,
                Email = request.Email.Trim(),
                request.ActorId,
                request.StaffRole,
                request.RegionCode,
                request.DepartmentCode,
                expiresAt = now + Lifetime,
                now,
                request.CreatedBy,
            },
            transaction,
            cancellationToken: cancellationToken));
        var from = inviterName is null ? "L'équipe de l'Ocim" : $"{inviterName}, de l'équipe de l'Ocim,";
        await Outbox.EnqueueAsync(connection, transaction, new MailRequest(
            "invitation",
            request.Email,
            "Invitation sur le portail de l'Ocim",
            $"""
            Bonjour,

            {from} vous invite à {request.What}.

            Pour accepter, ouvrez ce lien (valable 7 jours, utilisable une seule fois) :
            {siteUrl.TrimEnd('/')}/invitation/{token}

            Vous y choisirez votre nom et votre mot de passe. Si vous n'attendiez pas ce message, ignorez-le : sans clic de votre part, rien ne se passe.

            L'équipe du portail Ocim

            """.ReplaceLineEndings("\n")), cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, new AuditEntry(
            "invitation.sent", request.ActorId is null ? "invitation" : "actor", request.ActorId ?? id, request.CreatedBy,
            new Dictionary<string, object?> { ["invitation"] = id, ["purpose"] = request.Purpose, ["role"] = request.StaffRole }),
            requestId, cancellationToken);
        return id;
    }

    public static Task<InvitationRow?> FindAsync(DbConnection connection, DbTransaction? transaction, byte[] hash, CancellationToken cancellationToken) =>
        connection.QueryFirstOrDefaultAsync<InvitationRow?>(new CommandDefinition(
            """
            select i.id, i.purpose, i.email, i.actor_id, a.name as actor_name, i.staff_role, i.region_code, i.department_code, i.expires_at, i.used_at
            from invitation i left join actor a on a.id = i.actor_id
            where i.token_hash = @hash
            """,
            new { hash },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>Consumes the invitation if it is still unused and unexpired at <paramref name="now"/>: true for exactly one caller.</summary>
    public static async Task<bool> ConsumeAsync(DbConnection connection, DbTransaction transaction, byte[] hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "update invitation set used_at = @now where token_hash = @hash and used_at is null and expires_at > @now",
            new { hash, now },
            transaction,
            cancellationToken: cancellationToken)) == 1;
}
