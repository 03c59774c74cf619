using System.Text;
using Ocim.Portal.Features.Actors.Import;

namespace Ocim.Portal.Tests.Features.Actors.Import;

/// <summary>The CSV reader on its own: headers, separators, encodings and row checks (no database needed).</summary>
public sealed class ReadActorCsvTests
{
    private static readonly ActorFamilyName[] Families =
    [
        new("musee", "Musée"),
        new("museum", "Muséum d'histoire naturelle"),
        new("centre-de-sciences", "Centre de sciences (CCSTI)"),
    ];

    private static ActorCsvContent Parse(string text) => ReadActorCsv.Parse(text, "test", Families);

    [Fact]
    public void Reads_french_headers_separated_by_semicolons()
    {
        var content = Parse("""
            id_externe;nom;sigle;cercle;famille;commune;code_postal;site_web
            A1;Muséum de Dijon;MHN;1;museum;21231;21000;https://museum.dijon.fr
            """);

        Assert.Empty(content.Errors);
        var record = Assert.Single(content.Records);
        Assert.Equal(("A1", "Muséum de Dijon", "MHN", 1, "museum", "21231", "21000", "https://museum.dijon.fr"),
            (record.ExternalId, record.Name, record.Acronym, record.Circle, record.FamilySlug, record.CommuneCode, record.PostalCode, record.Website));
        Assert.Equal(2, record.Line);
        Assert.Equal("test", record.Source);
    }

    [Fact]
    public void Reads_english_headers_separated_by_commas()
    {
        var content = Parse("""
            external_id,name,acronym,circle,family,longitude,latitude,short_description
            B2,Science Centre,CS,1,centre-de-sciences,5.0415,47.3220,"Expositions, ateliers"
            """);

        Assert.Empty(content.Errors);
        var record = Assert.Single(content.Records);
        Assert.Equal((5.0415, 47.3220, "Expositions, ateliers"), (record.Longitude!.Value, record.Latitude!.Value, record.ShortDescription));
    }

