using System.Security.Cryptography;
using System.Text.Json;

namespace Guanjia.Bot.Sandbox;

/// <summary>
/// The sandbox's generated secrets, kept in data/sandbox.json so that restarts and <c>replay</c>
/// use the same keys. Only ever for the fake WeCom: nothing here is a real credential.
/// </summary>
public sealed record SandboxKeys(
    string CorpId,
    string Secret,
    int AgentId,
    string AppToken,
    string AppEncodingAesKey,
    string BotToken,
    string BotEncodingAesKey,
    string ApiKey)
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static SandboxKeys Generate() => new(
        Guanjia.WeCom.Fake.FakeWeCom.DefaultCorpId,
        Guanjia.WeCom.Fake.FakeWeCom.DefaultSecret,
        Guanjia.WeCom.Fake.FakeWeCom.DefaultAgentId,
        RandomNumberGenerator.GetString(Alphanumerics, 32),
        RandomNumberGenerator.GetString(Alphanumerics, 43),
        RandomNumberGenerator.GetString(Alphanumerics, 32),
        RandomNumberGenerator.GetString(Alphanumerics, 43),
        "sandbox-" + RandomNumberGenerator.GetString(Alphanumerics, 32));

    /// <summary>Reads the file, or creates it with fresh keys when it does not exist or cannot be read.</summary>
    public static SandboxKeys LoadOrCreate(string path)
    {
        if (TryLoad(path) is { } existing)
        {
            return existing;
        }

        var keys = Generate();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(keys, Json));
        return keys;
    }

    public static SandboxKeys? TryLoad(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var keys = JsonSerializer.Deserialize<SandboxKeys>(File.ReadAllText(path), Json);
            return keys is { BotToken.Length: > 0, BotEncodingAesKey.Length: 43, AppToken.Length: > 0, AppEncodingAesKey.Length: 43, ApiKey.Length: > 0 }
                ? keys
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
