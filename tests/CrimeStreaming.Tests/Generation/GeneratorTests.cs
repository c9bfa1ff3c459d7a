using System.Security.Cryptography;
using CrimeStreaming.Csv;
using CrimeStreaming.Generation;

namespace CrimeStreaming.Tests.Generation;

public class GeneratorTests
{
    private static string Generate(LapdGeneratorOptions options)
    {
        var writer = new StringWriter();
        LapdCsvGenerator.Write(writer, options);
        return writer.ToString();
    }

    [Theory]
    [InlineData(2020)]
    [InlineData(2010)]
    public void Output_parses_with_the_library_reader_with_zero_skipped_rows_and_the_requested_size(int layout)
    {
        var schema = layout == 2020 ? CrimeCsvSchema.Lapd2020ToPresent : CrimeCsvSchema.Lapd2010To2019;
        var csv = Generate(new LapdGeneratorOptions { Rows = 20_000, Seed = 5, Schema = schema });
        var stats = new ReadStatistics();
        var records = TestData.ReadAll(csv, new CrimeCsvOptions { OnRowError = RowErrorPolicy.Throw }, stats);

        records.Should().HaveCount(20_000);
        stats.RowsSkipped.Should().Be(0);
        records.Select(r => r.DrNumber).Should().OnlyHaveUniqueItems();
        records.Should().OnlyContain(r => r.DateOccurred >= new DateOnly(2020, 1, 1) && r.DateOccurred <= new DateOnly(2020, 12, 31));
        records.Should().OnlyContain(r => r.DateReported >= r.DateOccurred);
        var header = csv[..csv.IndexOf('\n')];
        header.Should().Be(schema == CrimeCsvSchema.Lapd2020ToPresent
            ? File.ReadLines(TestData.Sample2020).First()
            : File.ReadLines(TestData.Sample2010).First());
        var mapped = typeof(CrimeCsvSchema).GetProperties().Where(p => p.Name != nameof(CrimeCsvSchema.Name) && p.PropertyType == typeof(string))
            .Select(p => (string?)p.GetValue(schema)).OfType<string>();
        header.Split(',').Select(h => h.Trim()).Should().BeEquivalentTo(mapped, "the generator writes exactly the columns its schema maps (the 2010 file pads one name, as the city's does)");
    }

    [Fact]
    public void Distributions_follow_the_real_sample()
    {
        var real = CrimeCsvReader.ReadFile(TestData.Sample2020).ToList();
        var generated = TestData.ReadAll(Generate(new LapdGeneratorOptions { Rows = 60_000, Seed = 9 }));

        static double OfInterest(IEnumerable<CrimeRecord> rs) =>
            rs.Average(r => new[] { "ASSAULT", "BURGLARY", "ROBBERY" }.Any(w => r.CrimeDescription!.Contains(w)) ? 1.0 : 0.0);
        OfInterest(generated).Should().BeApproximately(OfInterest(real), 0.01, "about a third of the rows are crimes of interest, as in the real data");

        var realAreas = real.GroupBy(r => r.AreaName).ToDictionary(g => g.Key, g => g.Count() / (double)real.Count);
        foreach (var area in generated.GroupBy(r => r.AreaName))
        {
            (area.Count() / (double)generated.Count).Should().BeApproximately(realAreas[area.Key], 0.01, area.Key);
        }

        var realHours = real.GroupBy(r => r.TimeOccurred.Hour).ToDictionary(g => g.Key, g => g.Count() / (double)real.Count);
        foreach (var hour in generated.GroupBy(r => r.TimeOccurred.Hour))
        {
            (hour.Count() / (double)generated.Count).Should().BeApproximately(realHours[hour.Key], 0.01, $"hour {hour.Key}");
        }

        // Coordinates stay within the area they belong to (near the real points of the area).
        var centroids = real.Where(r => r.Location != null).GroupBy(r => r.AreaId)
            .ToDictionary(g => g.Key, g => new GeoPoint(g.Average(r => r.Location!.Value.Latitude), g.Average(r => r.Location!.Value.Longitude)));
        generated.Where(r => r.Location != null).Average(r => r.Location!.Value.DistanceMetresTo(centroids[r.AreaId]))
            .Should().BeLessThan(5_000);
        generated.Count(r => r.Location == null).Should().BeInRange(1, 200, "unknown locations stay (0, 0) at about the sample's rate of 0.1%");
        generated.Select(r => r.DateOccurred).Should().Contain(d => d.Day <= 12).And.Contain(d => d.Day > 12, "both date forms are written");
    }

    [Fact]
    public void Progress_is_reported_every_65536_rows_and_at_the_end_without_changing_the_bytes()
    {
        var reports = new List<long>();
        var plain = new StringWriter();
        var watched = new StringWriter();
        LapdCsvGenerator.Write(plain, new LapdGeneratorOptions { Rows = 200_000, Seed = 5 });
        LapdCsvGenerator.Write(watched, new LapdGeneratorOptions { Rows = 200_000, Seed = 5, Progress = new Recorder(reports) });

        reports.Should().Equal(65_536, 131_072, 196_608, 200_000);
        watched.ToString().Should().Be(plain.ToString());
    }

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        static string Hash(int seed)
        {
            var path = Path.Combine(Path.GetTempPath(), $"gen-{Guid.NewGuid():N}.csv");
            try
            {
                LapdCsvGenerator.WriteFile(path, new LapdGeneratorOptions { Rows = 5_000, Seed = seed });
                return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            }
            finally
            {
                File.Delete(path);
            }
        }

        Hash(3).Should().Be(Hash(3));
        Hash(4).Should().NotBe(Hash(3));
    }

    [Fact]
    public void Options_are_validated()
    {
        FluentActions.Invoking(() => Generate(new LapdGeneratorOptions { Rows = -1 })).Should().Throw<ArgumentException>().WithMessage("*Rows*");
        FluentActions.Invoking(() => Generate(new LapdGeneratorOptions { From = new DateOnly(2021, 1, 1), To = new DateOnly(2020, 1, 1) }))
            .Should().Throw<ArgumentException>().WithMessage("*To*");
        Generate(new LapdGeneratorOptions { Rows = 0 }).Count(c => c == '\n').Should().Be(1, "the header only");
    }

    /// <summary>Records reports on the writing thread (Progress&lt;T&gt; would post them to a context, out of order).</summary>
    private sealed class Recorder(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
