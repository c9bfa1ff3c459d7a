using System.Text.Json.Nodes;

namespace CrimeStreaming.Aggregation;

/// <summary>JSON with every object's members in ordinal order: equal values, equal text, whatever order dictionaries were filled in.</summary>
internal static class CanonicalJson
{
    /// <summary>Writes <paramref name="value"/> as System.Text.Json serializes it, with object members sorted.</summary>
    public static void Write<T>(System.Text.Json.Utf8JsonWriter writer, T value)
    {
        var node = Sorted(System.Text.Json.JsonSerializer.SerializeToNode(value));
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        JsonValue v => JsonValue.Create(v.GetValue<System.Text.Json.JsonElement>()),
        _ => null,
    };
}
