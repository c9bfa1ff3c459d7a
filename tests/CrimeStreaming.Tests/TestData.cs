using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests;

/// <summary>The bundled real LAPD samples and small record builders.</summary>
internal static class TestData
{
    public static string Sample2020 => Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    public static string Sample2010 => Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2010-2019-sample.csv");

    public const string Header2020 = "DR_NO,Date Rptd,DATE OCC,TIME OCC,AREA,AREA NAME,Rpt Dist No,Part 1-2,Crm Cd,Crm Cd Desc,Mocodes,Vict Age,Vict Sex,Vict Descent,Premis Cd,Premis Desc,Weapon Used Cd,Weapon Desc,Status,Status Desc,Crm Cd 1,Crm Cd 2,Crm Cd 3,Crm Cd 4,LOCATION,Cross Street,LAT,LON";

    public const string Row2020 = "010304468,01/08/2020 00:00,01/08/2020 00:00,2230,03,Southwest,0377,2,624,BATTERY - SIMPLE ASSAULT,0444 0913,36,F,B,501,SINGLE FAMILY DWELLING,400,\"STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)\",AO,Adult Other,624,,,,1100 W  39TH                         PL,,34.0141,-118.2978";

    public static List<CrimeRecord> ReadAll(string csv, CrimeCsvOptions? options = null, ReadStatistics? statistics = null) =>
        CrimeCsvReader.Read(new StringReader(csv), "test.csv", options, statistics).ToList();

    /// <summary>Robberies numbered 1 to <paramref name="hours"/>, each at that hour of 2020-01-01.</summary>
    public static List<CrimeRecord> HourlyRobberies(int hours) =>
        Enumerable.Range(1, hours).Select(h => Record($"{h}", "ROBBERY", new DateTime(2020, 1, 1, h, 0, 0))).ToList();

    /// <summary>A replay at 3600x in UTC whose every report comes exactly 30 minutes after its crime (seed 1).</summary>
    public static CrimeStreamerOptions ExactDelayOptions(int officers) => new()
    {
        Officers = officers, Seed = 1, Acceleration = 3600, TimeZone = TimeZoneInfo.Utc,
        MinReportDelay = TimeSpan.FromMinutes(30), MaxReportDelay = TimeSpan.FromMinutes(31),
    };

    public static CrimeRecord Record(string dr, string? description, DateTime occurred, string area = "Central", GeoPoint? location = null) => new()
    {
        DrNumber = dr,
        DateOccurred = DateOnly.FromDateTime(occurred),
        TimeOccurred = TimeOnly.FromDateTime(occurred),
        AreaId = "01",
        AreaName = area,
        CrimeCode = "000",
        CrimeDescription = description,
        Location = location,
    };
}
