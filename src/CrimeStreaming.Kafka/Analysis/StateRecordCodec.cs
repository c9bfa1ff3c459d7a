using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// The state topic's messages as JSON, marked with the header <see cref="HeaderName"/> so that anything else on the
/// topic is recognised as foreign. Every partition's message is complete (no deltas): the latest one alone restores the
/// partition, so a topic that keeps only its newest messages (retention, compaction) always keeps what is needed.
/// </summary>
internal static class StateRecordCodec
{
    /// <summary>The header every state message carries: <c>crimestreaming-state</c> = <c>2</c> (the format version).</summary>
    public const string HeaderName = "crimestreaming-state";

    /// <summary>The key of a settings message.</summary>
    public const string SettingsKey = "settings";

    private static readonly byte[] Version = "2"u8.ToArray();

    public static Message<byte[], byte[]> Encode(StateRecord record, AnalysisRegistry analyses)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", record.Snapshot is null ? "settings" : "state");
            w.WriteStartObject("settings");
            WriteSettings(w, record.Settings);
            w.WriteEndObject();
            if (record.Snapshot is { } s)
            {
                w.WriteNumber("partition", s.Partition);
                w.WriteNumber("next_offset", s.NextOffset);
                if (s.ClosedThrough is { } closed)
                {
                    WindowResultsCodec.WriteTime(w, "closed_through", closed);
                }

                w.WriteStartArray("shard_max_seen");
                foreach (var t in s.ShardMaxSeen)
                {
                    if (t is { } time)
                    {
                        w.WriteStringValue(WindowResultsCodec.Time(time));
                    }
                    else
                    {
                        w.WriteNullValue();
                    }
                }

                w.WriteEndArray();
                w.WriteStartArray("shard_ended");
                foreach (var e in s.ShardEnded)
                {
                    w.WriteBooleanValue(e);
                }

                w.WriteEndArray();
                w.WriteNumber("counted", s.Counted);
                w.WriteNumber("late", s.Late);
                WritePartials(w, "open", s.OpenPanes, analyses);
                WritePartials(w, "unpublished", record.Unpublished, analyses);
            }

            w.WriteEndObject();
        }

        return new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(record.Snapshot is { } snapshot ? snapshot.Partition.ToString(CultureInfo.InvariantCulture) : SettingsKey),
            Value = buffer.WrittenSpan.ToArray(),
            Headers = [new Header(HeaderName, Version)],
        };
    }

    /// <summary>Reads a state message; <see langword="null"/> with a reason when it is foreign or corrupt.</summary>
    /// <remarks>The settings are read whatever analyses they name; a state's partials are read with <paramref name="analyses"/>
    /// (a state of analyses this member does not run is corrupt to it, and the settings check stops it first).</remarks>
    public static StateRecord? Decode(Message<byte[], byte[]> message, AnalysisRegistry analyses, out string? reason)
    {
        reason = null;
        if (message.Headers is not { Count: > 0 } || !message.Headers.TryGetLastBytes(HeaderName, out var version) || !version.AsSpan().SequenceEqual(Version))
        {
            reason = "no crimestreaming-state header (version 2)";
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(message.Value ?? []);
            var root = json.RootElement;
            var settings = ReadSettings(root.GetProperty("settings"));
            switch (root.GetProperty("kind").GetString())
            {
                case "settings":
                    return new StateRecord(settings, null, []);
                case "state":
                    var partition = root.GetProperty("partition").GetInt32();
                    var snapshot = new PartitionSnapshot(
                        partition,
                        root.GetProperty("next_offset").GetInt64(),
                        root.TryGetProperty("closed_through", out var ct) ? WindowResultsCodec.ParseTime(ct) : null,
                        root.GetProperty("shard_max_seen").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : WindowResultsCodec.ParseTime(e)).ToArray(),
                        root.GetProperty("shard_ended").EnumerateArray().Select(e => e.GetBoolean()).ToArray(),
                        root.GetProperty("counted").GetInt64(),
                        root.GetProperty("late").GetInt64(),
                        ReadPartials(root.GetProperty("open"), analyses));
                    var unpublished = ReadPartials(root.GetProperty("unpublished"), analyses);
                    if (snapshot.OpenPanes.Concat(unpublished).Any(p => p.Partition != partition))
                    {
                        reason = $"the state of partition {partition} holds panes of another partition";
                        return null;
                    }

                    return new StateRecord(settings, snapshot, unpublished);
                default:
                    reason = "unknown kind";
                    return null;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any failure, an aggregate's own Read included, makes the message corrupt: skipped and counted.
            reason = $"not a state message: {e.Message}";
            return null;
        }
    }

    private static void WriteSettings(Utf8JsonWriter w, AnalysisSettings s)
    {
        w.WriteNumber("disorder_ticks", s.AllowedDisorder.Ticks);
        w.WriteStartArray("window_hours");
        foreach (var h in s.WindowHours)
        {
            w.WriteNumberValue(h);
        }

        w.WriteEndArray();
        w.WriteNumber("pane_ticks", s.PaneLength.Ticks);
        w.WriteNumber("idle_timeout_ticks", s.IdleTimeout.Ticks);
        w.WriteNumber("top", s.Top);
        w.WriteString("results_topic", s.ResultsTopic);
        w.WriteNumber("partitions", s.Partitions);
        w.WriteStartArray("analyses");
        foreach (var analysis in s.Analyses)
        {
            w.WriteStringValue(analysis);
        }

        w.WriteEndArray();
    }

    private static AnalysisSettings ReadSettings(JsonElement e) => new(
        TimeSpan.FromTicks(e.GetProperty("disorder_ticks").GetInt64()),
        e.GetProperty("window_hours").EnumerateArray().Select(h => h.GetInt32()).ToArray(),
        TimeSpan.FromTicks(e.GetProperty("pane_ticks").GetInt64()),
        TimeSpan.FromTicks(e.GetProperty("idle_timeout_ticks").GetInt64()),
        e.GetProperty("top").GetInt32(),
        e.GetProperty("results_topic").GetString() ?? throw new FormatException("results_topic is null"),
        e.GetProperty("partitions").GetInt32(),
        e.GetProperty("analyses").EnumerateArray().Select(a => a.GetString() ?? throw new FormatException("an analysis is null")).ToArray());

    private static void WritePartials(Utf8JsonWriter w, string name, IReadOnlyList<PanePartial> partials, AnalysisRegistry analyses)
    {
        w.WriteStartArray(name);
        foreach (var partial in partials)
        {
            w.WriteStartObject();
            WindowResultsCodec.Write(w, partial, analyses);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static PanePartial[] ReadPartials(JsonElement array, AnalysisRegistry analyses) => array.EnumerateArray().Select(p => WindowResultsCodec.ReadPartial(p, analyses)).ToArray();
}
