namespace Guanjia.Core.Commands;

/// <summary>
/// 随手办 is recorded by intake, which has the triage and the photos (<see cref="Messages.OnTheSpotHandler"/>).
/// The command reaches this handler only where intake could not place it in a community.
/// </summary>
public static class OnTheSpotCommand
{
    public const string Elsewhere = "随手办请在本社区群内 @小巷管家，或在与小巷管家的私聊中发送，并附现场照片。";

    public static Task<CommandResult> ElsewhereAsync(CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult(CommandResult.Refused(Elsewhere));
}
