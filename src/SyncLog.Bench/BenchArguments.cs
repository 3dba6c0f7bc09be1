using System.Text.RegularExpressions;

namespace SyncLog.Bench;

/// <summary>Rewrites System.CommandLine's parse errors into what the bench's options take, without .NET type names.</summary>
internal static partial class BenchArguments
{
    /// <summary>The error as one line that names the option and, for a value that is not a number, what it takes.</summary>
    public static string Describe(string message)
    {
        if (CannotParse().Match(message) is { Success: true } cannotParse)
        {
            var option = cannotParse.Groups["option"].Value;
            var takes = option == "--sections" ? $"whole numbers between 1 and {BenchOptions.LastSection}" : $"a whole number between 1 and {int.MaxValue}";
            return $"{option} must be {takes}, got '{cannotParse.Groups["value"].Value}'";
        }

        if (MissingValue().Match(message) is { Success: true } missing)
            return $"{missing.Groups["option"].Value} needs a value";
        if (Unrecognized().Match(message) is { Success: true } unrecognized)
            return $"unknown option or argument '{unrecognized.Groups["token"].Value}'";
        return message.TrimEnd('.');
    }

    [GeneratedRegex("^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type")]
    private static partial Regex CannotParse();

    [GeneratedRegex("^Required argument missing for option: '(?<option>[^']+)'")]
    private static partial Regex MissingValue();

    [GeneratedRegex("^Unrecognized command or argument '(?<token>.*)'")]
    private static partial Regex Unrecognized();
}
