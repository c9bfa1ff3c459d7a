using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// The results topic's messages: pane partials (each tagged with its analysis' name, the accumulator in the aggregate's
/// own JSON) and partition progress (with its checkpoint) as JSON, marked with the header <see cref="HeaderName"/> so
/// that anything else on the topic is recognised as foreign.
/// </summary>
internal static class WindowResultsCodec
{
    /// <summary>The header every results message carries: <c>crimestreaming-results</c> = <c>2</c> (the format version).</summary>
    public const string HeaderName = "crimestreaming-results";

    private static readonly byte[] Version = "2"u8.ToArray();

    /// <summary>One flush of an instance: the partials it closed, then its partitions' progress (which they precede).</summary>
    public static Message<byte[], byte[]> Encode(string instance, IReadOnlyCollection<PanePartial> partials, IReadOnlyCollection<PartitionProgress> progress, AnalysisRegistry analyses)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (partials.Count * 256));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", "batch");
            w.WriteStartArray("partials");
            foreach (var partial in partials)
            {
                w.WriteStartObject();
                Write(w, partial, analyses);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("progress");
            foreach (var p in progress)
            {
                w.WriteStartObject();
                Write(w, p);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(instance),
            Value = buffer.WrittenSpan.ToArray(),
            Headers = [new Header(HeaderName, Version)],
        };
    }

    internal static void Write(Utf8JsonWriter w, PanePartial partial, AnalysisRegistry analyses)
    {
        w.WriteNumber("partition", partial.Partition);
        w.WriteString("pane", partial.PaneStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("analysis", partial.Analysis);
        w.WriteNumber("reports", partial.Reports);
        w.WritePropertyName("acc");
        analyses.Get(partial.Analysis).WriteAccumulator(w, partial.Accumulator);
    }

    private static void Write(Utf8JsonWriter w, PartitionProgress progress)
    {
        w.WriteNumber("partition", progress.Partition);
        w.WriteNumber("partitions", progress.PartitionCount);
        w.WriteString("state", progress.State.ToString().ToLowerInvariant());
        WriteTime(w, "closed_through", progress.ClosedThrough);
        if (progress.Checkpoint is { } c)
        {
            w.WriteStartObject("checkpoint");
            w.WriteNumber("next_offset", c.NextOffset);
            if (c.ClosedThrough is { } closed)
            {
                WriteTime(w, "closed_through", closed);
            }

            w.WriteStartArray("shard_max_seen");
            foreach (var t in c.ShardMaxSeen)
            {
                if (t is { } time)
                {
                    w.WriteStringValue(Time(time));
                }
                else
                {
                    w.WriteNullValue();
                }
            }

            w.WriteEndArray();
            w.WriteStartArray("shard_ended");
            foreach (var e in c.ShardEnded)
            {
                w.WriteBooleanValue(e);
            }

            w.WriteEndArray();
            w.WriteNumber("counted", c.Counted);
            w.WriteNumber("late", c.Late);
            w.WriteEndObject();
        }
    }

    /// <summary>
    /// Reads a results message; <see langword="null"/> with a reason when it is foreign (not written by an analyser of
    /// this format). Without <paramref name="withPartials"/> the partials are left unread (an instance following the
    /// topic for checkpoints only).
    /// </summary>
    public static ResultsBatch? Decode(Message<byte[], byte[]> message, AnalysisRegistry analyses, out string? reason, bool withPartials = true)
    {
        reason = null;
        if (message.Headers is not { Count: > 0 } || !message.Headers.TryGetLastBytes(HeaderName, out var version) || !version.AsSpan().SequenceEqual(Version))
        {
            reason = "no crimestreaming-results header (version 2)";
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(message.Value ?? []);
            var root = json.RootElement;
            if (root.GetProperty("kind").GetString() != "batch")
            {
                reason = "unknown kind";
                return null;
            }

            var partials = withPartials ? root.GetProperty("partials").EnumerateArray().Select(p => ReadPartial(p, analyses)).ToArray() : [];
            var progress = root.GetProperty("progress").EnumerateArray().Select(ReadProgress).ToArray();
            return new ResultsBatch(partials, progress);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any failure, the aggregate's own Read included, makes the message corrupt: skipped and counted, never a crash.
            reason = $"not a results message: {e.Message}";
            return null;
        }
    }

    internal static PanePartial ReadPartial(JsonElement p, AnalysisRegistry analyses)
    {
        var name = p.GetProperty("analysis").GetString() ?? throw new FormatException("a partial's analysis is null");
        var reports = p.GetProperty("reports").GetInt64();
        if (reports < 1)
        {
            throw new FormatException($"a partial holds {reports} reports");
        }

        var analysis = analyses.Find(name) ?? throw new FormatException($"a partial of analysis \"{name}\", which this group does not run ({analyses})");
        return new PanePartial(p.GetProperty("partition").GetInt32(), ParseTime(p.GetProperty("pane")), name, reports, analysis.ReadAccumulator(p.GetProperty("acc")));
    }

    private static PartitionProgress ReadProgress(JsonElement root)
    {
        var state = root.GetProperty("state").GetString() switch
        {
            "active" => PartitionState.Active,
            "idle" => PartitionState.Idle,
            "ended" => PartitionState.Ended,
            var other => throw new FormatException($"unknown state '{other}'"),
        };
        PartitionCheckpoint? checkpoint = null;
        if (root.TryGetProperty("checkpoint", out var c))
        {
            checkpoint = new PartitionCheckpoint(
                c.GetProperty("next_offset").GetInt64(),
                c.TryGetProperty("closed_through", out var ct) ? ParseTime(ct) : null,
                c.GetProperty("shard_max_seen").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : ParseTime(e)).ToArray(),
                c.GetProperty("shard_ended").EnumerateArray().Select(e => e.GetBoolean()).ToArray(),
                c.GetProperty("counted").GetInt64(),
                c.GetProperty("late").GetInt64());
        }

        return new PartitionProgress(root.GetProperty("partition").GetInt32(), root.GetProperty("partitions").GetInt32(), ParseTime(root.GetProperty("closed_through")), state) { Checkpoint = checkpoint };
    }

    internal static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset time) => w.WriteString(name, Time(time));

    internal static string Time(DateTimeOffset time) =>
        time == DateTimeOffset.MaxValue ? "max" : time == DateTimeOffset.MinValue ? "min" : time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(JsonElement element) => element.GetString() switch
    {
        "max" => DateTimeOffset.MaxValue,
        "min" => DateTimeOffset.MinValue,
        var text => DateTimeOffset.Parse(text!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
    };
}
