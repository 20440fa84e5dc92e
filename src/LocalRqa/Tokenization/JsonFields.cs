using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Tokenization;

/// <summary>
/// Typed reads from tokenizer JSON files that fail with a one-line message naming the file and the field path.
/// Every JsonElement access in Tokenization goes through a kind check first: JsonElement's own getters throw
/// InvalidOperationException on the wrong kind, which would surface as a crash instead of a user error.
/// </summary>
internal static class JsonFields
{
    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(Utf8TextFile.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new RqaException($"{path}: not valid JSON ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new RqaException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    /// <summary>The element itself, when it is an object; <paramref name="where"/> is its path in the file.</summary>
    public static JsonElement Object(JsonElement e, string file, string where) =>
        e.ValueKind == JsonValueKind.Object ? e : throw WrongKind(file, where, "an object", e);

    public static JsonElement Required(JsonElement obj, string name, string file, string where)
    {
        if (TryGet(obj, name, file, where) is { } v) return v;
        throw new RqaException($"{file}: {where}.{name} is missing");
    }

    /// <summary>The property, or null when it is absent or JSON null; the parent must be an object.</summary>
    public static JsonElement? TryGet(JsonElement obj, string name, string file, string where) =>
        Object(obj, file, where).TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string RequiredString(JsonElement obj, string name, string file, string where) =>
        AsString(Required(obj, name, file, where), file, $"{where}.{name}");

    public static int RequiredInt(JsonElement obj, string name, string file, string where) =>
        AsInt(Required(obj, name, file, where), file, $"{where}.{name}");

    public static string? OptionalString(JsonElement obj, string name, string file, string where) =>
        TryGet(obj, name, file, where) is { } v ? AsString(v, file, $"{where}.{name}") : null;

    public static bool? OptionalBool(JsonElement obj, string name, string file, string where) =>
        TryGet(obj, name, file, where) is { } v ? AsBool(v, file, $"{where}.{name}") : null;

    public static int? OptionalInt(JsonElement obj, string name, string file, string where) =>
        TryGet(obj, name, file, where) is { } v ? AsInt(v, file, $"{where}.{name}") : null;

    public static string AsString(JsonElement v, string file, string where) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw WrongKind(file, where, "a string", v);

    public static bool AsBool(JsonElement v, string file, string where) =>
        v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw WrongKind(file, where, "true or false", v);

    /// <summary>A 32-bit integer; 5.0 is refused as tokenizers (serde) refuses it.</summary>
    public static int AsInt(JsonElement v, string file, string where) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw WrongKind(file, where, "an integer", v);

    public static List<JsonElement> AsList(JsonElement v, string file, string where) =>
        v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : throw WrongKind(file, where, "a list", v);

    public static RqaException WrongKind(string file, string where, string expected, JsonElement actual) =>
        new($"{file}: {where} must be {expected}, not {Describe(actual)}");

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {Shorten(v.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    /// <summary>An AddedToken object; as in tokenizers, "normalized" defaults to the opposite of "special".</summary>
    public static AddedToken ReadAddedToken(JsonElement obj, int id, string file, string where)
    {
        bool special = OptionalBool(obj, "special", file, where) ?? false;
        return new AddedToken(
        RequiredString(obj, "content", file, where),
        id,
        special,
        OptionalBool(obj, "normalized", file, where) ?? !special,
        OptionalBool(obj, "lstrip", file, where) ?? false,
        OptionalBool(obj, "rstrip", file, where) ?? false,
        OptionalBool(obj, "single_word", file, where) ?? false);
    }
}
