using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Guanjia.WeCom.Crypto;

/// <summary>
/// WeCom callback crypto ("WXBizMsgCrypt"): SHA1 signatures and AES-256-CBC with 32-byte PKCS#7
/// framing, for app callbacks (receiveid = CorpID) and the intelligent bot (receiveid = "").
/// Safe for concurrent use; every failure is returned as a <see cref="WeComCryptoError"/>.
/// </summary>
public sealed class WeComCallbackCrypto
{
    private const int KeySize = 32;
    private const int BlockSize = 16;
    private const int RandomSize = 16;
    private const int PrefixSize = RandomSize + sizeof(uint);
    private const int PadBlock = 32;
    private const int Sha1Size = 20;
    private const int StackLimit = 512;
    private const int MaxTokenLength = 32;
    // Far above any callback body (endpoints cap bodies at ~1 MiB); keeps buffer arithmetic in range.
    private const int MaxTextLength = 64 * 1024 * 1024;

    private readonly byte[] _key;
    private readonly byte[] _receiveIdUtf8;
    private readonly Func<byte[]>? _random16;
    private readonly AesPool _aesPool;

    private WeComCallbackCrypto(string token, byte[] key, string receiveId, Func<byte[]>? random16)
    {
        Token = token;
        ReceiveId = receiveId;
        _key = key;
        _receiveIdUtf8 = Encoding.UTF8.GetBytes(receiveId);
        _random16 = random16;
        _aesPool = new AesPool(key);
    }

    public string Token { get; }

    public string ReceiveId { get; }

    private ReadOnlySpan<byte> Iv => _key.AsSpan(0, BlockSize);

    /// <summary>
    /// Validates the configuration. <paramref name="encodingAesKey"/> must be the 43-char console value
    /// (Base64 of 32 bytes without the trailing '='); <paramref name="token"/> 1–32 ASCII letters/digits;
    /// <paramref name="receiveId"/> the CorpID / suite id, or "" for the intelligent bot.
    /// <paramref name="random16"/> replaces the 16 random prefix bytes (tests only).
    /// </summary>
    public static CryptoResult<WeComCallbackCrypto> Create(
        string token, string encodingAesKey, string receiveId, Func<byte[]>? random16 = null)
    {
        if (!IsValidToken(token))
        {
            return CryptoResult<WeComCallbackCrypto>.Fail(WeComCryptoError.ComputeSignature);
        }

        if (receiveId is null)
        {
            return CryptoResult<WeComCallbackCrypto>.Fail(WeComCryptoError.ValidateReceiveId);
        }

        var key = new byte[KeySize];
        if (!TryParseEncodingAesKey(encodingAesKey, key))
        {
            return CryptoResult<WeComCallbackCrypto>.Fail(WeComCryptoError.IllegalAesKey);
        }

        return CryptoResult<WeComCallbackCrypto>.Ok(new WeComCallbackCrypto(token, key, receiveId, random16));
    }

    /// <summary>msg_signature: lowercase hex SHA1 of the ordinally sorted token, timestamp, nonce and ciphertext.</summary>
    public string ComputeSignature(string timestamp, string nonce, string encrypted)
    {
        Span<byte> hash = stackalloc byte[Sha1Size];
        ComputeSignatureHash(timestamp ?? "", nonce ?? "", encrypted ?? "", hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Constant-time check of a msg_signature; false for any null input.</summary>
    public bool VerifySignature(string signature, string timestamp, string nonce, string encrypted)
    {
        if (signature is null || timestamp is null || nonce is null || encrypted is null)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[Sha1Size];
        ComputeSignatureHash(timestamp, nonce, encrypted, hash);
        Span<char> hex = stackalloc char[Sha1Size * 2];
        Convert.TryToHexStringLower(hash, hex, out _);
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(hex), MemoryMarshal.AsBytes(signature.AsSpan()));
    }

    /// <summary>Decrypts a message ciphertext (Base64) and checks that it carries this object's receiveid.</summary>
    public CryptoResult<string> Decrypt(string encrypted)
    {
        if (string.IsNullOrEmpty(encrypted))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.DecodeBase64);
        }

        if (encrypted.Length > MaxTextLength)
        {
            return CryptoResult<string>.Fail(WeComCryptoError.IllegalBuffer);
        }

