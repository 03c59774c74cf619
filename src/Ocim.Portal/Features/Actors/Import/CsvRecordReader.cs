using System.Text;

namespace Ocim.Portal.Features.Actors.Import;

/// <summary>
/// One CSV record and the line of the file it starts on (1 = the first line), for error reports.
/// <paramref name="Unterminated"/>: the file ended inside a quoted field (a quote was never closed).
/// </summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, bool Unterminated = false);

/// <summary>
/// A small RFC 4180 reader: fields separated by one delimiter, double-quoted fields that may hold the delimiter,
/// doubled quotes and line breaks; CRLF or LF. Records that are entirely empty (blank lines) are skipped.
/// </summary>
/// <remarks>
/// Written here rather than taken from CsvHelper: the version that restores (34.0.0) is a rewrite whose new API is
/// documented only by its XML comments, and an import report needs the physical line each record starts on (a
/// quoted description may span lines), which this reader gives for free. The format is small and the reader is
/// covered by its own tests (CsvRecordReaderTests).
/// </remarks>
public static class CsvRecordReader
{
    /// <summary>
    /// The delimiter of a file, from its header line: ';' when it has more semicolons than commas outside quotes,
    /// else ','.
    /// </summary>
    public static char DetectDelimiter(string headerLine)
    {
        int commas = 0, semicolons = 0;
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == ',')
            {
                commas++;
            }
            else if (!quoted && c == ';')
            {
                semicolons++;
            }
        }

        return semicolons > commas ? ';' : ',';
    }

    /// <summary>Reads every record of <paramref name="reader"/>; a leading byte-order mark is dropped.</summary>
    public static IEnumerable<CsvRecord> Read(TextReader reader, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var afterQuote = false;   // the quoted part of a field has ended: only text up to the delimiter follows
        var first = true;
        int next;
        while ((next = reader.Read()) != -1)
        {
            var c = (char)next;
            if (first)
            {
                first = false;
                if (c == '\uFEFF')
                {
                    continue;
                }
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            if (c == '"' && field.Length == 0 && !afterQuote)
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                afterQuote = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(field.ToString());
                field.Clear();
                afterQuote = false;
                if (fields.Count > 1 || fields[0].Length > 0)
                {
                    yield return new CsvRecord(recordLine, fields.ToArray());
                }

                fields.Clear();
                line++;
                recordLine = line;
            }
            else
            {
                // Text after a closing quote (`"a"b`) is kept, as spreadsheets do, rather than lost.
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0 || quoted)
        {
            fields.Add(field.ToString());
            if (fields.Count > 1 || fields[0].Length > 0 || quoted)
            {
                yield return new CsvRecord(recordLine, fields.ToArray(), quoted);
            }
        }
    }
}
