namespace Guanjia.Bench.Crypto;

// The same inputs as bench/node/crypto-bench.mjs, so the two runtimes are compared like for like.
public static class BenchMessages
{
    public const string Token = "QDG6eK";
    public const string EncodingAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string ReceiveId = "wx5823bf96d3bd56c7";
    public const string Timestamp = "1409659813";
    public const string Nonce = "1372623149";

    // 21 × 48 bytes of Chinese + 16 ASCII bytes = exactly 1024 UTF-8 bytes.
    public static readonly string OneKilobyteChinese =
        string.Concat(Enumerable.Repeat("小巷管家路灯不亮了请尽快处理谢谢", 21)) + "0123456789abcdef";
}