    [Fact]
    public void Skips_a_utf8_byte_order_mark()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("id_externe;nom;cercle;famille;commune\nC3;Musée;1;musee;21231\n")).ToArray();

        var content = ReadActorCsv.Parse(new MemoryStream(bytes), "test", Families);

        Assert.Empty(content.Errors);
        Assert.Equal("C3", Assert.Single(content.Records).ExternalId);
    }

    [Fact]
    public void Refuses_a_file_that_is_not_utf8()
    {
        var latin1 = Encoding.Latin1.GetBytes("id_externe;nom;cercle;famille;commune\nC3;Musée;1;musee;21231\n");

        var content = ReadActorCsv.Parse(new MemoryStream(latin1), "test", Families);

        Assert.Contains("UTF-8", Assert.Single(content.Errors).Reason, StringComparison.Ordinal);
        Assert.Empty(content.Records);
    }

    [Fact]
    public void Accepts_a_decimal_comma_in_quoted_coordinates()
    {
        var content = Parse("id_externe;nom;cercle;famille;longitude;latitude\nD4;Musée;1;musee;5,0415;47,3220\n");

        var record = Assert.Single(content.Records);
        Assert.Equal((5.0415, 47.3220), (record.Longitude!.Value, record.Latitude!.Value));
    }

    [Fact]
    public void Accepts_a_family_by_its_french_name_ignoring_case_and_accents()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune\nE5;Muséum;1;MUSEUM D'HISTOIRE NATURELLE;21231\nE6;Musée;1;Musee;21231\n");

        Assert.Equal(["museum", "musee"], content.Records.Select(r => r.FamilySlug));
    }

    [Fact]
    public void Reads_lists_status_and_verification_date()
    {
        var content = Parse("""
            id_externe;nom;cercle;famille;commune;types_action;publics;statut;verifie_le;verifie_par;reseaux_sociaux
            F6;Musée;1;musee;21231;Médiation | ateliers;Tout public;brouillon;31/03/2025;OCIM;https://a.example|https://b.example
            """);

        var record = Assert.Single(content.Records);
        Assert.Equal(["mediation", "ateliers"], record.ActionTypes);
        Assert.Equal(["tout-public"], record.Audiences);
        Assert.Equal("draft", record.Status);
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 0, 0, 0, TimeSpan.Zero), record.VerifiedAt);
        Assert.Equal(["https://a.example", "https://b.example"], record.SocialLinks);
    }

    [Fact]
    public void Restores_the_leading_zero_a_spreadsheet_dropped()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune;code_postal\nG7;Musée;1;musee;1053;1000\n");

        var record = Assert.Single(content.Records);
        Assert.Equal(("01053", "01000"), (record.CommuneCode, record.PostalCode));
    }

    [Fact]
    public void Names_unknown_headers()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune;couleur\nH8;Musée;1;musee;21231;bleu\n");

        var error = Assert.Single(content.Errors);
        Assert.Equal((1, "couleur"), (error.Line, error.Column));
        Assert.StartsWith("Colonne inconnue « couleur »", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_missing_required_columns()
    {
        var content = Parse("nom;commune\nMusée;21231\n");

        Assert.Equal(["cercle", "famille", "id_externe"], content.Errors.Select(e => e.Column).Order(StringComparer.Ordinal));
        Assert.All(content.Errors, e => Assert.Contains("obligatoire", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_line_column_value_and_reason_in_french_for_each_bad_value()
    {
        var content = Parse("""
            id_externe;nom;cercle;famille;commune;code_postal;site_web;email;uai;siret
            I1;Musée;1;musee;21231;21000;https://ok.example;a@b.fr;0211237F;12345678901234
            I2;Musée;4;planete;21231;2100x;www.sans-schema.fr;pas-un-mail;211237F;123
            """);

        Assert.Single(content.Records);
        Assert.All(content.Errors, e => Assert.Equal(3, e.Line));
        var byColumn = content.Errors.ToDictionary(e => e.Column);
        Assert.Equal("4", byColumn["cercle"].Value);
        Assert.Equal("Le cercle doit être 1, 2 ou 3.", byColumn["cercle"].Reason);
        Assert.StartsWith("Famille inconnue", byColumn["famille"].Reason, StringComparison.Ordinal);
        Assert.Equal("planete", byColumn["famille"].Value);
        Assert.True(content.Errors.Count >= 2);

        // The same row with a valid circle and family reports every other bad value at once.
        content = Parse("""
            id_externe;nom;cercle;famille;commune;code_postal;site_web;email;uai;siret
            I2;Musée;1;musee;21231;2100x;www.sans-schema.fr;pas-un-mail;211237F;123
            """);
        byColumn = content.Errors.ToDictionary(e => e.Column);
        Assert.Equal(["code_postal", "email", "siret", "site_web", "uai"], byColumn.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("2100x", "Le code postal doit compter exactement 5 chiffres."), (byColumn["code_postal"].Value, byColumn["code_postal"].Reason));
        Assert.Equal("www.sans-schema.fr", byColumn["site_web"].Value);
        Assert.Contains("http://", byColumn["site_web"].Reason, StringComparison.Ordinal);
        Assert.Empty(content.Records);
    }

    [Fact]
    public void Rejects_a_duplicate_external_id_naming_the_first_line()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune\nJ1;Musée A;1;musee;21231\nJ1;Musée B;1;musee;21231\n");

        var error = Assert.Single(content.Errors);
        Assert.Equal((3, "id_externe", "J1"), (error.Line, error.Column, error.Value));
        Assert.Contains("ligne 2", error.Reason, StringComparison.Ordinal);
        Assert.Equal("Musée A", Assert.Single(content.Records).Name);
    }

    [Fact]
    public void Requires_a_location_on_every_row()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune;longitude;latitude\nK1;Musée;1;musee;;;\nK2;Musée;1;musee;;5.04;\n");

        Assert.Equal([2, 3], content.Errors.Select(e => e.Line).Distinct());
        Assert.Contains(content.Errors, e => e.Reason.StartsWith("La localisation est obligatoire", StringComparison.Ordinal));
        Assert.Contains(content.Errors, e => e.Reason.StartsWith("La longitude et la latitude vont ensemble", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_rows_after_a_quoted_line_break_on_their_real_line()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune;description_longue\nL1;Musée;1;musee;21231;\"Première ligne\nseconde ligne\"\nL2;Musée;9;musee;21231;\n");

        Assert.Equal(4, Assert.Single(content.Errors).Line);
        Assert.Equal("Première ligne\nseconde ligne", Assert.Single(content.Records).LongDescription);
    }

    [Fact]
    public void Reports_a_row_with_the_wrong_number_of_fields()
    {
        var content = Parse("id_externe;nom;cercle;famille;commune\nM1;Musée;1;musee\n");

        Assert.Contains("champs", Assert.Single(content.Errors).Reason, StringComparison.Ordinal);
    }
}
