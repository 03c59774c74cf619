using System.Text;

namespace Ocim.Portal.Tests.Infrastructure;

/// <summary>
/// A small RFC 4180 reader (comma, or the semicolon of French Excel; double quotes, quoted line breaks) so that tests
/// can read source files and exports independently of the code under test.
/// </summary>
public static class SimpleCsv
{
    public static List<Dictionary<string, string>> ReadFile(string path)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8));
        var header = records[0];
        return records.Skip(1)
            .Where(r => r.Count > 1 || r[0].Length > 0)
            .Select(r => header.Select((name, i) => (name, value: i < r.Count ? r[i] : string.Empty))
                .ToDictionary(p => p.name, p => p.value, StringComparer.Ordinal))
            .ToList();
    }

    public static List<List<string>> Parse(string text, char separator = ',')
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