        // Narrow to ASCII and decode in place: several times faster than Convert.TryFromBase64String.
        // Non-ASCII characters become '?', which the decoder rejects.
        var charCount = encrypted.Length;
        var rented = ArrayPool<byte>.Shared.Rent(charCount * 2);
        var plain = Span<byte>.Empty;
        try
        {
            var base64 = rented.AsSpan(0, charCount);
            Encoding.ASCII.GetBytes(encrypted, base64);
            if (Base64.DecodeFromUtf8InPlace(base64, out var length) != OperationStatus.Done)
            {
                return CryptoResult<string>.Fail(WeComCryptoError.DecodeBase64);
            }

            if (length == 0 || length % BlockSize != 0)
            {
                return CryptoResult<string>.Fail(WeComCryptoError.DecryptAes);
            }

            if (!TryCbc(encrypt: false, rented, 0, length, charCount))
            {
                return CryptoResult<string>.Fail(WeComCryptoError.DecryptAes);
            }

            plain = rented.AsSpan(charCount, length);
            return ParseFrame(plain);
        }
        finally
        {
            // The pooled buffer held a resident's plaintext.
            CryptographicOperations.ZeroMemory(plain);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Verifies msg_signature, then decrypts; a bad signature yields <see cref="WeComCryptoError.ValidateSignature"/>.</summary>
    public CryptoResult<string> VerifyAndDecrypt(string signature, string timestamp, string nonce, string encrypted)
    {
        if (!VerifySignature(signature, timestamp, nonce, encrypted))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.ValidateSignature);
        }

