using System.Text.Json;
using System.Text.Json.Serialization;

namespace Guanjia.Bot.Replay;

/// <summary>
/// One line of a replay file. Either a message — <c>from</c> (userid), <c>chat</c> (community or
/// department id, or <c>single</c> for the 1:1 with the bot), <c>text</c> and/or <c>photo</c> (a file
/// next to the script), optional <c>as</c> to name the ticket it creates so later lines can write
/// <c>{name}</c> for its number — or a pause: <c>{"delay": 1.5}</c> (seconds).
/// </summary>
public sealed record ReplayLine(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("chat")] string? Chat,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("photo")] string? Photo,
    [property: JsonPropertyName("as")] string? As,
    [property: JsonPropertyName("delay")] double? Delay)
{
    [JsonIgnore]
    public int LineNumber { get; init; }

    [JsonIgnore]
    public bool IsDelay => Delay is not null && From is null;
}

/// <summary>A parsed replay file, or the lines that could not be read.</summary>
public sealed record ReplayScript(string Directory, IReadOnlyList<ReplayLine> Lines, IReadOnlyList<string> Errors)
{
    /// <summary>Reads a JSONL file; blank lines and lines starting with <c>//</c> are skipped.</summary>
    public static ReplayScript Load(string path)
    {
        var lines = new List<ReplayLine>();
        var errors = new List<string>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var text = raw.Trim();
            if (text.Length == 0 || text.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                var line = JsonSerializer.Deserialize<ReplayLine>(text);
                if (line is null || (!line.IsDelay && (string.IsNullOrEmpty(line.From) || string.IsNullOrEmpty(line.Chat)
                    || (string.IsNullOrWhiteSpace(line.Text) && string.IsNullOrEmpty(line.Photo)))))
                {
                    errors.Add($"第 {number} 行：需要 from、chat 和 text 或 photo，或者 delay");
                    continue;
                }

                lines.Add(line with { LineNumber = number });
            }
            catch (JsonException)
            {
                errors.Add($"第 {number} 行：不是有效的 JSON");
            }
        }

        return new ReplayScript(Path.GetDirectoryName(Path.GetFullPath(path))!, lines, errors);
    }
}
