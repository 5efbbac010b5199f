using System.Text.Json.Nodes;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Cards;

namespace Guanjia.WeCom.Tests.Cards;

public class TemplateCardTests
{
    private static JsonNode Json(object value) => JsonNode.Parse(WeComJson.SerializeToUtf8Bytes(value, WeComJson.OmitNullOptions))!;

    private static void AssertJson(string expected, object actual)
    {
        var actualNode = Json(actual);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actualNode), actualNode.ToJsonString());
    }

    [Fact]
    public void ButtonInteraction_SerializesAsTheDocumentedExample()
    {
        var card = TemplateCardBuilder.ButtonInteraction()
            .Source("小巷管家", 0)
            .Title("#12 消防 · 已派单", "春城物业")
            .SubTitle("74号院3单元楼道的灭火器过期了")
            .Field("小区", "华山南路74号院")
            .Field("时限", "11-25 09:12")
            .Link("查看工单", new Uri("https://guanjia.example/t/12"))
            .OpensUrl(new Uri("https://guanjia.example/t/12"))
            .Button("接单", new CardEventKey(CardEventKey.Accept, 12), 1)
            .Button("退回", new CardEventKey(CardEventKey.Reject, 12), 2)
            .TaskId("t12_dispatch_1")
            .Build();

        AssertJson("""
            {
              "card_type": "button_interaction",
              "source": { "desc": "小巷管家", "desc_color": 0 },
              "main_title": { "title": "#12 消防 · 已派单", "desc": "春城物业" },
              "sub_title_text": "74号院3单元楼道的灭火器过期了",
              "horizontal_content_list": [
                { "keyname": "小区", "value": "华山南路74号院" },
                { "keyname": "时限", "value": "11-25 09:12" }
              ],
              "jump_list": [ { "title": "查看工单", "type": 1, "url": "https://guanjia.example/t/12" } ],
              "card_action": { "type": 1, "url": "https://guanjia.example/t/12" },
              "button_list": [
                { "text": "接单", "key": "accept:12", "style": 1 },
                { "text": "退回", "key": "reject:12", "style": 2 }
              ],
              "task_id": "t12_dispatch_1"
            }
            """, card);
    }

    [Fact]
    public void TextNotice_WithoutALink_HasACardActionOfTypeZero_AndKeepsEmphasisAndQuote()
    {
        var card = TemplateCardBuilder.TextNotice()
            .Title("本周满意率")
            .Emphasis("96%", "满意率")
            .Quote("回访", "已回访 48 件，满意 46 件")
            .Build();

        AssertJson("""
            {
              "card_type": "text_notice",
              "main_title": { "title": "本周满意率" },
              "emphasis_content": { "title": "96%", "desc": "满意率" },
              "quote_area": { "title": "回访", "quote_text": "已回访 48 件，满意 46 件" },
              "card_action": { "type": 0 }
            }
            """, card);
    }

    [Fact]
    public void VoteInteraction_HasCheckboxAndSubmitButton()
    {
        var card = TemplateCardBuilder.VoteInteraction()
            .Title("#12 办结了，您满意吗？")
            .Checkbox("rate:12", [("1", "满意"), ("2", "基本满意"), ("3", "不满意")])
            .Submit("提交", "rate:12")
            .TaskId("t12_rate")
            .Build();

        AssertJson("""
            {
              "card_type": "vote_interaction",
              "main_title": { "title": "#12 办结了，您满意吗？" },
              "checkbox": {
                "question_key": "rate:12",
                "option_list": [ { "id": "1", "text": "满意" }, { "id": "2", "text": "基本满意" }, { "id": "3", "text": "不满意" } ],
                "mode": 0
              },
              "submit_button": { "text": "提交", "key": "rate:12" },
              "task_id": "t12_rate"
            }
            """, card);
    }

    [Fact]
    public void MultipleInteraction_HasSelectListAndSubmitButton()
    {
        var card = TemplateCardBuilder.MultipleInteraction()
            .Title("#12 分类不确定")
            .Selection("recat:12", "选择分类", [("fire", "消防"), ("wiring", "飞线充电")])
            .Submit("确定", "recat:12")
            .TaskId("t12_recat")
            .Build();

        AssertJson("""
            {
              "card_type": "multiple_interaction",
              "main_title": { "title": "#12 分类不确定" },
              "select_list": [ {
                "question_key": "recat:12",
                "title": "选择分类",
                "option_list": [ { "id": "fire", "text": "消防" }, { "id": "wiring", "text": "飞线充电" } ]
              } ],
              "submit_button": { "text": "确定", "key": "recat:12" },
              "task_id": "t12_recat"
            }
            """, card);
    }

    [Fact]
    public void Builder_WithLongChineseText_CutsToWeComLimitsWithoutThrowing()
    {
        var longText = string.Concat(Enumerable.Repeat("七十四号院三单元楼道灭火器过期", 20));
        var builder = TemplateCardBuilder.ButtonInteraction()
            .Title(longText, longText)
            .SubTitle(longText)
            .Field("所在小区名称", longText)
            .TaskId("t1");
        for (var i = 0; i < 8; i++)
        {
            builder.Field("字段", "值").Link(longText, new Uri("https://guanjia.example/")).Button(longText, $"accept:{i + 1}");
        }

        var card = builder.Build();

        Assert.Equal(CardText.MainTitle, Elements(card.MainTitle!.Title));
        Assert.EndsWith("…", card.MainTitle.Title, StringComparison.Ordinal);
        Assert.Equal(CardText.MainTitleDesc, Elements(card.MainTitle.Desc));
        Assert.Equal(CardText.SubTitle, Elements(card.SubTitleText));
        Assert.Equal(CardText.HorizontalKey, Elements(card.HorizontalContentList![0].KeyName));
        Assert.Equal(CardText.HorizontalValue, Elements(card.HorizontalContentList[0].Value));
        Assert.Equal(CardText.MaxHorizontalContents, card.HorizontalContentList.Count);
        Assert.Equal(CardText.MaxJumps, card.JumpList!.Count);
        Assert.Equal(CardText.MaxButtons, card.ButtonList!.Count);
        Assert.All(card.ButtonList, b => Assert.Equal(CardText.ButtonText, Elements(b.Text)));
    }

    [Fact]
    public void Fit_NeverSplitsAnEmoji_AndLeavesShortTextAlone()
    {
        var cut = CardText.Fit("灭火器👍👍👍👍👍👍👍👍👍👍", 5);

        Assert.Equal("灭火器👍…", cut);
        Assert.Equal("已接单", CardText.Fit("已接单", 10));
        Assert.Null(CardText.Fit(null, 10));
        Assert.Equal("第一行 第二行", CardText.Fit("第一行\n第二行", 26));
    }

    [Theory]
    [InlineData("t12-1@a_b", true)]
    [InlineData("", false)]
    [InlineData("工单12", false)]
    [InlineData("t 12", false)]
    public void TaskId_AcceptsOnlyWeComsCharacterSet(string taskId, bool valid)
    {
        Assert.Equal(valid, CardText.IsValidTaskId(taskId));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => TemplateCardBuilder.ButtonInteraction().TaskId(taskId));
        }
    }

    [Fact]
    public void TaskId_Over128Bytes_IsInvalid() => Assert.False(CardText.IsValidTaskId(new string('a', 129)));

    [Fact]
    public void InteractiveCard_WithoutTaskId_CannotBeBuilt() =>
        Assert.Throws<InvalidOperationException>(() => TemplateCardBuilder.ButtonInteraction().Button("接单", "accept:1").Build());

    [Fact]
    public void Outcome_ReplacesTheButtonsForEveryone_KeepingTaskIdAndContent()
    {
        var card = TemplateCardBuilder.ButtonInteraction()
            .Title("#12 消防").SubTitle("灭火器过期").Field("小区", "74号院").Quote(null, "原话")
            .Button("接单", "accept:12").Button("退回", "reject:12").TaskId("t12_1").Build();

        var update = CardUpdates.Outcome(card, "已接单", "春城物业 王五");

        AssertJson("""
            {
              "response_type": "update_template_card",
              "template_card": {
                "card_type": "text_notice",
                "main_title": { "title": "#12 消防" },
                "emphasis_content": { "title": "已接单", "desc": "春城物业 王五" },
                "sub_title_text": "灭火器过期",
                "horizontal_content_list": [ { "keyname": "小区", "value": "74号院" } ],
                "card_action": { "type": 0 },
                "task_id": "t12_1"
              }
            }
            """, update);
    }

    [Fact]
    public void Refusal_IsShownOnlyToTheClicker_WithTheButtonsKept()
    {
        var card = TemplateCardBuilder.ButtonInteraction()
            .Title("#12 消防").SubTitle("灭火器过期").Button("接单", "accept:12").TaskId("t12_1").Build();

        var update = CardUpdates.Refusal(card, "只有春城物业的成员可以接单", "zhaoliu");

        Assert.Equal(["zhaoliu"], update.UserIds);
        Assert.Equal("t12_1", update.TemplateCard.TaskId);
        Assert.Equal(card.ButtonList, update.TemplateCard.ButtonList);
        Assert.Equal("⚠ 只有春城物业的成员可以接单\n灭火器过期", update.TemplateCard.SubTitleText);
        Assert.Equal("update_template_card", Json(update)["response_type"]!.GetValue<string>());
    }

    private static int Elements(string? text) => new System.Globalization.StringInfo(text ?? "").LengthInTextElements;
}

