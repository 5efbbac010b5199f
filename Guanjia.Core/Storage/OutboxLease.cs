namespace Guanjia.Core.Storage;

/// <summary>
/// Which instance sends to a destination (a robot, a person, a response_url) until when. On a shared
/// database one instance at a time sends to each destination: its messages go out once and in order,
/// and the destination's WeCom rate limit (20 a minute per robot) is kept by that one sender.
/// </summary>
public sealed class OutboxLease
{
    public required string Target { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset Until { get; set; }
}
