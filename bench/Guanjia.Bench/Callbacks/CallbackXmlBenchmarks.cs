using BenchmarkDotNet.Attributes;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.Bench.Callbacks;

// Issue 12 item 2: a 700 KB envelope of 100,000 nested elements took seconds to refuse (XDocument.Load
// is quadratic in depth). Refusing it must cost no more than reading a well-formed envelope of the
// same size; the baseline is an ordinary ~1 KB envelope.
// Run: dotnet run -c Release --project bench/Guanjia.Bench -- --filter '*CallbackXml*' --job short
[MemoryDiagnoser]
public class CallbackXmlBenchmarks
{
    private readonly string _small =
        "<xml><ToUserName><![CDATA[ww1234567890abcdef]]></ToUserName><Encrypt><![CDATA[" + new string('A', 1024) + "]]></Encrypt><AgentID>1000002</AgentID></xml>";

    private readonly string _deep = Nested(100_000, closed: true);

    private readonly string _open = Nested(200_000, closed: false);

    private readonly string _attributes =
        "<xml " + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"a{i}=\"\" ")) + "><Encrypt>abc</Encrypt></xml>";

    private readonly string _flat;

    public CallbackXmlBenchmarks() =>
        _flat = "<xml><ToUserName>ww1</ToUserName><Encrypt>" + new string('A', _deep.Length - 60) + "</Encrypt></xml>";

    [Benchmark(Baseline = true)]
    public bool Envelope_1KB() => AppCallbackParser.TryReadEnvelope(_small, out _, out _);

    [Benchmark]
    public bool Envelope_Flat700KB() => AppCallbackParser.TryReadEnvelope(_flat, out _, out _);

    [Benchmark]
    public bool Refuse_Deep100kClosed700KB() => AppCallbackParser.TryReadEnvelope(_deep, out _, out _);

    [Benchmark]
    public bool Refuse_Deep200kUnclosed600KB() => AppCallbackParser.TryReadEnvelope(_open, out _, out _);

    [Benchmark]
    public bool Refuse_Attributes60k660KB() => AppCallbackParser.TryReadEnvelope(_attributes, out _, out _);

    [Benchmark]
    public bool Refuse_DeepInnerMessage700KB() => AppMessageParser.TryParse(_deep, out _, out _);

    private static string Nested(int depth, bool closed) =>
        "<xml>" + string.Concat(Enumerable.Repeat("<a>", depth)) + (closed ? string.Concat(Enumerable.Repeat("</a>", depth)) + "</xml>" : "");
}
