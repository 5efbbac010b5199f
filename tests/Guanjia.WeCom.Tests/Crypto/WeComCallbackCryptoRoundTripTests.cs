using System.Security.Cryptography;
using System.Text;
using Guanjia.WeCom.Crypto;
using static Guanjia.WeCom.Tests.Crypto.CryptoTestFrames;
using static Guanjia.WeCom.Tests.Crypto.WeComVectors;

namespace Guanjia.WeCom.Tests.Crypto;

public class WeComCallbackCryptoRoundTripTests
{
    private const string CorpId = "ww6a112864f8022910";

    public static TheoryData<int, string> Lengths()
    {
        var data = new TheoryData<int, string>();
        int[] large = [1000, 1024, 4095, 4096, 20480, 65535, 65536];
        foreach (var receiveId in new[] { "", CorpId })
        {
            for (var bytes = 0; bytes <= 70; bytes++)
            {
                data.Add(bytes, receiveId);
            }

            foreach (var bytes in large)
            {
                data.Add(bytes, receiveId);
                // The largest length <= bytes whose framed size is an exact multiple of 32.
                var framed = 20 + bytes + receiveId.Length;
                data.Add(bytes - (framed % 32), receiveId);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EncryptThenVerifyAndDecrypt_WithRandomKeyAndChineseText_ReturnsOriginal(int utf8Bytes, string receiveId)
    {
        var key = RandomEncodingAesKey();
        var token = "T" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto(token, key, receiveId);
        var text = ChineseText(utf8Bytes, seed: utf8Bytes);
        Assert.Equal(utf8Bytes, Encoding.UTF8.GetByteCount(text));

        var encrypted = crypto.Encrypt(text);
        Assert.True(encrypted.IsOk, encrypted.Error.ToString());
        var signature = crypto.ComputeSignature("1700000000", "nonce42", encrypted.Value);
        var decrypted = crypto.VerifyAndDecrypt(signature, "1700000000", "nonce42", encrypted.Value);

        Assert.Equal(WeComCryptoError.None, decrypted.Error);
        Assert.Equal(text, decrypted.Value);
        var raw = WeComCallbackCryptoVectorTests.RawDecrypt(Convert.ToHexString(KeyFromEncodingAesKey(key)), encrypted.Value);
        Assert.Equal(0, raw.Length % 32);
        var expectedPad = 32 - ((20 + utf8Bytes + receiveId.Length) % 32);
        Assert.Equal(expectedPad, raw[^1]);
    }

    [Fact]
    public void ComputeSignature_ForRandomMixedCaseInputs_IsSha1OfOrdinallySortedConcatenation()
    {
        var random = new Random(42);
        const string Alphabet = "ABCXYZabcxyz0189+/=";
        string Next(int max) => new([.. Enumerable.Range(0, 1 + random.Next(max)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);

        for (var i = 0; i < 300; i++)
        {
            var token = new string([.. Next(8).Where(char.IsAsciiLetterOrDigit)]) + "T";
            var crypto = WeComCallbackCryptoVectorTests.CreateCrypto(token, KeyB, "");
            string[] parts = [token, Next(6), Next(6), Next(40)];
            var ordinal = parts.Order(StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA1 is what the WeCom signature uses.
            var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(ordinal))));
#pragma warning restore CA5350

            Assert.Equal(expected, crypto.ComputeSignature(parts[1], parts[2], parts[3]));
            Assert.True(crypto.VerifySignature(expected, parts[1], parts[2], parts[3]));
        }
    }

    [Fact]
    public void Encrypt_SameMessageTwice_UsesFreshRandomPrefix()
    {
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("token", RandomEncodingAesKey(), CorpId);

        Assert.NotEqual(crypto.Encrypt("路灯不亮").Value, crypto.Encrypt("路灯不亮").Value);
    }

    [Fact]
    public void Encrypt_WithoutInjectedRandom_IsReadableByIndependentDecoder()
    {
        var key = RandomEncodingAesKey();
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("token", key, CorpId);

        var raw = WeComCallbackCryptoVectorTests.RawDecrypt(
            Convert.ToHexString(KeyFromEncodingAesKey(key)), crypto.Encrypt("楼道堆物").Value!);

        var length = (raw[16] << 24) | (raw[17] << 16) | (raw[18] << 8) | raw[19];
        Assert.Equal("楼道堆物", Encoding.UTF8.GetString(raw, 20, length));
        Assert.Equal(CorpId, Encoding.UTF8.GetString(raw, 20 + length, raw.Length - raw[^1] - 20 - length));
    }

    [Fact]
    public void Create_WithKeyContainingPlusAndSlash_RoundTrips()
    {
        var key = "+/" + RandomEncodingAesKey()[2..];
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("token", key, CorpId);

        Assert.Equal("你好", crypto.Decrypt(crypto.Encrypt("你好").Value!).Value);
    }

    [Fact]
    public async Task ConcurrentCallers_OnOneInstance_AllGetTheirOwnPlaintext()
    {
        var key = RandomEncodingAesKey();
        var keyBytes = KeyFromEncodingAesKey(key);
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("token", key, CorpId);

        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                var text = ChineseText(i * 7 % 2000, seed: (worker * 1000) + i);
                var encrypted = crypto.Encrypt(text).Value!;
                var media = crypto.DecryptMedia(EncryptRaw(keyBytes, Pad32(Encoding.UTF8.GetBytes(text))));
                if (crypto.Decrypt(encrypted).Value != text || Encoding.UTF8.GetString(media.Value!) != text)
                {
                    return false;
                }
            }

            return true;
        }));

        var results = await Task.WhenAll(tasks);

        Assert.All(results, Assert.True);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(100_003)]
    public void DecryptMedia_WithCallbackKey_ReturnsOriginalBytes(int length)
    {
        var key = RandomEncodingAesKey();
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("token", key, "");
        var file = RandomNumberGenerator.GetBytes(length);
        var encrypted = EncryptRaw(KeyFromEncodingAesKey(key), Pad32(file));

        var result = crypto.DecryptMedia(encrypted);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(file, result.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100_003)]
    public void EncryptMedia_IsWhatWeComServes_AndDecryptsBack(int length)
    {
        var key = RandomEncodingAesKey();
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("token", key, "");
        var file = RandomNumberGenerator.GetBytes(length);

        var encrypted = crypto.EncryptMedia(file);

        Assert.Equal(EncryptRaw(KeyFromEncodingAesKey(key), Pad32(file)), encrypted);
        Assert.Equal(file, crypto.DecryptMedia(encrypted).Value);
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("{0}=")]
    [InlineData("  {0}=\n")]
    [InlineData("{1}")]
    public void DecryptMedia_WithPerFileKeyInLenientBase64_ReturnsOriginalBytes(string keyFormat)
    {
        var keyBytes = RandomNumberGenerator.GetBytes(32);
        var standard = Convert.ToBase64String(keyBytes).TrimEnd('=');
        var urlSafe = standard.Replace('+', '-').Replace('/', '_');
        var aesKey = string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, standard, urlSafe);
        var file = Encoding.UTF8.GetBytes(ChineseText(5000, seed: 7));
        var encrypted = EncryptRaw(keyBytes, Pad32(file));

        var result = WeComCallbackCrypto.DecryptMedia(encrypted, aesKey);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(file, result.Value);
    }
}
