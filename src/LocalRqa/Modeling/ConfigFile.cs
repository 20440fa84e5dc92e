using System.Text.Json;
using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Modeling;

/// <summary>Reads a model folder's config.json into a typed config, with one-line errors naming the file.</summary>
internal static class ConfigFile
{
    public const string Name = "config.json";

    static readonly JsonSerializerOptions Options = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString };

    public static JsonObject ReadObject(string folder)
    {
        var path = Path.Combine(folder, Name);
        if (!File.Exists(path)) throw new RqaException($"{folder}: not a model folder ({Name} is missing)");
        return JsonFile.ReadObject(path);
    }

    public static T Read<T>(string folder)
    {
        var path = Path.Combine(folder, Name);
        var obj = ReadObject(folder);
        try { return obj.Deserialize<T>(Options) ?? throw new RqaException($"{path}: empty"); }
        catch (JsonException e) { throw new RqaException($"{path}: field {e.Path?.TrimStart('$', '.')} has a wrong type: {e.Message.Split('.')[0]}"); }
    }

    /// <summary>A size field of a config.json that must be positive; the message names the file and the field.</summary>
    public static void RequirePositive(string source, string field, int value)
    {
        if (value <= 0) throw new RqaException($"{source}: {field} must be positive, got {value}");
    }
}
