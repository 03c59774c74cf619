using Ocim.Portal.Features.Territories;

namespace Ocim.Portal.Features;

internal static class FeatureRegistration
{
    /// <summary>Every use case of every feature, registered in one place.</summary>
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services)
    {
        services.AddScoped<LoadTerritories>();
        services.AddScoped<ListRegions>();
        services.AddScoped<ShowTerritory>();
        services.AddScoped<DrawOutline>();
        services.AddScoped<ShowLoadReport>();
        services.AddScoped<LocateTerritory>();
        return services;
    }
}
