using BenchmarkDotNet.Attributes;
using Guanjia.Core.Community;
using Guanjia.Core.Messages;
using Guanjia.Core.Triage;

namespace Guanjia.Bench.Triage;

// The triage work one incoming report costs from message to ticket. Before: the classifier triaged for the
// urgency veto of small talk, for IsNewProblem when the sender had reported in the merge window, and for
// IsSmallTalk on short texts, then the report handler triaged again. After: one triage (with the conversation
// gate's model) that the decision carries to the handler. The same eight reports, same run.
// Run from the repository root: dotnet run -c Release --project bench/Guanjia.Bench.Triage -- --filter '*MessageTriage*' --job short --inProcess
[MemoryDiagnoser]
public class MessageTriageBenchmarks
{
    private static readonly string[] Reports =
    [
        "74号院门口垃圾桶满了，溢出来一地",
        "钱局街18号院楼道里有人给电动车充电，插线板从屋里拉出来的",
        "青云街45号院门口有人摆摊卖烧烤，油烟很大",
        "建设路52号院有股很浓的煤气味 好像是4楼传出来的",
        "我们院子后面那个下水道井盖不见了，晚上看不见很危险，麻烦尽快处理一下谢谢",
        "楼上天天半夜蹦迪吵得睡不着",
        "垃圾桶爆了",
        "文林街那边路灯坏了好几盏",
    ];

    private TicketTriage _triage = null!;
    private Person _reporter = null!;
    private CommunityInfo _community = null!;
    private int _next;

    /// <summary>The sender reported within the merge window (the classifier asks whether this is a new problem).</summary>
    [Params(false, true)]
    public bool AfterARecentReport { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var root = TriageBenchmarks.FindRoot();
        var config = CommunityConfigLoader.Load(Path.Combine(root, "config", "community.yaml"));
        _triage = TicketTriage.Create(config, Path.Combine(root, "config", "triage"));
        _triage.WhenReady.GetAwaiter().GetResult();
        _reporter = config.FindPerson("lihua")!;
        _community = config.FindCommunity(_reporter.CommunityId!)!;
    }

    [Benchmark(Baseline = true)]
    public TriageResult Before()
    {
        var text = Reports[_next++ % Reports.Length];
        if (ConversationRecognizer.TryRecognize(text, out _))
        {
            _ = _triage.Triage(text, _reporter, _community);
        }

        if (AfterARecentReport)
        {
            _ = _triage.Triage(text, _reporter, _community);
        }

        if (text.Length <= 16 && !ConversationRecognizer.SpeaksOfAProblem(text))
        {
            _ = _triage.Triage(text, _reporter, _community);
        }

        return _triage.Triage(text, _reporter, _community);
    }

    [Benchmark]
    public TriageResult Once() => _triage.Triage(Reports[_next++ % Reports.Length], _reporter, _community, conversation: true);
}
