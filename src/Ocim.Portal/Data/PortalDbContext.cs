using Microsoft.EntityFrameworkCore;

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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Region>().HasKey(r => r.Code);
        modelBuilder.Entity<Department>().HasKey(d => d.Code);
        modelBuilder.Entity<Epci>().HasKey(e => e.Siren);
        modelBuilder.Entity<Commune>().HasKey(c => c.Code);

        SnakeCaseNames.Apply(modelBuilder);
    }
}
