using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalRqa.Json;

/// <summary>
/// Reading small JSON files of model folders (configs, indexes, markers) where every wrong shape, not just bad
/// syntax, becomes a one-line <see cref="RqaException"/> naming the file and the field.
/// </summary>
internal static class JsonFile
{
    /// <summary>The parsed file, or null when it does not exist.</summary>
    public static JsonNode? ReadOptional(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(Files.Utf8TextFile.ReadAllText(path)); }
        catch (JsonException e) { throw new RqaException($"{path}: invalid JSON: {e.Message}"); }
    }

    public static JsonObject ReadObject(string path) =>
        ReadOptional(path) as JsonObject ?? throw new RqaException(File.Exists(path) ? $"{path}: expected a JSON object" : $"{path}: file not found");

    public static JsonObject? Object(JsonNode? node, string path, string field) => node switch
    {
        null => null,
        JsonObject o => o,
        _ => throw WrongKind(path, field, "an object"),
    };

    public static JsonArray? Array(JsonNode? node, string path, string field) => node switch
    {
        null => null,
        JsonArray a => a,
        _ => throw WrongKind(path, field, "a list"),
    };

    public static string? String(JsonNode? node, string path, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw WrongKind(path, field, "a string"),
    };

    public static bool? Bool(JsonNode? node, string path, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw WrongKind(path, field, "true or false"),
    };

    public static long? Integer(JsonNode? node, string path, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        _ => throw WrongKind(path, field, "an integer"),
    };

    /// <summary>Writes indented JSON atomically (see <see cref="Files.AtomicFile"/>).</summary>
    public static void Write(string path, JsonNode node) =>
        Files.AtomicFile.WriteAllText(path, node.ToJsonString(Indented) + "\n");

    static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static RqaException WrongKind(string path, string field, string expected) =>
        new($"{path}: field '{field}' must be {expected}");
}
