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

    /// <summary>A boolean flag that takes a value (`--normalize false`), as HfArgumentParser flags do.</summary>
    public static Option<bool?> Boolean(string snakeName, string description)
    {
        var option = Create<bool?>(snakeName, description);
        option.CustomParser = result =>
        {
            var token = result.Tokens.Count == 0 ? "true" : result.Tokens[0].Value;
            switch (token.ToLowerInvariant())
            {
                case "true" or "1" or "yes": return true;
                case "false" or "0" or "no": return false;
                default:
                    result.AddError($"{snakeName}: expected true or false, got '{token}'");
                    return null;
            }
        };
        return option;
    }
}
