using System.CommandLine;
using System.Text.RegularExpressions;

namespace SyncLog.Cli;

/// <summary>Rewrites System.CommandLine's parse errors into one line that names the option and what it accepts.</summary>
internal static partial class ParseErrors
{
    /// <summary>The most useful of <paramref name="parse"/>'s errors, without .NET type names.</summary>
    public static string Describe(RootCommand root, ParseResult parse)
    {
        var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
        if (parse.CommandResult.Command == root)
        {
            var unknown = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
            if (unknown is not null)
                return $"unknown command '{unknown}'; commands are {commands} (see 'synclog --help')";
            if (parse.UnmatchedTokens.Count == 0)
                return $"no command given; commands are {commands} (see 'synclog --help')";
        }

        // "Required command was not provided" is a consequence of the real error when another one exists.
        var error = parse.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal))
                    ?? parse.Errors[0];
        return $"{Rewrite(error.Message)} (see 'synclog {parse.CommandResult.Command.Name} --help')"
            .Replace("'synclog synclog --help'", "'synclog --help'", StringComparison.Ordinal);
    }

    private static string Rewrite(string message)
    {
        var cannotParse = CannotParse().Match(message);
        if (cannotParse.Success)
            return $"{cannotParse.Groups["option"].Value} must be {Kind(cannotParse.Groups["type"].Value)}, got '{cannotParse.Groups["value"].Value}'";
        var required = Required().Match(message);
        if (required.Success)
            return $"{required.Groups["option"].Value} is required";
        var missing = MissingValue().Match(message);
        if (missing.Success)
            return $"{missing.Groups["option"].Value} needs a value";
        var repeated = Repeated().Match(message);
        if (repeated.Success)
            return $"{repeated.Groups["option"].Value} is given {repeated.Groups["count"].Value} times; give it once";
        var unrecognized = Unrecognized().Match(message);
        if (unrecognized.Success)
            return $"unknown option or argument '{unrecognized.Groups["token"].Value}'";
        return message.TrimEnd('.');
    }

    private static string Kind(string type) =>
        type.Contains("Guid", StringComparison.Ordinal) ? "a library UUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301"
        : type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : "a valid value";

    [GeneratedRegex("Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();

    [GeneratedRegex("Option '(?<option>[^']*)' is required")]
    private static partial Regex Required();

    [GeneratedRegex("Required argument missing for option: '(?<option>[^']*)'")]
    private static partial Regex MissingValue();

    [GeneratedRegex("Option '(?<option>[^']*)' expects a single argument but (?<count>[0-9]+) were provided")]
    private static partial Regex Repeated();

    [GeneratedRegex("Unrecognized command or argument '(?<token>.*)'")]
    private static partial Regex Unrecognized();
}
