using System.Text;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class BotCallbackParserTests
{
    private const string Common = """
        "msgid": "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
        "aibotid": "AIBOTID",
        "chatid": "wrkSFfCgAAxxxx",
        "chattype": "group",
        "from": { "userid": "zhangsan" },
        "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC",
        """;

    private const string Single = """
        "msgid": "m-single-1",
        "aibotid": "AIBOTID",
        "chattype": "single",
        "from": { "userid": "lisi" },
        "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC2",
        """;

    private static BotMessage Parse(string json)
    {
        var ok = BotCallbackParser.TryParseMessage(json, out var message, out var error);
        Assert.True(ok, $"parse failed: {error}");
        return message!;
    }

    [Fact]
    public void TryReadEnvelope_WithEncrypt_ReturnsIt()
    {
        var ok = BotCallbackParser.TryReadEnvelope("""{"encrypt":"abc+/=="}""", out var envelope, out var error);

        Assert.True(ok);
        Assert.Equal(CallbackParseError.None, error);
        Assert.Equal("abc+/==", envelope!.Encrypt);
    }

    [Fact]
    public void TryReadEnvelope_FromUtf8BytesWithCapitalKeyAndExtraFields_ReturnsEncrypt()
    {
        var body = Encoding.UTF8.GetBytes("""{"Encrypt":"xyz","extra":{"a":[1,2]}}""");

        Assert.True(BotCallbackParser.TryReadEnvelope(body, out var envelope, out _));
        Assert.Equal("xyz", envelope.Encrypt);
    }

    [Fact]
    public void TryReadEnvelope_WithUtf8Bom_ReturnsEncrypt()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"encrypt":"abc"}""")];

        Assert.True(BotCallbackParser.TryReadEnvelope(body, out var envelope, out _));
        Assert.Equal("abc", envelope.Encrypt);
    }

    [Theory]
    [InlineData("{}", CallbackParseError.MissingField)]
    [InlineData("""{"encrypt":""}""", CallbackParseError.MissingField)]
    [InlineData("""{"encrypt":""", CallbackParseError.Malformed)]
    [InlineData("""{"encrypt":42}""", CallbackParseError.Malformed)]
    [InlineData("<xml/>", CallbackParseError.Malformed)]
    [InlineData("", CallbackParseError.Empty)]
    public void TryReadEnvelope_WithBadBody_ReturnsTypedError(string body, CallbackParseError expected)
    {
        Assert.False(BotCallbackParser.TryReadEnvelope(body, out var envelope, out var error));
        Assert.Null(envelope);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryReadEnvelope_OverCap_ReturnsTooLarge()
    {
        var body = "{\"encrypt\":\"" + new string('A', CallbackLimits.MaxBodyBytes) + "\"}";

        Assert.False(BotCallbackParser.TryReadEnvelope(body, out _, out var stringError));
        Assert.False(BotCallbackParser.TryReadEnvelope(Encoding.UTF8.GetBytes(body), out _, out var bytesError));

        Assert.Equal(CallbackParseError.TooLarge, stringError);
        Assert.Equal(CallbackParseError.TooLarge, bytesError);
    }

    [Fact]
    public void TryParseMessage_GroupText_ReturnsCommonFieldsAndStrippedContent()
    {
        var msg = Parse("{" + Common + """
            "msgtype": "text",
            "text": { "content": "@小巷管家 74号院3单元楼道灯坏了" },
            "unknown_future_field": { "x": 1 }
            }
            """);

        Assert.Equal("CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=", msg.MsgId);
        Assert.Equal("AIBOTID", msg.AiBotId);
        Assert.Equal("wrkSFfCgAAxxxx", msg.ChatId);
        Assert.Equal(BotChatType.Group, msg.ChatType);
        Assert.Equal(new BotSender("zhangsan", null), msg.From);
        Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC", msg.ResponseUrl);
        Assert.Equal("text", msg.MsgType);
        Assert.Null(msg.CreateTime);
        Assert.Null(msg.Quote);
        var text = Assert.IsType<BotTextPayload>(msg.Payload);
        Assert.Equal("@小巷管家 74号院3单元楼道灯坏了", text.Content);
        Assert.Equal("74号院3单元楼道灯坏了", text.ContentWithoutMention);
    }

    [Fact]
    public void TryParseMessage_SingleImage_HasNoChatIdAndReturnsUrl()
    {
        var msg = Parse("{" + Single + """ "msgtype": "image", "image": { "url": "https://ww-aibot-img.example/abc?sign=1" } }""");

        Assert.Null(msg.ChatId);
        Assert.Equal(BotChatType.Single, msg.ChatType);
        Assert.Equal(new BotImagePayload("https://ww-aibot-img.example/abc?sign=1", null), msg.Payload);
    }

    [Fact]
    public void TryParseMessage_Mixed_ReturnsItemsAndTextWithoutMention()
    {
        var msg = Parse("{" + Common + """
            "msgtype": "mixed",
            "mixed": { "msg_item": [
              { "msgtype": "text", "text": { "content": "@小巷管家　井盖丢了" } },
              { "msgtype": "image", "image": { "url": "https://img.example/1" } },
              { "msgtype": "text", "text": { "content": "在74号院门口" } }
            ] }
            }
            """);

        var mixed = Assert.IsType<BotMixedPayload>(msg.Payload);
        Assert.Equal(3, mixed.Items.Count);
        Assert.Equal(new BotMixedItem("image", null, "https://img.example/1", null), mixed.Items[1]);
        Assert.Equal("井盖丢了\n在74号院门口", mixed.TextWithoutMention);
        Assert.Equal(["https://img.example/1"], mixed.ImageUrls);
    }

    [Fact]
    public void TryParseMessage_Voice_ReturnsTranscript()
    {
        var msg = Parse("{" + Single + """ "msgtype": "voice", "voice": { "content": "垃圾没人收" } }""");

        Assert.Equal(new BotVoicePayload("垃圾没人收"), msg.Payload);
    }

    [Fact]
    public void TryParseMessage_FileAndVideo_ReturnUrlAndAesKey()
    {
        var file = Parse("{" + Single + """ "msgtype": "file", "file": { "url": "https://f.example/1" } }""");
        var video = Parse("{" + Single + """ "msgtype": "video", "video": { "url": "https://v.example/1", "aeskey": "k2V5" } }""");

        Assert.Equal(new BotFilePayload("https://f.example/1", null), file.Payload);
        Assert.Equal(new BotVideoPayload("https://v.example/1", "k2V5"), video.Payload);
    }

    [Fact]
    public void TryParseMessage_TextWithQuote_ReturnsQuotedPayload()
    {
        var msg = Parse("{" + Common + """
            "msgtype": "text",
            "text": { "content": "@小巷管家 这个修好了吗" },
            "quote": { "msgtype": "mixed", "mixed": { "msg_item": [ { "msgtype": "text", "text": { "content": "水管爆了" } } ] } }
            }
            """);

        Assert.NotNull(msg.Quote);
        Assert.Equal("mixed", msg.Quote.MsgType);
        var quoted = Assert.IsType<BotMixedPayload>(msg.Quote.Payload);
        Assert.Equal("水管爆了", quoted.TextWithoutMention);
    }

    [Fact]
    public void TryParseMessage_StreamRefresh_ReturnsStreamId()
    {
        var msg = Parse("{" + Common + """ "msgtype": "stream", "stream": { "id": "STREAMID-42" } }""");

        Assert.Equal(new BotStreamRefreshPayload("STREAMID-42"), msg.Payload);
    }

    [Fact]
    public void TryParseMessage_EnterChat_ReturnsEventWithCreateTimeAndCorp()
    {
        var msg = Parse("""
            {"msgid":"e1","create_time":1700000000,"aibotid":"AIBOTID","from":{"corpid":"wpCORP","userid":"lisi"},
             "chattype":"single","msgtype":"event","event":{"eventtype":"enter_chat"}}
            """);

        Assert.IsType<BotEnterChatEvent>(msg.Payload);
        Assert.Equal(1700000000, msg.CreateTime);
        Assert.Equal(new BotSender("lisi", "wpCORP"), msg.From);
        Assert.Null(msg.ResponseUrl);
    }

    [Fact]
    public void TryParseMessage_TemplateCardEvent_ReturnsCardFieldsAndSelections()
    {
        var msg = Parse("{" + Single + """
            "create_time": "1700000001",
            "msgtype": "event",
            "event": {
              "eventtype": "template_card_event",
              "template_card_event": {
                "card_type": "vote_interaction",
                "event_key": "submit",
                "task_id": "task_T42",
                "selected_items": { "selected_item": [
                  { "question_key": "q1", "option_ids": { "option_id": ["a", "b"] } }
                ] }
              }
            }
            }
            """);

        var card = Assert.IsType<BotTemplateCardEvent>(msg.Payload);
        Assert.Equal(("vote_interaction", "submit", "task_T42"), (card.CardType, card.EventKey, card.TaskId));
        var item = Assert.Single(card.SelectedItems);
        Assert.Equal("q1", item.QuestionKey);
        Assert.Equal(["a", "b"], item.OptionIds);
        Assert.Equal(1700000001, msg.CreateTime);
    }

    [Fact]
    public void TryParseMessage_FeedbackEvent_ReturnsIdTypeContentAndReasons()
    {
        var msg = Parse("{" + Single + """
            "msgtype": "event",
            "event": { "eventtype": "feedback_event",
              "feedback_event": { "id": "FB-1", "type": 2, "content": "地址不对", "inaccurate_reason_list": [2, 4] } }
            }
            """);

        var feedback = Assert.IsType<BotFeedbackEvent>(msg.Payload);
        Assert.Equal(("FB-1", 2, "地址不对"), (feedback.Id, feedback.Type, feedback.Content));
        Assert.Equal([2, 4], feedback.InaccurateReasons);
    }

    [Fact]
    public void TryParseMessage_UnknownEventType_IsKeptNotAnError()
    {
        var msg = Parse("{" + Single + """ "msgtype": "event", "event": { "eventtype": "disconnected_event" } }""");

        Assert.Equal(new BotUnknownEvent("disconnected_event"), msg.Payload);
    }

    [Fact]
    public void TryParseMessage_UnknownMsgType_IsKeptNotAnError()
    {
        var msg = Parse("{" + Single + """ "msgtype": "location", "location": { "latitude": 1.5 } }""");

        Assert.Equal("location", msg.MsgType);
        Assert.Equal(new BotUnknownPayload("location"), msg.Payload);
    }

    [Theory]
    [InlineData("""{"aibotid":"b","from":{"userid":"u"},"msgtype":"text","text":{"content":"x"}}""")]
    [InlineData("""{"msgid":"m","from":{"userid":"u"},"msgtype":"text","text":{"content":"x"}}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","msgtype":"text","text":{"content":"x"}}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{},"msgtype":"text","text":{"content":"x"}}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"text":{"content":"x"}}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"msgtype":"text"}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"msgtype":"image","image":{}}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"msgtype":"stream","stream":{}}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"msgtype":"event"}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"feedback_event"}}""")]
    public void TryParseMessage_WithMissingRequiredField_ReturnsMissingField(string json)
    {
        Assert.False(BotCallbackParser.TryParseMessage(json, out var message, out var error));
        Assert.Null(message);
        Assert.Equal(CallbackParseError.MissingField, error);
    }

    [Theory]
    [InlineData("""{"msgid":"m",""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":"u","msgtype":"text"}""")]
    [InlineData("""{"msgid":"m","aibotid":"b","from":{"userid":"u"},"msgtype":"text","text":"plain"}""")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("{ \"ToUserName\": \"wx5823bf96d3bd56c7\", \"FromUserName\": :mycreate\" }")]
    public void TryParseMessage_WithMalformedJson_ReturnsMalformed(string json)
    {
        Assert.False(BotCallbackParser.TryParseMessage(json, out _, out var error));
        Assert.Equal(CallbackParseError.Malformed, error);
    }

    [Fact]
    public void TryParseMessage_WithDeepNesting_ReturnsMalformedInsteadOfThrowing()
    {
        var json = "{\"msgid\":\"m\",\"x\":" + new string('[', 200) + new string(']', 200) + "}";

        Assert.False(BotCallbackParser.TryParseMessage(json, out _, out var error));
        Assert.Equal(CallbackParseError.Malformed, error);
    }

    [Fact]
    public void TryParseMessage_OverCap_ReturnsTooLarge()
    {
        var json = "{\"msgid\":\"" + new string('m', CallbackLimits.MaxBodyBytes) + "\"}";

        Assert.False(BotCallbackParser.TryParseMessage(json, out _, out var error));
        Assert.Equal(CallbackParseError.TooLarge, error);
    }
}
