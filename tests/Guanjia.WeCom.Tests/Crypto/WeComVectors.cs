namespace Guanjia.WeCom.Tests.Crypto;

// Official and spec test vectors, copied verbatim from wecom.md §1.10.
internal static class WeComVectors
{
    public const string TokenA = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo";
    public const string KeyA = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt";
    public const string KeyAHex = "eaa91d32babaf274ca76ece72583b5037ed6da8120a64314be4b6d453a2a854b";
    public const string CorpA = "ww1436e0e65a779aee";

    public const string TokenB = "QDG6eK";
    public const string KeyB = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string KeyBHex = "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760";
    public const string CorpB = "wx5823bf96d3bd56c7";

    public const string A1Timestamp = "1476416373";
    public const string A1Nonce = "47744683";
    public const string A1Signature = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb";
    public const string A1Echostr = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==";
    public const string A1Message = "1288432023552776189";

    public const string A2Timestamp = "1476422779";
    public const string A2Nonce = "1597212914";
    public const string A2Signature = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e";
    public const string A2Encrypt = "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+";
    public const string A2Message = "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>";

    public const string A3Timestamp = "1409659813";
    public const string A3Nonce = "1372623149";
    public const string A3Signature = "e3647471e395139e2308c1fa963f2d648a00b90e";
    public const string A3Encrypt = "cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKIivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7NRj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU=";

    public const string B1Timestamp = "1409659589";
    public const string B1Nonce = "263014780";
    public const string B1Signature = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3";
    public const string B1Echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    public const string B1EchostrUrlEncoded = "P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
    public const string B1Message = "1616140317555161061";

    public const string B2Timestamp = "1409659813";
    public const string B2Nonce = "1372623149";
    public const string B2Signature = "477715d11cdb4164915debcba66cb864d751f3e6";
    public const string B2Encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
    public const string B2Message = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

    public const string B4Timestamp = "1409659813";
    public const string B4Nonce = "1372623149";
    public const string B4Signature = "1f3153b7abd0ba99b4ab2e57fac2376110d03a3c";
    public const string B4Encrypt = "pvXgeha3nZ7UQ2DG3WD3IVsNJR38QVl1+h+wmLQHIAwEG3Jey2aTZtvAWzhEZ9JEKGwIUMBWX3JlUhfo7O7WbvI10vHIsdSNr1nr3LuOwAfnwLJAMQNDxi5tHUl08Op59jxOL73r8+g60KOxMTaFwXzlr9Yxgq5ey5nzNb/2vDjjvDZNXkJVmL/XWnv6PXrVbTpNxphqWRv2BpPYqvwRMkHgdFliatljMVlkkRHS40FOHmtBhj/4RXtIexfDx8opBXwi0L9RTlYNQzGx+FA+74xVHG7Le/pmNDwc2Ri5mbw=";
    public const string MalformedJsonStart = "{ \"ToUserName\": \"wx5823bf96d3bd56c7\", \"FromUserName\": :mycreate\"";
    public const string MalformedJsonEnd = "\"AgentID\": 218}";

    public const string G1Key = "4Ma3YBrSBbX2aez8MJpXGBne5LSDwgGqHbhM9WPYIws";
    public const string G1Encrypt = "6KmUQuPVu7UhjyVqRdbo5SfcRqaHvbUlKSHFvBV2ZuR6TIlKsygcfeSd1GDplg1C5KSKr6UPHCaC/nIX3ZNt9w==";
    public const string G1Message = "94966531020182955848408";
    public const string G1ReceiveId = "ww6a112864f8022910";

    public const string G2Token = "kz7Yx62CH8SaLN";
    public const string G2Key = "cD0d7jx4tYvVtzqrmh3Dm3QFCXe6f8SlHoMtMh3qQEP";
    public const string G2Timestamp = "1583995625";
    public const string G2Nonce = "1584392382";
    public const string G2Signature = "f265ae551b1932727204c3d707628d01376a6940";
    public const string G2Encrypt = "EUCt7xMcNiyASzZj0Hjc5yDjFQrCum6AfQ3ntHiUzjGQ51xieKmbvtrZ40/EcB2W/W8yH0n4Lqx48gJl/T9HD/R309I0P/r5pIZucK3lyEn48FYMr4YdE0QdL2jIJ3xkcXUr6uzefzCxG6lMvwpAJaOyVCzN7sRRw47njfxy5EIqU6R9ZBhlTzfdnhhOhK/nTwzrZX3SoGlXFA9OBeZ6ru1NWpXFk76x9DUMe0lcxPPiUqK8ctnQcYXSGUHVqC6DfG7E7mab0OmruNN8cBZY5d3dYOBA4OgaH55Q0AJmUpdT8vNiXpXx+6TxT3TIjySXpDrHVyrsb772aYywgg/Nu4kUmGkALwFZlzhjNegR7wDwb9lr4ERXsSSS8JZ8lbBmaQ3F2Tq584xoPj5rIhXAF734ynm4no1g+SdHiNqR328=";
    public const string G2ReceiveId = "ww6a112864f8022910";

    public const string SRandom = "0123456789abcdef";
    public const string STimestamp = "1409659813";
    public const string SNonce = "1372623149";
    public const string S1Message = "{\"msgtype\":\"stream\",\"stream\":{\"id\":\"STREAMID\",\"finish\":false,\"content\":\"hello\"}}";
    public const string S1Encrypt = "sKqRbbiSUnDhFHOvPjtUMf2/SLW6CbSPfUjo61NJyaTYDxHuapLDEXs4d4weIbwZl5oskZfKw/jPtVG9xCUOa3LwW6Vv5j6FWmx0Cgqov5cbC9ovsGBuC3Nq1dm6J8joooDrqzQWXTS3+kW2nBAsDEviaWZtyUCN4ojhhITUdog=";
    public const string S1Signature = "eb6283e9d978aecbdc2b2fc4ed6b194d640d1e5b";
    public const string S2Message = "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content></xml>";
    public const string S2Encrypt = "sKqRbbiSUnDhFHOvPjtUMUNeky1yBjV3tIYfilQwj5fN/Js8KUsEWgVXPlHti2RHT6dIU70aNopY/r2YT/zocnNvNMINRv0id5aSeETI1s02SAEnZMIWt6fVqyK7irt5+LzsEgzU2+PBfYup8ovuaCu+9taHYr8YVF6U9Up9iZ16WlEmu/k1FJF4bI/LICkN8lVX/Q33kLnZ0DWcKwZMCKslSAq62JMlRf5YNUk+bnuHVW/OYk8e92Pbspu05Vey6KyBtAXHdWns7Z5HM4ri+Dx/5SqvZu0AjtIIoicwqzeadA2JeFdbjpMgCRTSX6F2ADH/rio9XbaiCvgpmF1qyjxSH4zOz32BCgpC46a07fWlqpD/+PxtMiWcMwSlrD+t";
    public const string S2Signature = "68f5dc43743f9cc82ad8ea2a52b524c675af7803";
    public const string S3Message = "xxxxxxxxxxxx";
    public const string S3Encrypt = "sKqRbbiSUnDhFHOvPjtUMT04SBXqyecnV0R+mVLqu11Se0CAxtEP8Zs4hONFU+GhnY2XmfYUSF/20UR5dRgc0w==";
}
