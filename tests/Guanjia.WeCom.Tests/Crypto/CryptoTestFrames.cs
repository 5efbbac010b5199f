using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Guanjia.WeCom.Tests.Crypto;

// Builds ciphertexts by hand (independently of the code under test) so tests can craft broken frames.
internal static class CryptoTestFrames
{
    public static byte[] KeyFromEncodingAesKey(string encodingAesKey) => Convert.FromBase64String(encodingAesKey + "=");

    public static string RandomEncodingAesKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return Convert.ToBase64String(key).TrimEnd('=');
    }

    public static byte[] Frame(byte[] message, byte[] receiveId, uint? lengthField = null)
    {
        var frame = new byte[20 + message.Length + receiveId.Length];
        RandomNumberGenerator.Fill(frame.AsSpan(0, 16));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(16), lengthField ?? (uint)message.Length);
        message.CopyTo(frame, 20);
        receiveId.CopyTo(frame, 20 + message.Length);
        return frame;
    }

    public static byte[] Pad32(byte[] data)
    {
        var pad = 32 - (data.Length % 32);
        var padded = new byte[data.Length + pad];
        data.CopyTo(padded, 0);
        padded.AsSpan(data.Length).Fill((byte)pad);
        return padded;
    }

    public static byte[] EncryptRaw(byte[] key, byte[] plaintextMultipleOf16)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptCbc(plaintextMultipleOf16, key.AsSpan(0, 16), PaddingMode.None);
    }

    public static string EncryptFrame(string encodingAesKey, byte[] paddedFrame) =>
        Convert.ToBase64String(EncryptRaw(KeyFromEncodingAesKey(encodingAesKey), paddedFrame));

    // Chinese characters (3 UTF-8 bytes each) topped up with ASCII to hit an exact byte length.
    public static string ChineseText(int utf8Bytes, int seed)
    {
        const string Hanzi = "小巷管家社区网格员报修路灯不亮垃圾清运楼道堆物漏水噪音停车";
        var builder = new StringBuilder(utf8Bytes);
        var random = new Random(seed);
        for (var i = 0; i < utf8Bytes / 3; i++)
        {
            builder.Append(Hanzi[random.Next(Hanzi.Length)]);
        }

        for (var i = 0; i < utf8Bytes % 3; i++)
        {
            builder.Append((char)('a' + random.Next(26)));
        }

        return builder.ToString();
    }
}
