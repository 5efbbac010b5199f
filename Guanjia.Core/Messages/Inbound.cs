using Guanjia.Core.Commands;
using Guanjia.Core.Intake;

namespace Guanjia.Core.Messages;

/// <summary>A photo of an incoming message after download: stored (<see cref="Id"/>) or failed (<see cref="Failure"/>).</summary>
public sealed record ReceivedPhoto(string? Id, int Width, int Height, long PerceptualHash, string? Failure)
{
    public static ReceivedPhoto Failed(string failure) => new(null, 0, 0, 0, failure);
}

/// <summary>One incoming message being handled: the message, its photos, where answers go.</summary>
public sealed class Inbound(long inboxId, IncomingMessage message, IReadOnlyList<ReceivedPhoto> photos)
{
    public long InboxId => inboxId;

    public IncomingMessage Message => message;

    /// <summary>The trimmed text, empty when there is none.</summary>
    public string Text { get; } = message.Text?.Trim() ?? "";

    /// <summary>The group chat id, or the sender's id in 1:1.</summary>
    public string Conversation => message.ChatId ?? message.SenderId;

    /// <summary>Prefix of every outbox key this message causes.</summary>
    public string Key => $"inbox:{inboxId}";

    public IReadOnlyList<ReceivedPhoto> Photos => photos;

    /// <summary>The photos that were downloaded and stored.</summary>
    public IReadOnlyList<CommandPhoto> Stored { get; } =
        [.. photos.Where(p => p.Id is not null).Select(p => new CommandPhoto(p.Id!, p.Width, p.Height, p.PerceptualHash))];

    /// <summary>Why the other photos could not be kept.</summary>
    public IReadOnlyList<string> Failures { get; } = [.. photos.Where(p => p.Id is null).Select(p => p.Failure ?? "无法处理")];
}
