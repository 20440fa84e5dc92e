using System.CommandLine;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// Options spelled as LocalRQA spells them (`--model_name_or_path`), with the kebab-case alias
/// (`--model-name-or-path`) that .NET users expect.
/// </summary>
public static class Flags
{
    public static Option<T> Create<T>(string snakeName, string description, Func<T>? defaultValue = null)
    {
        var aliases = snakeName.Contains('_') ? new[] { snakeName.Replace('_', '-') } : [];
        var option = new Option<T>(snakeName, aliases) { Description = description };
        if (defaultValue != null) option.DefaultValueFactory = _ => defaultValue();
        return option;
    }

    /// <summary>
    /// A boolean flag that takes a value (`--normalize false`) or none (`--normalize` means true), as
    /// HfArgumentParser's flags do. It is a string option underneath: System.CommandLine leaves a bad value of
    /// a bool option unconsumed and blames it as a stray argument; here it is reported for what it is.
    /// </summary>
    public static Option<string?> Boolean(string snakeName, string description)
    {
        var option = Create<string?>(snakeName, description + " (true|false)");
        option.Arity = ArgumentArity.ZeroOrOne;
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && ParseBool(result.Tokens[0].Value) is null)
                result.AddError($"{snakeName}: expected true or false, got '{result.Tokens[0].Value}'");
        });
        return option;
    }

    /// <summary>The value of a <see cref="Boolean"/> flag: null when absent, true when given without a value.</summary>
    public static bool? GetBoolean(this ParseResult result, Option<string?> option)
    {
        var found = result.GetResult(option);
        if (found is null || found.Implicit) return null;
        return found.Tokens.Count == 0 || ParseBool(found.Tokens[0].Value)!.Value;
    }

    static bool? ParseBool(string token) => token.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };
}
