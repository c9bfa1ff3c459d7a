namespace CrimeStreaming.Generation;

/// <summary>The LAPD file layouts the generator can write.</summary>
public enum LapdSchema
{
    /// <summary>"Crime Data from 2020 to Present": 28 columns, two date forms, <c>LAT</c>/<c>LON</c>.</summary>
    Lapd2020ToPresent,

    /// <summary>"Crime Data from 2010 to 2019": 26 columns, <c>MM/DD/YYYY</c> dates, a quoted <c>"(lat, lon)"</c> column.</summary>
    Lapd2010To2019,
}
