using System.CommandLine;
using System.Text.RegularExpressions;
using SyncLog.Storage;

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
        {
            var option = cannotParse.Groups["option"].Value;
            var value = cannotParse.Groups["value"].Value;
            // A whole number that does not fit is out of range, not malformed: say which numbers the option takes.
            if (WholeNumber().IsMatch(value) && RangeOf(option) is { } range)
                return $"{option} must be {range}, got {value}";
            return $"{option} must be {Kind(cannotParse.Groups["type"].Value)}, got '{value}'";
        }
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

    /// <summary>The numbers each numeric option takes, as the commands check them once parsed.</summary>
    private static string? RangeOf(string option) => option switch
    {
        "--limit" => $"between 1 and {SyncLogDb.MaxFetchLimit}",
        "--since" or "--to" => $"between 0 and {EntryValidator.MaxSequence} (2^53-1)",
        "--lines" or "-n" => $"between 1 and {SyncLogDb.MaxFetchLimit}",
        "--term" or "--version" => $"between 1 and {EntryValidator.MaxSequence} (2^53-1)",
        _ => null,
    };

    private static string Kind(string type) =>
        type.Contains("Guid", StringComparison.Ordinal) ? "a library UUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301"
        : type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : "a valid value";

    [GeneratedRegex("Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex("Option '(?<option>[^']*)' is required")]
    private static partial Regex Required();

    [GeneratedRegex("Required argument missing for option: '(?<option>[^']*)'")]
    private static partial Regex MissingValue();

    [GeneratedRegex("Option '(?<option>[^']*)' expects a single argument but (?<count>[0-9]+) were provided")]
    private static partial Regex Repeated();

    [GeneratedRegex("Unrecognized command or argument '(?<token>.*)'")]
    private static partial Regex Unrecognized();
}
