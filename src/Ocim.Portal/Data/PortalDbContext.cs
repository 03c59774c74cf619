using Microsoft.EntityFrameworkCore;
using Ocim.Portal.Infrastructure.Mail;

namespace Ocim.Portal.Data;

/// <summary>
/// The portal's EF Core model: entities and writes. Geometry columns stay out of the model
/// (docs/decisions/0002-geometry-outside-ef-model.md); spatial reads are SQL beside each use case.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options)
{
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Epci> Epcis => Set<Epci>();
    public DbSet<Commune> Communes => Set<Commune>();
    public DbSet<Actor> Actors => Set<Actor>();
    public DbSet<ActorFamily> ActorFamilies => Set<ActorFamily>();
    public DbSet<ActorVocabulary> ActorVocabularies => Set<ActorVocabulary>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<EventSession> EventSessions => Set<EventSession>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Region>().HasKey(r => r.Code);
        modelBuilder.Entity<Department>().HasKey(d => d.Code);
        modelBuilder.Entity<Epci>().HasKey(e => e.Siren);
        modelBuilder.Entity<Commune>().HasKey(c => c.Code);

        modelBuilder.Entity<Actor>(actor =>
        {
            actor.Property(a => a.Id).UseIdentityAlwaysColumn();
            actor.HasOne(a => a.Family).WithMany().HasForeignKey(a => a.FamilyId);
            actor.Property(a => a.EpciSiren).ValueGeneratedOnAddOrUpdate();
            actor.Property(a => a.DepartmentCode).ValueGeneratedOnAddOrUpdate();
            actor.Property(a => a.RegionCode).ValueGeneratedOnAddOrUpdate();
            actor.Property(a => a.CreatedAt).HasDefaultValueSql("now()");
        });
        modelBuilder.Entity<ActorFamily>().Property(f => f.Id).UseIdentityAlwaysColumn();
        modelBuilder.Entity<ActorVocabulary>().HasKey(v => new { v.Kind, v.Slug });
        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.Property(m => m.Id).UseIdentityAlwaysColumn();
            message.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        });

        modelBuilder.Entity<Event>(e =>
        {
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.DepartmentCode).ValueGeneratedOnAddOrUpdate();
            e.Property(x => x.RegionCode).ValueGeneratedOnAddOrUpdate();
            e.Property(x => x.CreatedAt).HasDefaultValueSql("now()");
            e.Property(x => x.UpdatedAt).ValueGeneratedOnAddOrUpdate();
            e.HasMany(x => x.Sessions).WithOne().HasForeignKey(s => s.EventId);
            e.HasMany(x => x.Partners).WithOne().HasForeignKey(p => p.EventId);
        });
        modelBuilder.Entity<EventSession>(session =>
        {
            session.Property(x => x.Id).UseIdentityAlwaysColumn();
            session.Property(x => x.Confirmed).ValueGeneratedOnAddOrUpdate();
        });
        modelBuilder.Entity<EventPartner>().HasKey(p => new { p.EventId, p.Position });

        SnakeCaseNames.Apply(modelBuilder);
    }
}
