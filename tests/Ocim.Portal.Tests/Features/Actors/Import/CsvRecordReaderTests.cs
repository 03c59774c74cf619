using Ocim.Portal.Features.Actors.Import;

namespace Ocim.Portal.Tests.Features.Actors.Import;

public sealed class CsvRecordReaderTests
{
    private static List<CsvRecord> Read(string text, char delimiter = ',') => CsvRecordReader.Read(new StringReader(text), delimiter).ToList();

    [Fact]
    public void Reads_quoted_fields_with_delimiters_and_doubled_quotes()
    {
        var records = Read("a,b,c\n\"x, y\",\"il a dit \"\"bonjour\"\"\",z\n");

        Assert.Equal(["x, y", "il a dit \"bonjour\"", "z"], records[1].Fields);
    }

    [Fact]
    public void Reads_crlf_and_lf_line_ends_alike()
    {
        var records = Read("a,b\r\n1,2\r\n3,4\n5,6");

        Assert.Equal([["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]], records.Select(r => r.Fields.ToArray()).ToArray());
    }

    [Fact]
    public void Gives_each_record_the_line_it_starts_on_when_a_quoted_field_spans_lines()
    {
        var records = Read("a,b\n1,\"une\r\ndescription\nsur trois lignes\"\n2,x\n");

        Assert.Equal([1, 2, 5], records.Select(r => r.Line));
        Assert.Equal("une\r\ndescription\nsur trois lignes", records[1].Fields[1]);
    }

    [Fact]
    public void Skips_blank_lines_and_a_byte_order_mark()
    {
        var records = Read("\uFEFFa;b\n\n1;2\n", ';');

        Assert.Equal(["a", "b"], records[0].Fields);
        Assert.Equal(3, records[1].Line);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void Keeps_empty_fields()
    {
        var records = Read("a,b,c\n,,\n");

        Assert.Equal(["", "", ""], records[1].Fields);
    }

    [Fact]
    public void Flags_a_quote_that_is_never_closed()
    {
        var records = Read("a,b\n1,\"open\n2,3\n");

        Assert.True(records[^1].Unterminated);
    }

    [Theory]
    [InlineData("id;nom;cercle", ';')]
    [InlineData("id,nom,cercle", ',')]
    [InlineData("\"nom; sigle\",cercle,famille", ',')]
    public void Detects_the_delimiter_from_the_header(string header, char expected) =>
        Assert.Equal(expected, CsvRecordReader.DetectDelimiter(header));
}