public class CardEventKeyTests
{
    [Theory]
    [InlineData("accept:12", "accept", 12, null)]
    [InlineData("rate:12:1", "rate", 12, "1")]
    [InlineData("recat:12:fire", "recat", 12, "fire")]
    [InlineData("merge:12:9", "merge", 12, "9")]
    [InlineData("extend-ok:3", "extend-ok", 3, null)]
    public void TryParse_ReadsActionTicketAndArgument_AndFormatsBackToTheSameKey(string key, string action, int ticket, string? argument)
    {
        Assert.True(CardEventKey.TryParse(key, out var parsed));
        Assert.Equal(new CardEventKey(action, ticket, argument), parsed);
        Assert.Equal(key, parsed.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("accept")]
    [InlineData("accept:")]
    [InlineData("accept:x")]
    [InlineData("accept:0")]
    [InlineData("accept:-1")]
    [InlineData("accept:1:")]
    [InlineData("ACCEPT:1")]
    [InlineData(":12")]
    public void TryParse_RejectsWhatIsNotAGuanjiaKey(string? key) => Assert.False(CardEventKey.TryParse(key, out _));
}

public class CardClickTests
{
    private static BotMessage Parse(string json)
    {
        Assert.True(BotCallbackParser.TryParseMessage(json, out var message, out var error), error.ToString());
        return message;
    }

