using System.Text.Json.Nodes;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

/// <summary>
/// Every value of several real bot messages replaced by every JSON shape it should not have:
/// the parser answers true or false, never throws (a throw is a 500 at the callback).
/// </summary>
public class BotCallbackParserFuzzTests
{
    private static readonly string[] Seeds =
    [
        """{"msgid":"m1","aibotid":"B","chatid":"c1","chattype":"group","from":{"userid":"u1"},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=R","msgtype":"text","text":{"content":"@小巷管家 74号院灭火器过期"},"quote":{"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"q"}}]}}}""",
        """{"msgid":"m2","aibotid":"B","chattype":"single","from":{"userid":"u1"},"response_url":"https://qyapi.weixin.qq.com/r","msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"楼道堆物"}},{"msgtype":"image","image":{"url":"https://example.invalid/i","aeskey":"k"}}]}}""",
        """{"msgid":"m3","aibotid":"B","chattype":"single","from":{"userid":"u1"},"msgtype":"image","image":{"url":"https://example.invalid/i"}}""",
        """{"msgid":"m4","aibotid":"B","chattype":"single","from":{"userid":"u1","corpid":"ww1"},"create_time":1700000000,"msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"button_interaction","event_key":"accept:12","task_id":"t1","selected_items":{"selected_item":[{"question_key":"q","option_ids":{"option_id":["a","b"]}}]}}}}""",
        """{"msgid":"m5","aibotid":"B","chattype":"single","from":{"userid":"u1"},"create_time":1700000000,"msgtype":"event","event":{"eventtype":"feedback_event","feedback_event":{"id":"f","type":2,"content":"x","inaccurate_reason_list":[1,2]}}}""",
        """{"msgid":"m6","aibotid":"B","chattype":"single","from":{"userid":"u1"},"msgtype":"voice","voice":{"content":"路灯坏了"}}""",
        """{"msgid":"m7","aibotid":"B","chattype":"single","from":{"userid":"u1"},"msgtype":"stream","stream":{"id":"s1"}}""",
    ];

    private static readonly string[] Replacements =
        ["null", "0", "-1", "1.5", "1e400", "\"\"", "\"x\"", "true", "[]", "[null]", "[1,\"a\",{}]", "{}", "{\"a\":null}", "\"\\u0000\""];

    public static TheoryData<int> SeedIndexes() => [.. Enumerable.Range(0, Seeds.Length)];

    [Theory]
    [MemberData(nameof(SeedIndexes))]
    public void TryParseMessage_WithAnyValueReplacedByAWrongShape_NeverThrows(int seed)
    {
        var cases = 0;
        foreach (var path in Paths(JsonNode.Parse(Seeds[seed])!))
        {
            foreach (var replacement in Replacements.Append(Removed))
            {
                var json = Mutate(Seeds[seed], path, replacement);
                var ok = BotCallbackParser.TryParseMessage(json, out var message, out var error);
                cases++;
                if (ok)
                {
                    Assert.False(string.IsNullOrEmpty(message!.MsgId), json);
                    Assert.False(string.IsNullOrEmpty(message.From.UserId), json);
                    Assert.NotNull(message.Payload);
                }
                else
                {
                    Assert.Null(message);
                    Assert.NotEqual(CallbackParseError.None, error);
                }
            }
        }

        Assert.True(cases > 50, $"only {cases} cases");
    }

    [Theory]
    [InlineData("""{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":null}}""")]
    [InlineData("""{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":[null]}}""")]
    [InlineData("""{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":[{}]}}""")]
    [InlineData("""{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"mixed","mixed":null}""")]
    [InlineData("""{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":{"msgtype":"text"}}}""")]
    [InlineData("""{"msgid":"m","aibotid":"B","from":"u","msgtype":"text","text":{"content":"x"}}""")]
    [InlineData("""{"msgid":7,"aibotid":"B","from":{"userid":"u"},"msgtype":"text","text":{"content":"x"}}""")]
    [InlineData("""{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"text","text":{"content":["x"]}}""")]
    [InlineData("""[{"msgid":"m"}]""")]
    [InlineData("null")]
    [InlineData("\"text\"")]
    public void TryParseMessage_WithNullsOrWrongTypes_IsRefusedAsMalformedOrMissing(string json)
    {
        var ok = BotCallbackParser.TryParseMessage(json, out var message, out var error);

        Assert.False(ok);
        Assert.Null(message);
        Assert.Contains(error, new[] { CallbackParseError.Malformed, CallbackParseError.MissingField });
    }

    [Fact]
    public void TryParseMessage_MixedWithANullItemAmongGoodOnes_KeepsTheGoodOnes()
    {
        const string json = """{"msgid":"m","aibotid":"B","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":[null,{"msgtype":"text","text":{"content":"楼道堆物"}},{"msgtype":"image","image":null}]}}""";

        Assert.True(BotCallbackParser.TryParseMessage(json, out var message, out _));
        var mixed = Assert.IsType<BotMixedPayload>(message.Payload);
        Assert.Equal("楼道堆物", mixed.TextWithoutMention);
        Assert.Empty(mixed.ImageUrls);
    }

    private const string Removed = "<removed>";

    private static IEnumerable<string[]> Paths(JsonNode node, string[]? prefix = null)
    {
        prefix ??= [];
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    string[] path = [.. prefix, key];
                    yield return path;
                    if (child is not null)
                    {
                        foreach (var inner in Paths(child, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    string[] path = [.. prefix, "#" + i];
                    yield return path;
                    if (array[i] is { } child)
                    {
                        foreach (var inner in Paths(child, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
        }
    }

    private static string Mutate(string seed, string[] path, string replacement)
    {
        var root = JsonNode.Parse(seed)!;
        var parent = root;
        foreach (var step in path[..^1])
        {
            parent = step.StartsWith('#') ? parent![int.Parse(step[1..], System.Globalization.CultureInfo.InvariantCulture)] : parent![step];
        }

        var last = path[^1];
        var value = replacement == Removed ? null : JsonNode.Parse(replacement);
        if (parent is JsonArray array)
        {
            var index = int.Parse(last[1..], System.Globalization.CultureInfo.InvariantCulture);
            if (replacement == Removed)
            {
                array.RemoveAt(index);
            }
            else
            {
                array[index] = value;
            }
        }
        else
        {
            var obj = parent!.AsObject();
            if (replacement == Removed)
            {
                obj.Remove(last);
            }
            else
            {
                obj[last] = value;
            }
        }

        return root.ToJsonString();
    }
}
