using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Data;

/// <summary>
/// The portal's EF Core model: entities and writes. Geometry columns stay out of the model
/// (docs/decisions/0002-geometry-outside-ef-model.md); spatial reads are SQL beside each use case. Accounts are
/// ASP.NET Core Identity's entities, in snake_case tables (account, role, account_role…: Data/Sql/007_accounts.sql).
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser, PortalRole, long>(options)
{
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Epci> Epcis => Set<Epci>();
    public DbSet<Commune> Communes => Set<Commune>();
    public DbSet<Actor> Actors => Set<Actor>();
    public DbSet<ActorFamily> ActorFamilies => Set<ActorFamily>();
    public DbSet<ActorVocabulary> ActorVocabularies => Set<ActorVocabulary>();
    public DbSet<ActorRepresentative> ActorRepresentatives => Set<ActorRepresentative>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<EventSession> EventSessions => Set<EventSession>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Region>().HasKey(r => r.Code);
        builder.Entity<Department>().HasKey(d => d.Code);
        builder.Entity<Epci>().HasKey(e => e.Siren);
        builder.Entity<Commune>().HasKey(c => c.Code);

        builder.Entity<Actor>(actor =>
        {
            actor.Property(a => a.Id).UseIdentityAlwaysColumn();
            actor.HasOne(a => a.Family).WithMany().HasForeignKey(a => a.FamilyId);
            actor.Property(a => a.EpciSiren).ValueGeneratedOnAddOrUpdate();
            actor.Property(a => a.DepartmentCode).ValueGeneratedOnAddOrUpdate();
            actor.Property(a => a.RegionCode).ValueGeneratedOnAddOrUpdate();
            actor.Property(a => a.CreatedAt).HasDefaultValueSql("now()");
        });
        builder.Entity<ActorFamily>().Property(f => f.Id).UseIdentityAlwaysColumn();
        builder.Entity<ActorVocabulary>().HasKey(v => new { v.Kind, v.Slug });
        builder.Entity<OutboxMessage>(message =>
        {
            message.Property(m => m.Id).UseIdentityAlwaysColumn();
            message.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        });

        builder.Entity<Event>(e =>
        {
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.DepartmentCode).ValueGeneratedOnAddOrUpdate();
            e.Property(x => x.RegionCode).ValueGeneratedOnAddOrUpdate();
            e.Property(x => x.CreatedAt).HasDefaultValueSql("now()");
            e.Property(x => x.UpdatedAt).ValueGeneratedOnAddOrUpdate();
            e.HasMany(x => x.Sessions).WithOne().HasForeignKey(s => s.EventId);
            e.HasMany(x => x.Partners).WithOne().HasForeignKey(p => p.EventId);
        });
        builder.Entity<EventSession>(session =>
        {
            session.Property(x => x.Id).UseIdentityAlwaysColumn();
            session.Property(x => x.Confirmed).ValueGeneratedOnAddOrUpdate();
        });
        builder.Entity<EventPartner>().HasKey(p => new { p.EventId, p.Position });

        builder.Entity<PortalUser>().Property(u => u.Id).UseIdentityAlwaysColumn();
        builder.Entity<PortalUser>().Property(u => u.CreatedAt).HasDefaultValueSql("now()");
        builder.Entity<PortalRole>().Property(r => r.Id).UseIdentityAlwaysColumn();
        builder.Entity<IdentityUserClaim<long>>().Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.Entity<IdentityRoleClaim<long>>().Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.Entity<ActorRepresentative>().HasKey(r => new { r.AccountId, r.ActorId });
        builder.Entity<ActorRepresentative>().Property(r => r.GrantedAt).HasDefaultValueSql("now()");

        SnakeCaseNames.Apply(builder);

        // Identity's generic entities would otherwise be named after their CLR types (identity_user_role`1).
        builder.Entity<PortalUser>().ToTable("account");
        builder.Entity<PortalRole>().ToTable("role");
        builder.Entity<IdentityUserRole<long>>().ToTable("account_role");
        builder.Entity<IdentityUserClaim<long>>().ToTable("account_claim");
        builder.Entity<IdentityUserLogin<long>>().ToTable("account_login");
        builder.Entity<IdentityUserToken<long>>().ToTable("account_token");
        builder.Entity<IdentityRoleClaim<long>>().ToTable("role_claim");
    }
}
