using Guanjia.Core.Messages;
using Guanjia.Core.Tests.Triage;
using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Messages;

/// <summary>The conversation gate's order: the safety nets veto, then the lexicon, then the learned gate.</summary>
public sealed class ConversationGateTests(TriageFixture fixture) : IClassFixture<TriageFixture>
{
    private TriageResult Read(string text, double conversation) =>
        fixture.Run(text, "lihua") with { Conversation = conversation };

    [Fact]
    public void ModelSureOfConversation_AnswersAQuestion()
    {
        Assert.Equal(ConversationKind.AboutBot, ConversationGate.Decide("请问燃气费在哪里交", Read("请问燃气费在哪里交", 0.99), photo: false));
    }

    [Fact]
    public void ModelSureOfAReport_Files()
    {
        Assert.Null(ConversationGate.Decide("请问燃气费在哪里交", Read("请问燃气费在哪里交", 0.01), photo: false));
    }

    [Fact]
    public void UrgentCue_Files_WhateverTheModelSays()
    {
        var result = Read("着火了", 0.99);

        Assert.NotNull(result.UrgentCue);
        Assert.Null(ConversationGate.Decide("着火了", result, photo: false));
    }

    [Fact]
    public void PlaceNamedWithAProblemWord_Files_WhateverTheModelSays()
    {
        var result = Read("74号院垃圾满了", 0.99);

        Assert.True(result.NamesPlace);
        Assert.Null(ConversationGate.Decide("74号院垃圾满了", result, photo: false));
    }

    [Fact]
    public void Photo_Files_EvenWithThanks()
    {
        Assert.Null(ConversationGate.Decide("谢谢", Read("谢谢", 0.99), photo: true));
    }

    [Theory]
    [InlineData("收到", ConversationKind.Acknowledgement)]
    [InlineData("👍", ConversationKind.Acknowledgement)]
    [InlineData("好的谢谢", ConversationKind.Thanks)]
    public void PureSmallTalk_IsConversation_WhereTheModelHasNothingToRead(string text, ConversationKind kind)
    {
        Assert.Equal(kind, ConversationGate.Decide(text, Read(text, 0.0), photo: false));
    }

    [Fact]
    public void AlarmEmoji_IsNoSmallTalk()
    {
        Assert.Null(ConversationGate.Decide("🔥🔥", Read("🔥🔥", 0.0), photo: false));
    }
}
