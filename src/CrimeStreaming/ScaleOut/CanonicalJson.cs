using System.Text.Json.Nodes;

namespace CrimeStreaming.ScaleOut;

/// <summary>JSON with every object's members in ordinal order: equal values, equal text, whatever order dictionaries were filled in.</summary>
internal static class CanonicalJson
{
    public static string Write(ReadOnlySpan<byte> json) => Sorted(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        JsonValue v => JsonValue.Create(v.GetValue<System.Text.Json.JsonElement>()),
        _ => null,
    };
}
