using System.Globalization;
using System.Text;
using System.Xml;

namespace Guanjia.WeCom.Callbacks;

/// <summary>Plaintext passive replies for the intelligent bot (wecom.md §3.5), before encryption.</summary>
public static class BotReplies
{
    /// <summary>Welcome reply to enter_chat: {"msgtype":"text","text":{"content":…}}.</summary>
    public static string Text(string content)
    {
        var json = new StringBuilder(48 + content.Length);
        json.Append("""{"msgtype":"text","text":{"content":""");
        ReplyJson.AppendString(json, content);
        return json.Append("}}").ToString();
    }

    /// <summary>
    /// Stream frame {"msgtype":"stream","stream":{"id","finish","content"}}. Content is cumulative
    /// (the full text so far, not a delta) and WeCom accepts at most 20480 UTF-8 bytes of it.
    /// </summary>
    public static string Stream(string streamId, bool finish, string content)
    {
        var json = new StringBuilder(72 + streamId.Length + content.Length);
        json.Append("""{"msgtype":"stream","stream":{"id":""");
        ReplyJson.AppendString(json, streamId);
        json.Append(finish ? ""","finish":true,"content":""" : ""","finish":false,"content":""");
        ReplyJson.AppendString(json, content);
        return json.Append("}}").ToString();
    }
}

/// <summary>Plaintext passive replies for a self-built app (wecom.md §2.6), before encryption.</summary>
public static class AppReplies
{
    /// <summary>
    /// Text reply. Direction is flipped from the callback: <paramref name="toUserName"/> is the
    /// member's UserID, <paramref name="fromUserName"/> the CorpID. WeCom truncates Content beyond 2048 bytes.
    /// </summary>
    public static string Text(string toUserName, string fromUserName, long createTime, string content)
    {
        var xml = new StringBuilder(160 + content.Length);
        xml.Append("<xml><ToUserName>");
        ReplyXml.AppendCData(xml, toUserName);
        xml.Append("</ToUserName><FromUserName>");
        ReplyXml.AppendCData(xml, fromUserName);
        xml.Append("</FromUserName><CreateTime>")
            .Append(createTime.ToString(CultureInfo.InvariantCulture))
            .Append("</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>");
        ReplyXml.AppendCData(xml, content);
        xml.Append("</Content></xml>");
        return xml.ToString();
    }
}

/// <summary>The outer envelopes of an encrypted passive reply (wecom.md §1.8), from already computed parts.</summary>
public static class EncryptedReplyEnvelope
{
    /// <summary>App reply: &lt;xml&gt;&lt;Encrypt/&gt;&lt;MsgSignature/&gt;&lt;TimeStamp/&gt;&lt;Nonce/&gt;&lt;/xml&gt; (capital-S TimeStamp).</summary>
    public static string Xml(string encrypted, string signature, long timestamp, string nonce)
    {
        var xml = new StringBuilder(128 + encrypted.Length);
        xml.Append("<xml><Encrypt>");
        ReplyXml.AppendCData(xml, encrypted);
        xml.Append("</Encrypt><MsgSignature>");
        ReplyXml.AppendCData(xml, signature);
        xml.Append("</MsgSignature><TimeStamp>")
            .Append(timestamp.ToString(CultureInfo.InvariantCulture))
            .Append("</TimeStamp><Nonce>");
        ReplyXml.AppendCData(xml, nonce);
        xml.Append("</Nonce></xml>");
        return xml.ToString();
    }

    /// <summary>Bot reply: {"encrypt","msgsignature","timestamp" (seconds, a number),"nonce"}.</summary>
    public static string Json(string encrypted, string signature, long timestamp, string nonce)
    {
        var json = new StringBuilder(96 + encrypted.Length);
        json.Append("""{"encrypt":""");
        ReplyJson.AppendString(json, encrypted);
        json.Append(""","msgsignature":""");
        ReplyJson.AppendString(json, signature);
        json.Append(""","timestamp":""").Append(timestamp.ToString(CultureInfo.InvariantCulture));
        json.Append(""","nonce":""");
        ReplyJson.AppendString(json, nonce);
        return json.Append('}').ToString();
    }
}

// WeCom rejects \uXXXX escapes (errcode 40033). JavaScriptEncoder.UnsafeRelaxedJsonEscaping still
// escapes every character outside the BMP (emoji become \uD83D\uDE00), so replies are written by hand:
// only what JSON itself requires is escaped, everything else stays raw UTF-8.
internal static class ReplyJson
{
    public static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case < ' ':
                    json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        json.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        // A lone surrogate cannot be encoded as UTF-8.
                        json.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}

internal static class ReplyXml
{
    // CDATA section; a "]]>" in the text is split across two sections, characters XML cannot carry are dropped.
    public static void AppendCData(StringBuilder xml, string text)
    {
        xml.Append("<![CDATA[");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                xml.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (c == ']' && i + 2 < text.Length && text[i + 1] == ']' && text[i + 2] == '>')
            {
                xml.Append("]]]]><![CDATA[>");
                i += 2;
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                xml.Append(c);
            }
        }

        xml.Append("]]>");
    }
}
