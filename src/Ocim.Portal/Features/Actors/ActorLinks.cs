using System.Globalization;
using System.Text;

namespace Ocim.Portal.Features.Actors;

/// <summary>Addresses and words shared by every actor page.</summary>
public static class ActorLinks
{
    /// <summary>/acteurs/{id}-{slug}: the id decides, the slug is for people (a stale slug redirects).</summary>
    public static string Href(long id, string name) => $"/acteurs/{id.ToString(CultureInfo.InvariantCulture)}-{Slug(name)}";

    public static string CircleLabel(int circle) => circle switch
    {
        1 => "Cercle 1 : la CSTI est l'activité principale",
        2 => "Cercle 2 : des missions tournées vers la CSTI",
        3 => "Cercle 3 : des actions de CSTI possibles",
        _ => "Cercle inconnu",
    };

    public static string CircleShortLabel(int circle) => $"Cercle {circle.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Lower case ASCII words joined by hyphens: « Écomusée de l'Île » → ecomusee-de-l-ile.</summary>
    public static string Slug(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingHyphen = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                if (pendingHyphen && builder.Length > 0)
                {
                    builder.Append('-');
                }

                builder.Append(lower);
                pendingHyphen = false;
            }
            else
            {
                pendingHyphen = true;
            }

            if (builder.Length >= 80)
            {
                break;
            }
        }

        return builder.Length == 0 ? "acteur" : builder.ToString();
    }
}
