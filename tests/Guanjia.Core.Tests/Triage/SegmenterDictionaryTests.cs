using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Triage;

public sealed class SegmenterDictionaryTests(TriageFixture fixture) : IClassFixture<TriageFixture>
{
    [Fact]
    public void Cut_KeepsSingleCharactersCorpusWordsAndFrequentWords_AndTheirTotal()
    {
        string[] full = ["垃 30 n", "垃圾 500 n", "垃圾桶 40 n", "垃圾袋 12 n", "井盖 7 n", "一马当先 3 i"];

        var cut = SegmenterDictionary.Cut(full, ["楼下垃圾桶满了"], minFrequency: 100).ToList();

        Assert.Equal(["垃 30 n", "垃圾 500 n", "垃圾桶 40 n", $"{SegmenterDictionary.RemovedWords} 22"], cut);
        Assert.Equal(full.Sum(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)), cut.Sum(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void ShippedDictionary_IsJiebasCutForTheCurrentCorpus()
    {
        var full = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "jieba", "dict.txt"));
        var texts = fixture.Knowledge.Examples.Select(e => TextNormalizer.Normalize(e.Text));
        var shipped = File.ReadAllLines(Path.Combine(RepoPaths.Root, "Guanjia.Core", "Resources", "dict.txt"));

        Assert.True(
            SegmenterDictionary.Cut(full, texts).SequenceEqual(shipped),
            "Guanjia.Core/Resources/dict.txt is stale: the corpus changed. Cut it again: dotnet run -c Release --project bench/Guanjia.Bench.Triage -- memory --dictionary");
    }
}
