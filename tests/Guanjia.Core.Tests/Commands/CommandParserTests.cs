using Guanjia.Core.Commands;

namespace Guanjia.Core.Tests.Commands;

public sealed class CommandParserTests
{
    private static readonly CommandParser Parser = new(CommandTable.All);

    [Theory]
    [InlineData("/接单 153")]
    [InlineData("／接单 153")]
    [InlineData("#接单 153")]
    [InlineData("＃接单 153")]
    [InlineData("接单 153")]
    [InlineData("接单 #153")]
    [InlineData("接单 ＃１５３")]
    [InlineData("接单　１５３")]
    [InlineData("接单153")]
    [InlineData("接单#153")]
    [InlineData("accept 153")]
    [InlineData("/ACCEPT 153")]
    [InlineData("签收 153号")]
    public void Parse_AcceptInEveryAllowedSpelling_GivesAcceptOfTicket153(string text)
    {
        var parse = Parser.Parse(text, null);

        Assert.Equal(ParseOutcome.Command, parse.Outcome);
        Assert.Equal("接单", parse.Command!.Definition.Word);
        Assert.Equal(153, parse.Command.Number(0));
        Assert.Null(parse.Command.Problem);
    }

    [Theory]
    [InlineData("#153 楼道灯坏了")]
    [InlineData("＃153 还没人来处理")]
    [InlineData("确认一下74号院的灭火器是不是过期了")]
    [InlineData("帮助 独居老人买菜的事情谁来管")]
    [InlineData("升级改造后的路灯又不亮了")]
    [InlineData("查询 74号院的垃圾什么时候清运")]
    [InlineData("待办 事项太多了，楼道堆满杂物")]
    [InlineData("74号院门口垃圾满了")]
    [InlineData("help me 74号院漏水")]
    [InlineData("已处理")]
    public void Parse_ReportThatStartsLikeACommand_StaysAReport(string text)
    {
        Assert.Equal(ParseOutcome.NotACommand, Parser.Parse(text, null).Outcome);
    }

    [Fact]
    public void Parse_PrefixedUnknownWord_IsUnknownCommand()
    {
        var parse = Parser.Parse("/吃饭 153", null);

        Assert.Equal(ParseOutcome.Unknown, parse.Outcome);
        Assert.Equal("吃饭", parse.Word);
    }

    [Fact]
    public void Parse_BareNumberCommand_IsCommandMissingTheNumber()
    {
        var parse = Parser.Parse("接单", null);

        Assert.Equal(ParseOutcome.Command, parse.Outcome);
        Assert.Equal("缺少“单号”", parse.Command!.Problem);
    }

    [Fact]
    public void Parse_PrefixedWithWordForNumber_ReportsNumberProblem()
    {
        var parse = Parser.Parse("/接单 七十四", null);

        Assert.Equal(ParseOutcome.Command, parse.Outcome);
        Assert.Contains("应为数字", parse.Command!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReturnWithoutReason_IsMissingTheReason()
    {
        var parse = Parser.Parse("退回 153", null);

        Assert.Equal("缺少“原因”", parse.Command!.Problem);
    }

    [Fact]
    public void Parse_TextArgument_TakesTheRestOfTheMessage()
    {
        var parse = Parser.Parse("退回 153 不归我们管 请改派城管", null);

        Assert.Equal("不归我们管 请改派城管", parse.Command!.Value(1));
    }

    [Fact]
    public void Parse_Merge_ReadsBothNumbers()
    {
        var parse = Parser.Parse("合并 154 #153", null);

        Assert.Equal(154, parse.Command!.Number(0));
        Assert.Equal(153, parse.Command.Number(1));
    }

    [Fact]
    public void Parse_CommandWordQuotingADispatch_UsesTheQuotedNumber()
    {
        var parse = Parser.Parse("接单", "**新工单 #153**\n> 分类：垃圾清运");

        Assert.Equal(153, parse.Command!.Number(0));
        Assert.True(parse.Command.NumberFromQuote);
    }

    [Fact]
    public void Parse_DoneWithNoteQuotingADispatch_UsesTheQuotedNumberAndKeepsTheNote()
    {
        var parse = Parser.Parse("办结 已清运完毕", "新工单 #88");

        Assert.Equal(88, parse.Command!.Number(0));
        Assert.Equal("已清运完毕", parse.Command.Value(1));
    }

    [Theory]
    [InlineData("已处理")]
    [InlineData("办好了！")]
    [InlineData("已处理。")]
    public void Parse_DonePhraseQuotingADispatch_IsImplicitDone(string text)
    {
        var parse = Parser.Parse(text, "**新工单 #153** 请回复“接单 153”");

        Assert.Equal(ParseOutcome.Command, parse.Outcome);
        Assert.Equal("办结", parse.Command!.Definition.Word);
        Assert.Equal(153, parse.Command.Number(0));
        Assert.True(parse.Command.Implicit);
    }

    [Fact]
    public void Parse_Help_AndAliasesAreCaseInsensitive()
    {
        Assert.Equal("帮助", Parser.Parse("帮助", null).Command!.Definition.Word);
        Assert.Equal("帮助", Parser.Parse("HELP", null).Command!.Definition.Word);
        Assert.Equal("待办", Parser.Parse("/todo", null).Command!.Definition.Word);
    }

    [Fact]
    public void Parse_StatsChoice_AcceptsOnlyItsPeriods()
    {
        Assert.Equal("本周", Parser.Parse("统计 本周", null).Command!.Value(0));
        Assert.Equal(ParseOutcome.NotACommand, Parser.Parse("统计 一下垃圾桶数量", null).Outcome);
        Assert.NotNull(Parser.Parse("/统计 去年", null).Command!.Problem);
    }

    [Theory]
    [InlineData("153", 153)]
    [InlineData("#153", 153)]
    [InlineData("＃１５３", 153)]
    [InlineData("153号", 153)]
    public void TryParseNumber_AcceptsTheWrittenForms(string token, int expected)
    {
        Assert.True(CommandParser.TryParseNumber(token, out var n));
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("15a")]
    [InlineData("#")]
    [InlineData("1234567890")]
    public void TryParseNumber_RejectsWhatIsNoTicketNumber(string token)
    {
        Assert.False(CommandParser.TryParseNumber(token, out _));
    }

    [Fact]
    public void Table_UsageLines_AreGeneratedFromTheArguments()
    {
        var usage = CommandTable.All.ToDictionary(d => d.Word, d => d.Usage);

        Assert.Equal("派单 <单号> <部门>", usage["派单"]);
        Assert.Equal("办结 <单号> [说明]", usage["办结"]);
        Assert.Equal("统计 [今日|本周|本月]", usage["统计"]);
        Assert.Equal("帮助", usage["帮助"]);
    }

    [Fact]
    public void Table_EveryWordAndAliasIsUnique()
    {
        var words = CommandTable.All.SelectMany(d => d.Aliases.Prepend(d.Word)).Select(w => w.ToUpperInvariant()).ToList();

        Assert.Equal(words.Count, words.Distinct().Count());
    }
}
