namespace Guanjia.Core.Tests;

/// <summary>Finds files of the repository (config/) and the shared data next to it, from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string CommunityYaml => Path.Combine(Root, "config", "community.yaml");

    public static string TriageKnowledge => Path.Combine(Root, "config", "triage");

    /// <summary>The labelled dev reports: <c>&lt;repo&gt;/../shared</c> first, then <c>/work/shared</c>.</summary>
    public static string DevReports
    {
        get
        {
            string[] candidates =
            [
                Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "reports.dev.jsonl")),
                "/work/shared/data/reports.dev.jsonl",
            ];
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"reports.dev.jsonl not found; tried {string.Join(", ", candidates)}");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Guanjia.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Guanjia.sln not found above " + AppContext.BaseDirectory);
    }
}
