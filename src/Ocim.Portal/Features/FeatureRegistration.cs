using Ocim.Portal.Features.Actors;
using Ocim.Portal.Features.Actors.Import;
using Ocim.Portal.Features.Curation;
using Ocim.Portal.Features.Events;
using Ocim.Portal.Features.Home;
using Ocim.Portal.Features.Listings;
using Ocim.Portal.Features.Map;
using Ocim.Portal.Features.Moderation;
using Ocim.Portal.Features.MyData;
using Ocim.Portal.Features.Places;
using Ocim.Portal.Features.Privacy;
using Ocim.Portal.Features.Territories;
using Ocim.Portal.Features.Tiles;

namespace Ocim.Portal.Features;

internal static class FeatureRegistration
{
    /// <summary>Every use case of every feature, registered in one place.</summary>
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services)
    {
        services.AddScoped<LoadTerritories>();
        services.AddScoped<LoadPlaces>();
        services.AddScoped<SuggestPlaces>();
        services.AddScoped<ReadPlaceInText>();
        services.AddScoped<NamePlaces>();
        services.AddScoped<ReadActorPlaces>();
        services.AddScoped<ListRegions>();
        services.AddScoped<ShowTerritory>();
        services.AddScoped<DrawOutline>();
        services.AddScoped<ShowLoadReport>();
        services.AddScoped<LocateTerritory>();
        services.AddScoped<ReadActorCsv>();
        services.AddScoped<WriteActors>();
        services.AddScoped<ImportActorsCommand>();
        services.AddScoped<LoadDemoActors>();
        services.AddScoped<SearchActors>();
        services.AddScoped<ReadHomePage>();
        services.AddSingleton<HomeMapOutlines>();
        services.AddScoped<ListActorChoices>();
        services.AddScoped<ShowActor>();
        services.AddScoped<FindNearbyActors>();
        services.AddScoped<ExportActorsCsv>();
        services.AddScoped<ExportActorsGeoJson>();
        services.AddScoped<BuildActorTile>();
        services.AddScoped<BuildTerritoryTile>();
        services.AddSingleton<TileCache>();
        services.AddSingleton(provider => MapSettings.Read(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<FindMapExtent>();
        services.AddScoped<FindMapActor>();
        services.AddSingleton<MapGlyphs>();

        // Territories (issue 4)
        services.AddScoped<SummariseTerritoryActors>();
        services.AddScoped<FindWhiteZones>();
        services.AddSingleton<WhiteZoneCache>();

        // Curation (issue 6, part B)
        services.AddScoped<FindDuplicates>();
        services.AddSingleton(provider => DuplicateCandidateSettings.Read(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<DrainDuplicateCandidates>();
        // Registered by its own type: AddHostedService keeps one registration per implementation type.
        services.AddHostedService<DuplicateCandidateWorker>();
        services.AddScoped<MergeActors>();
        services.AddScoped<FindMergeSurvivor>();
        services.AddScoped<SummariseFreshness>();
        services.AddSingleton<ImportUploads>();

        // Events (issue 5)
        services.AddEventsFeature();

        // Personal data: the notice's settings and the retention of claims, reports and sent e-mails (issue 7)
        services.AddSingleton(provider => PrivacySettings.Read(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<EraseDecidedRequests>();
        // Registered by its own type: AddHostedService keeps one registration per implementation type.
        services.AddHostedService<PrivacyHousekeeping>();

        // Listings taken in charge by actors, moderation (issue 6, part A)
        services.AddScoped<ProposeRevision>();
        services.AddScoped<MyListings>();
        services.AddScoped<DecideRevision>();
        services.AddScoped<ListPendingItems>();
        services.AddScoped<ShowRevision>();
        services.AddScoped<RestoreListingVersion>();
        services.AddScoped<DecideClaim>();
        services.AddScoped<EventProposals.SubmitEventProposal>();
        services.AddScoped<EventProposals.DecideEventProposal>();
        services.AddScoped<EventProposals.ShowEventProposal>();

        // Survey campaigns (issue 6)
        services.AddScoped<Campaigns.ManageCampaigns>();
        services.AddScoped<Campaigns.CampaignStatistics>();
        services.AddScoped<Campaigns.AnswerQuestionnaire>();

        // « Mes données »: right of access to one's registrations
        services.AddMyDataFeature();
        return services;
    }
}
