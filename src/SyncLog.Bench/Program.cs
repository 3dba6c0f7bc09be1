using System.CommandLine;
using Spectre.Console;
using SyncLog.Bench;

// synclog-bench: one run, same machine, same entries; prints a table with ratios (see README "Benchmarks").
var quick = new Option<bool>("--quick") { Description = "Tiny sizes (a smoke run, numbers meaningless)" };
var rows = new Option<int?>("--rows") { Description = "Rows per pipelined or batched write scenario (default 100000; closed-loop scenarios write at most 100000)" };
var libraries = new Option<int?>("--libraries") { Description = "Libraries in the many-libraries scenario (default 1000)" };
var inTurn = new Option<int?>("--libraries-in-turn") { Description = "Libraries touched one after another in section 8 (default 10000)" };
var workDir = new Option<string?>("--work-dir") { Description = "Where to put benchmark files (default: a temp dir, removed)" };
var sections = new Option<int[]>("--sections") { Description = "Only these sections, e.g. --sections 3 5 (1, the baseline, always runs)", AllowMultipleArgumentsPerToken = true };
var scenarios = new Option<string[]>("--scenario") { Description = "Only these section-3 scenarios: " + string.Join(", ", BenchOptions.KnownScenarios) + " (producers x in flight, or batch for AppendBatch)", AllowMultipleArgumentsPerToken = true };
scenarios.Validators.Add(result =>
{
    foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
    {
        if (!BenchOptions.KnownScenarios.Contains(name))
            result.AddError($"--scenario must be one of {string.Join(", ", BenchOptions.KnownScenarios)}, got '{name}'");
    }
});
foreach (var count in new[] { rows, libraries, inTurn })
{
    // 0 or fewer would divide the work into nothing and fail deep inside a section, after minutes of earlier ones.
    count.Validators.Add(result =>
    {
        if (WholeNumbers(result) && result.GetValueOrDefault<int?>() is < 1 and var value)
            result.AddError($"{result.Option.Name} must be 1 or more, got {value}");
    });
}

sections.Validators.Add(result =>
{
    foreach (var section in WholeNumbers(result) ? result.GetValueOrDefault<int[]>() ?? [] : [])
    {
        if (section is < 1 or > BenchOptions.LastSection)
            result.AddError($"--sections must be between 1 and {BenchOptions.LastSection}, got {section}");
    }
});
// Not for people: section 11 starts this program again with it to serve the leader from a process of its own.
var catchUpLeader = new Option<string?>(CatchUpLeader.Option) { Hidden = true };
var root = new RootCommand("Benchmarks SyncLogActors against raw SQLite and Akka.Persistence.Sql") { quick, rows, libraries, inTurn, workDir, sections, scenarios, catchUpLeader };
root.Validators.Add(result =>
{
    // --scenario only narrows section 3: with sections that leave it out it would be ignored without a word.
    if (result.GetResult(scenarios) is not null && result.GetValue(sections) is { Length: > 0 } only && !only.Contains(3))
        result.AddError("--scenario picks section 3's scenarios; add 3 to --sections or leave --scenario out");
});
root.SetAction(async (parse, _) =>
{
    if (parse.GetValue(catchUpLeader) is { } leaderDir)
        return await CatchUpLeader.ServeAsync(leaderDir);
    var dir = parse.GetValue(workDir) ?? Path.Combine(Path.GetTempPath(), "synclog-bench-" + Guid.NewGuid().ToString("N"));
    var options = parse.GetValue(quick) ? BenchOptions.Quick(dir) : BenchOptions.Full(dir);
    options = options with
    {
        Rows = parse.GetValue(rows) ?? options.Rows,
        Libraries = parse.GetValue(libraries) ?? options.Libraries,
        LibrariesInTurn = parse.GetValue(inTurn) ?? options.LibrariesInTurn,
        Sections = parse.GetValue(sections) is { Length: > 0 } only ? only.ToHashSet() : null,
        Scenarios = parse.GetValue(scenarios) is { Length: > 0 } picked ? picked.ToHashSet() : null,
    };
    Directory.CreateDirectory(dir);
    try
    {
        // A spinner naming the running section on a terminal; nothing but the table when piped.
        var results = Console.IsOutputRedirected || Console.IsErrorRedirected
            ? await BenchRunner.RunAsync(options, _ => { })
            : await AnsiConsole.Status().StartAsync("starting", context => BenchRunner.RunAsync(options, section => context.Status(section)));
        ResultTable.Print(results, options, Console.Out);
        return 0;
    }
    finally
    {
        if (parse.GetValue(workDir) is null)
            Directory.Delete(dir, recursive: true);
    }
});
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "-?" or "--help"))
{
    // One line, as synclog's own errors are: System.CommandLine would print every error, .NET type names and the help.
    Console.Error.WriteLine($"synclog-bench: {BenchArguments.Describe(parsed.Errors[0].Message)} (see 'synclog-bench --help')");
    return 1;
}

return await parsed.InvokeAsync();

// A value that is not a whole number already has System.CommandLine's own parse error; reading it would throw instead.
static bool WholeNumbers(System.CommandLine.Parsing.OptionResult result) =>
    result.Tokens.All(t => int.TryParse(t.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _));