        return Decrypt(encrypted);
    }

    /// <summary>Encrypts a reply: random(16) | big-endian length | UTF-8 message | receiveid | PKCS#7 to 32 bytes, as Base64.</summary>
    public CryptoResult<string> Encrypt(string plaintext)
    {
        if (plaintext is null || plaintext.Length > MaxTextLength)
        {
            return CryptoResult<string>.Fail(WeComCryptoError.EncryptAes);
        }

        var messageLength = Encoding.UTF8.GetByteCount(plaintext);
        var framedLength = PrefixSize + messageLength + _receiveIdUtf8.Length;
        var pad = PadBlock - (framedLength % PadBlock);
        var totalLength = framedLength + pad;

        var rented = ArrayPool<byte>.Shared.Rent(totalLength * 2);
        var plain = rented.AsSpan(0, totalLength);
        try
        {
            if (!TryFillRandom(plain[..RandomSize]))
            {
                return CryptoResult<string>.Fail(WeComCryptoError.EncryptAes);
            }

            BinaryPrimitives.WriteUInt32BigEndian(plain.Slice(RandomSize, sizeof(uint)), (uint)messageLength);
            Encoding.UTF8.GetBytes(plaintext, plain.Slice(PrefixSize, messageLength));
            _receiveIdUtf8.CopyTo(plain[(PrefixSize + messageLength)..]);
            plain[framedLength..].Fill((byte)pad);

            if (!TryCbc(encrypt: true, rented, 0, totalLength, totalLength))
            {
                return CryptoResult<string>.Fail(WeComCryptoError.EncryptAes);
            }

            return CryptoResult<string>.Ok(Convert.ToBase64String(rented.AsSpan(totalLength, totalLength)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decrypts a downloaded bot media file (webhook mode): AES-256-CBC with this callback key, PKCS#7 to 32, no framing.</summary>
    public CryptoResult<byte[]> DecryptMedia(ReadOnlySpan<byte> encryptedFile)
    {
        var entry = _aesPool.Rent();
        try
        {
            return DecryptMediaCore(entry.Aes, Iv, encryptedFile);
        }
        finally
        {
            _aesPool.Return(entry);
        }
    }

    /// <summary>
    /// Encrypts a media file the way WeCom serves a bot image download (the inverse of
    /// <see cref="DecryptMedia(ReadOnlySpan{byte})"/>): for the sandbox's fake WeCom and tests.
    /// </summary>
    public byte[] EncryptMedia(ReadOnlySpan<byte> plainFile)
    {
        var pad = PadBlock - (plainFile.Length % PadBlock);
        var padded = new byte[plainFile.Length + pad];
        plainFile.CopyTo(padded);
        padded.AsSpan(plainFile.Length).Fill((byte)pad);
        var entry = _aesPool.Rent();
        try
        {
            return entry.Aes.EncryptCbc(padded, Iv, PaddingMode.None);
        }
        finally
        {
            _aesPool.Return(entry);
        }
    }

    /// <summary>
    /// Decrypts a media file downloaded in WebSocket mode with its own per-file <paramref name="base64AesKey"/>
    /// (Base64 of 32 bytes; missing '=' padding, surrounding whitespace and URL-safe characters are tolerated).
    /// </summary>
    public static CryptoResult<byte[]> DecryptMedia(ReadOnlySpan<byte> encryptedFile, string base64AesKey)
    {
        Span<byte> key = stackalloc byte[KeySize];
        if (!TryParseLenientKey(base64AesKey, key))
        {
            return CryptoResult<byte[]>.Fail(WeComCryptoError.IllegalAesKey);
        }

        try
        {
            using var aes = AesPool.CreateKeyed(key);
            return DecryptMediaCore(aes, key[..BlockSize], encryptedFile);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private CryptoResult<string> ParseFrame(ReadOnlySpan<byte> plain)
    {
        if (plain.Length <= PrefixSize || !TryStripPad(plain, out var unpadded))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.IllegalBuffer);
        }

        if (unpadded.Length < PrefixSize)
        {
            return CryptoResult<string>.Fail(WeComCryptoError.IllegalBuffer);
        }

        var messageLength = BinaryPrimitives.ReadUInt32BigEndian(unpadded.Slice(RandomSize, sizeof(uint)));
        if (messageLength > (uint)(unpadded.Length - PrefixSize))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.IllegalBuffer);
        }

        var message = unpadded.Slice(PrefixSize, (int)messageLength);
        var receiveId = unpadded[(PrefixSize + (int)messageLength)..];
        if (!receiveId.SequenceEqual(_receiveIdUtf8))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.ValidateReceiveId);
        }

        if (!Utf8.IsValid(message))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.IllegalBuffer);
        }

        return CryptoResult<string>.Ok(Encoding.UTF8.GetString(message));
    }

    // PKCS#7 over 32-byte blocks: pad value 1..32, every pad byte equal to it.
    internal static bool TryStripPad(ReadOnlySpan<byte> padded, out ReadOnlySpan<byte> unpadded)
    {
        unpadded = default;
        if (padded.IsEmpty)
        {
            return false;
        }

        int pad = padded[^1];
        if (pad is < 1 or > PadBlock || pad > padded.Length || padded[^pad..].ContainsAnyExcept((byte)pad))
        {
            return false;
        }

        unpadded = padded[..^pad];
        return true;
    }

    // Decrypts the last (up to) 32 bytes first to learn the pad, so the result array is allocated once at
    // its exact size and the bulk is decrypted straight into it; media files can be 100 MB.
    private static CryptoResult<byte[]> DecryptMediaCore(Aes aes, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> cipher)
    {
        if (cipher.IsEmpty || cipher.Length % BlockSize != 0)
        {
            return CryptoResult<byte[]>.Fail(WeComCryptoError.DecryptAes);
        }

        var tailLength = Math.Min(cipher.Length, PadBlock);
        var headLength = cipher.Length - tailLength;
        var tailIv = headLength == 0 ? iv : cipher.Slice(headLength - BlockSize, BlockSize);
        Span<byte> tail = stackalloc byte[PadBlock];
        tail = tail[..tailLength];
        try
        {
            aes.DecryptCbc(cipher[headLength..], tailIv, tail, PaddingMode.None);
            if (!TryStripPad(tail, out var tailPlain))
            {
                return CryptoResult<byte[]>.Fail(WeComCryptoError.IllegalBuffer);
            }

            var result = GC.AllocateUninitializedArray<byte>(headLength + tailPlain.Length);
            if (headLength > 0)
            {
                aes.DecryptCbc(cipher[..headLength], iv, result.AsSpan(0, headLength), PaddingMode.None);
            }

            tailPlain.CopyTo(result.AsSpan(headLength));
            return CryptoResult<byte[]>.Ok(result);
        }
        catch (CryptographicException)
        {
            return CryptoResult<byte[]>.Fail(WeComCryptoError.DecryptAes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tail);
        }
    }

    // Transforms buffer[offset..offset+count) into buffer[outputOffset..); count is a whole number of blocks.
    private bool TryCbc(bool encrypt, byte[] buffer, int offset, int count, int outputOffset)
    {
        var entry = _aesPool.Rent();
        try
        {
            var written = encrypt
                ? entry.Encrypt(buffer, offset, count, buffer, outputOffset)
                : entry.Decrypt(buffer, offset, count, buffer, outputOffset);
            _aesPool.Return(entry);
            return written == count;
        }
        catch (CryptographicException)
        {
            // The transform's chaining state is unknown now; never pool it again.
            entry.Dispose();
            return false;
        }
    }

    private bool TryFillRandom(Span<byte> destination)
    {
        if (_random16 is null)
        {
            RandomNumberGenerator.Fill(destination);
            return true;
        }

        var random = _random16();
        if (random is null || random.Length != RandomSize)
        {
            return false;
        }

        random.CopyTo(destination);
        return true;
    }

    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "SHA1 is mandated by the WeCom msg_signature protocol.")]
    private void ComputeSignatureHash(string timestamp, string nonce, string encrypted, Span<byte> hash)
    {
        var parts = new SignatureParts();
        Span<string> sorted = parts;
        sorted[0] = Token;
        sorted[1] = timestamp;
        sorted[2] = nonce;
        sorted[3] = encrypted;
        // Culture-sensitive sorting breaks on mixed-case tokens and Base64; WeCom sorts by code unit.
        // Insertion sort by hand: Span.Sort(IComparer) allocates a delegate on every call.
        for (var i = 1; i < sorted.Length; i++)
        {
            var current = sorted[i];
            var j = i - 1;
            while (j >= 0 && StringComparer.Ordinal.Compare(sorted[j], current) > 0)
            {
                sorted[j + 1] = sorted[j];
                j--;
            }

            sorted[j + 1] = current;
        }

        var byteCount = 0;
        foreach (var part in sorted)
        {
            byteCount += Encoding.UTF8.GetByteCount(part);
        }

        byte[]? rented = null;
        Span<byte> buffer = byteCount <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            var written = 0;
            foreach (var part in sorted)
            {
                written += Encoding.UTF8.GetBytes(part, buffer[written..]);
            }

            SHA1.HashData(buffer[..written], hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsValidToken(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseEncodingAesKey(string encodingAesKey, Span<byte> key)
    {
        const int EncodedLength = 43;
        if (encodingAesKey is null || encodingAesKey.Length != EncodedLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[EncodedLength + 1];
        for (var i = 0; i < EncodedLength; i++)
        {
            var c = encodingAesKey[i];
            // TryFromBase64Chars skips whitespace, which would let a mangled key through.
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }

            chars[i] = c;
        }

        chars[EncodedLength] = '=';
        Span<byte> decoded = stackalloc byte[KeySize + 3];
        var ok = Convert.TryFromBase64Chars(chars, decoded, out var written) && written == KeySize;
        if (ok)
        {
            decoded[..KeySize].CopyTo(key);
        }

        CryptographicOperations.ZeroMemory(decoded);
        return ok;
    }

    private static bool TryParseLenientKey(string base64Key, Span<byte> key)
    {
        const int MaxChars = 64;
        if (base64Key is null)
        {
            return false;
        }

        var trimmed = base64Key.AsSpan().Trim().TrimEnd('=');
        if (trimmed.IsEmpty || trimmed.Length > MaxChars)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxChars + 3];
        var length = 0;
        foreach (var c in trimmed)
        {
            chars[length++] = c switch
            {
                '-' => '+',
                '_' => '/',
                _ when char.IsAsciiLetterOrDigit(c) || c is '+' or '/' => c,
                _ => '\0',
            };
            if (chars[length - 1] == '\0')
            {
                return false;
            }
        }

        while (length % 4 != 0)
        {
            chars[length++] = '=';
        }

        Span<byte> decoded = stackalloc byte[MaxChars];
        var ok = Convert.TryFromBase64Chars(chars[..length], decoded, out var written) && written == KeySize;
        if (ok)
        {
            decoded[..KeySize].CopyTo(key);
        }

        CryptographicOperations.ZeroMemory(decoded);
        return ok;
    }

    [InlineArray(4)]
    private struct SignatureParts
    {
        private string _element0;
    }
}
