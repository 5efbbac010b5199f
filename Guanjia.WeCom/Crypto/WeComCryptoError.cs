namespace Guanjia.WeCom.Crypto;

/// <summary>Return codes of the official WXBizMsgCrypt libraries (library-local, never sent on the wire).</summary>
public enum WeComCryptoError
{
    None = 0,
    ValidateSignature = -40001,
    Parse = -40002,
    ComputeSignature = -40003,
    IllegalAesKey = -40004,
    ValidateReceiveId = -40005,
    EncryptAes = -40006,
    DecryptAes = -40007,
    IllegalBuffer = -40008,
    EncodeBase64 = -40009,
    DecodeBase64 = -40010,
    GenReturn = -40011,
}
