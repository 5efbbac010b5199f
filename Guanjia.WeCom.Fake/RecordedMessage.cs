namespace Guanjia.WeCom.Fake;

/// <summary>Which WeCom entry point received a message.</summary>
public enum RecordedMessageKind
{
    /// <summary><c>message/send</c>; target = the touser list.</summary>
    App,

    /// <summary><c>appchat/send</c>; target = chatid.</summary>
    AppChat,

    /// <summary><c>webhook/send</c>; target = robot key.</summary>
    Webhook,

    /// <summary>A bot <c>response_url</c>; target = response_code.</summary>
    ResponseUrl,

    /// <summary><c>message/update_template_card</c> (the app's card after a click); target = the click's response_code.</summary>
    CardUpdate,
}

/// <summary>A message the fake accepted, with its raw JSON body.</summary>
public sealed record RecordedMessage(RecordedMessageKind Kind, string Target, string MsgType, string Json, DateTimeOffset ReceivedAt);

/// <summary>A file received by <c>media/upload</c>, with what its multipart headers declared.</summary>
public sealed record RecordedUpload(string MediaId, string Type, string PartName, string FileName, long? DeclaredLength, string ContentType, byte[] Content);

/// <summary>A failure the fake returns instead of handling a call.</summary>
public abstract record FakeFailure
{
    public static FakeFailure ErrCode(int errCode, string errMsg = "injected") => new ErrCodeFailure(errCode, errMsg);

    public static FakeFailure HttpStatus(int statusCode) => new HttpStatusFailure(statusCode);

    /// <summary>Waits before handling the call normally (simulates a hanging WeCom).</summary>
    public static FakeFailure Hang(TimeSpan delay) => new HangFailure(delay);

    internal sealed record ErrCodeFailure(int Code, string Message) : FakeFailure;

    internal sealed record HttpStatusFailure(int StatusCode) : FakeFailure;

    /// <summary>Handles the call (it takes effect) but answers only after <paramref name="delay"/>: the caller times out.</summary>
    public static FakeFailure LostResponse(TimeSpan delay) => new LostResponseFailure(delay);

    internal sealed record HangFailure(TimeSpan Delay) : FakeFailure;

    internal sealed record LostResponseFailure(TimeSpan Delay) : FakeFailure;
}
