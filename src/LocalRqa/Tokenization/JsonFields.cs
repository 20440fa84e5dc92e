using System.Text.Json;

namespace LocalRqa.Tokenization;

/// <summary>Typed reads from tokenizer JSON files that fail with a one-line message naming the file and the field.</summary>
internal static class JsonFields
{
    public static JsonDocument Parse(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
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

    public static JsonElement Required(JsonElement obj, string name, string file, string where)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null) return v;
        throw new RqaException($"{file}: {where}.{name} is missing");
    }

    public static string RequiredString(JsonElement obj, string name, string file, string where)
    {
        var v = Required(obj, name, file, where);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new RqaException($"{file}: {where}.{name} must be a string");
    }

    public static int RequiredInt(JsonElement obj, string name, string file, string where)
    {
        var v = Required(obj, name, file, where);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new RqaException($"{file}: {where}.{name} must be an integer");
    }

    public static string? OptionalString(JsonElement obj, string name, string file, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new RqaException($"{file}: {where}.{name} must be a string");
    }

    public static bool? OptionalBool(JsonElement obj, string name, string file, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new RqaException($"{file}: {where}.{name} must be true or false");
    }

    public static int? OptionalInt(JsonElement obj, string name, string file, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new RqaException($"{file}: {where}.{name} must be an integer");
    }

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