    [Fact]
    public void TryRead_NestedTemplateCardEvent_AsWeComDocumentsIt()
    {
        var message = Parse("""
            {"msgid":"e1","create_time":1700000000,"aibotid":"aib1","chatid":"wrdept01","chattype":"group",
             "from":{"userid":"wangwu"},"msgtype":"event",
             "event":{"eventtype":"template_card_event","template_card_event":{"card_type":"button_interaction","event_key":"rate:12:1","task_id":"t12_rate"}}}
            """);

        Assert.True(CardClick.TryRead(message, out var click));
        Assert.Equal(new CardClick("wangwu", "wrdept01", "t12_rate", "rate:12:1", new CardEventKey("rate", 12, "1"), "button_interaction"), click);
    }

    [Fact]
    public void TryRead_FlatFieldsOnTheEvent_AsTheSdkTypesShowThem()
    {
        var message = Parse("""
            {"msgid":"e2","aibotid":"aib1","chattype":"single","from":{"userid":"lihua"},"msgtype":"event",
             "event":{"eventtype":"template_card_event","event_key":"confirm:7","task_id":"t7"}}
            """);

        Assert.True(CardClick.TryRead(message, out var click));
        Assert.Equal(new CardEventKey("confirm", 7), click.Key);
        Assert.Equal("t7", click.TaskId);
        Assert.Null(click.ChatId);
    }

    [Fact]
    public void TryRead_KeyOfAnotherSystem_IsAClickWithoutAParsedKey()
    {
        var message = Parse("""
            {"msgid":"e3","aibotid":"aib1","from":{"userid":"lihua"},"msgtype":"event",
             "event":{"eventtype":"template_card_event","template_card_event":{"event_key":"button_a","task_id":"x"}}}
            """);

        Assert.True(CardClick.TryRead(message, out var click));
        Assert.Null(click.Key);
        Assert.Equal("button_a", click.RawKey);
    }

    [Fact]
    public void TryRead_OnAnOrdinaryMessage_IsFalse() =>
        Assert.False(CardClick.TryRead(Parse("""{"msgid":"m","aibotid":"a","from":{"userid":"u"},"msgtype":"text","text":{"content":"hi"}}"""), out _));
}
