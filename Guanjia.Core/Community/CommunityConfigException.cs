namespace Guanjia.Core.Community;

/// <summary>The community file is malformed; the message names the key path and the line.</summary>
public sealed class CommunityConfigException : Exception
{
    public CommunityConfigException()
    {
    }

    public CommunityConfigException(string message)
        : base(message)
    {
    }

    public CommunityConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommunityConfigException(string keyPath, string problem, long line)
        : base($"{keyPath}: {problem} (line {line})")
    {
        KeyPath = keyPath;
        Line = line;
    }

    public string? KeyPath { get; }

    public long? Line { get; }
}
