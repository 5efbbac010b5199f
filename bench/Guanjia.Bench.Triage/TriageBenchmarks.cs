using BenchmarkDotNet.Attributes;
using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Bench.Triage;

// Triage of one report with the shipped model, against the place resolution alone (what every
// triage did before a model was involved) measured in the same run.
// Run from the repository root: dotnet run -c Release --project bench/Guanjia.Bench.Triage -- --filter '*Triage*' --job short
[MemoryDiagnoser]
public class TriageBenchmarks
{
    private static readonly string[] Reports =
    [
        "74号院门口垃圾桶满了，溢出来一地",
        "钱局街18号院楼道里有人给电动车充电，插线板从屋里拉出来的",
        "青云街45号院门口有人摆摊卖烧烤，油烟很大",
        "建设路52号院有股很浓的煤气味 好像是4楼传出来的",
        "我们院子后面那个下水道井盖不见了，晚上看不见很危险，麻烦尽快处理一下谢谢",
        "楼上天天半夜蹦迪吵得睡不着",
        "126号院地下室好多老鼠🐭",
        "文林街那边路灯坏了好几盏",
    ];

    private TicketTriage _triage = null!;
    private PlaceResolver _places = null!;
    private Person _reporter = null!;
    private CommunityInfo _community = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var root = FindRoot();
        var config = CommunityConfigLoader.Load(Path.Combine(root, "config", "community.yaml"));
        _triage = TicketTriage.Create(config, Path.Combine(root, "config", "triage"));
        _triage.WhenReady.GetAwaiter().GetResult();
        _places = new PlaceResolver(config);
        _reporter = config.FindPerson("lihua")!;
        _community = config.FindCommunity(_reporter.CommunityId!)!;
    }

    [Benchmark(Baseline = true)]
    public Compound? PlaceOnly() => _places.Resolve(Reports[_next++ % Reports.Length], _reporter, _community);

    [Benchmark]
    public TriageResult Triage() => _triage.Triage(Reports[_next++ % Reports.Length], _reporter, _community);

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Guanjia.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Run from inside the repository (Guanjia.sln not found).");
    }
}
