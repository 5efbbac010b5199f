using System.Security.Cryptography;

namespace Guanjia.Core.Points;

/// <summary>
/// Voucher codes: 8 characters from 32 that cannot be misread aloud (no 0/O, 1/I), 40 random bits
/// from <see cref="RandomNumberGenerator"/>, shown as ABCD-EFGH.
/// </summary>
public static class VoucherCode
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    public const int Length = 8;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>ABCD-EFGH.</summary>
    public static string Format(string code) => code.Length == Length ? $"{code[..4]}-{code[4..]}" : code;

    /// <summary>
    /// What the ledger, logs and the API may show: a code is a bearer token worth money, so only
    /// its owner's chat reply carries it in full.
    /// </summary>
    public static string Mask(string code) => code.Length >= 4 ? $"{code[..4]}-****" : "****";

    /// <summary>
    /// The stored form of what someone typed: upper case, without spaces or dashes; null when it
    /// cannot be a code. Typed 0/O and 1/I are not mapped: they never occur in a code.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }

        Span<char> buffer = stackalloc char[Length];
        var n = 0;
        foreach (var c in typed)
        {
            if (c is '-' or ' ' or '－' or '—' or '\u3000')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (n == Length || !Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                return null;
            }

            buffer[n++] = upper;
        }

        return n == Length ? new string(buffer) : null;
    }
}
