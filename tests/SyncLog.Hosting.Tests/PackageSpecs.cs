using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace SyncLog.Hosting.Tests;

/// <summary>What the packages ship: metadata, readme, the HOCON defaults, and a .NET tool that installs as synclog.</summary>
public sealed class PackageSpecs(PackedPackages packages) : IClassFixture<PackedPackages>, IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "synclog-package-specs", Guid.NewGuid().ToString("N"));

    public void Dispose() => TempDirs.Remove(_scratch);

    [Theory]
    [InlineData("SyncLog.Storage")]
    [InlineData("SyncLog.Actors")]
    [InlineData("SyncLog.Hosting")]
    [InlineData("SyncLog.Cli")]
    public void Each_package_carries_its_metadata_readme_and_the_one_version(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Folder, $"{id}.{packages.Version}.nupkg"));
        var metadata = Metadata(package, id);

        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(typeof(Actors.SyncLogClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('+')[0], Value(metadata, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Contains("akka", Value(metadata, "tags"), StringComparison.Ordinal);
        Assert.NotNull(package.GetEntry("README.md"));
    }

    [Fact]
    public void The_actors_package_embeds_the_hocon_defaults_and_ships_the_file()
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Folder, $"SyncLog.Actors.{packages.Version}.nupkg"));
        var dll = Path.Combine(_scratch, "SyncLog.Actors.dll");
        Directory.CreateDirectory(_scratch);
        package.GetEntry("lib/net10.0/SyncLog.Actors.dll")!.ExtractToFile(dll);

        var embedded = Assembly.LoadFile(dll).GetManifestResourceNames();
        using var shipped = new StreamReader(package.GetEntry("hocon/synclog.hocon")!.Open());

        Assert.Contains("SyncLog.Actors.synclog.hocon", embedded);
        Assert.Contains("max-pending-appends = 50000", shipped.ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_hosting_package_depends_on_the_actors_package_of_the_same_version()
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Folder, $"SyncLog.Hosting.{packages.Version}.nupkg"));
        var dependencies = Metadata(package, "SyncLog.Hosting").Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);

        Assert.Equal(packages.Version, dependencies["SyncLog.Actors"]);
        Assert.Equal("1.5.74", dependencies["Akka.Hosting"]);
    }

    [Fact]
    public async Task The_tool_installs_as_synclog_and_runs_the_demo()
    {
        var toolPath = Path.Combine(_scratch, "tools");
        Directory.CreateDirectory(_scratch);
        // Only the local folder as a source, and a package cache of its own: the tool package bundles its dependencies,
        // so this needs no registry, and an older SyncLog.Cli of the same version in the user's cache cannot stand in.
        var config = Path.Combine(_scratch, "nuget.config");
        await File.WriteAllTextAsync(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """, TestContext.Current.CancellationToken);
        var isolatedCache = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_scratch, "nuget-cache") };

        var install = await PackedPackages.RunWith(_scratch, TimeSpan.FromMinutes(2), isolatedCache, "tool", "install",
            "--tool-path", toolPath, "--configfile", config, "--add-source", packages.Folder, "--version", packages.Version,
            "SyncLog.Cli");
        Assert.True(install.ExitCode == 0, install.Output);

        var synclog = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "synclog.exe" : "synclog");
        var demo = await PackedPackages.RunProcess(synclog, _scratch, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["SYNCLOG_DATA_DIR"] = "" }, "demo", "--temp");

        Assert.True(demo.ExitCode == 0, demo.Output);
        Assert.Contains("demo verified", demo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_project_restores_the_hosting_package_and_runs_on_the_embedded_defaults()
    {
        var project = Path.Combine(_scratch, "consumer");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SyncLog.Hosting" Version="[{packages.Version}]" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="{typeof(Microsoft.Extensions.Hosting.Host).Assembly.GetName().Version!.ToString(3)}" />
              </ItemGroup>
            </Project>
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), ConsumerProgram, TestContext.Current.CancellationToken);
        // The packages' own dependencies come from the machine's package cache (as restored for this repo), else from
        // the configured registry; SyncLog.* come from the packed folder into a cache of this spec's own.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                             ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><add key="synclog-packed" value="{packages.Folder}" /></packageSources>
              <fallbackPackageFolders><add key="machine-cache" value="{globalPackages}" /></fallbackPackageFolders>
            </configuration>
            """, TestContext.Current.CancellationToken);
        var isolatedCache = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_scratch, "nuget-cache") };

        var restore = await PackedPackages.RunWith(project, TimeSpan.FromMinutes(2), isolatedCache, "restore",
            "--ignore-failed-sources", "-nologo");
        Assert.True(restore.ExitCode == 0, restore.Output);
        var run = await PackedPackages.RunWith(project, TimeSpan.FromMinutes(2), isolatedCache, "run", "--no-restore", "--",
            Path.Combine(_scratch, "data"));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("retention=30d appended=1", run.Output, StringComparison.Ordinal);
    }

    private const string ConsumerProgram = """
        using Akka.Hosting;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using SyncLog.Actors;
        using SyncLog.Hosting;
        using SyncLog.Storage;

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("consumer", (akka, _) => akka.WithSyncLog(new SyncLogOptions
        {
            DataDir = args[0], DataDirEnvironmentVariable = "", DeviceId = "consumer",
        }));
        using var app = builder.Build();
        await app.StartAsync();
        var log = app.Services.GetRequiredService<ActorRegistry>().GetSyncLogClient();
        var library = Guid.NewGuid();
        await log.ChangeLeadershipAsync(library, "consumer", 1);
        var sequence = await log.AppendAsync(library, new NewSyncLogEntry("consumer", DateTimeOffset.UtcNow, "tag", "r1",
            ChangeType.Insert, "{}"));
        Console.WriteLine($"retention={SyncLogConfig.Defaults.GetString("synclog.retention")} appended={sequence}");
        await app.StopAsync();
        """;

    private static XElement Metadata(ZipArchive package, string id)
    {
        using var nuspec = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().Single(e => e.Name.LocalName == name).Value;
}
