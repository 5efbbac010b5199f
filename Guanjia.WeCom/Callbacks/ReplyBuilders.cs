using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;

namespace Guanjia.WeCom.Callbacks;

/// <summary>Plaintext passive replies for the intelligent bot (wecom.md §3.5), before encryption.</summary>
public static class BotReplies
{
    /// <summary>Welcome reply to enter_chat: {"msgtype":"text","text":{"content":…}}.</summary>
    public static string Text(string content) => ReplyJson.Write(writer =>
    {
        writer.WriteString("msgtype", "text");
        writer.WriteStartObject("text");
        writer.WriteString("content", content);
        writer.WriteEndObject();
    });

    /// <summary>
    /// Stream frame {"msgtype":"stream","stream":{"id","finish","content"}}. Content is cumulative
    /// (the full text so far, not a delta) and WeCom accepts at most 20480 UTF-8 bytes of it.
    /// </summary>
    public static string Stream(string streamId, bool finish, string content) => ReplyJson.Write(writer =>
    {
        writer.WriteString("msgtype", "stream");
        writer.WriteStartObject("stream");
        writer.WriteString("id", streamId);
        writer.WriteBoolean("finish", finish);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    });
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
    public static string Json(string encrypted, string signature, long timestamp, string nonce) => ReplyJson.Write(writer =>
    {
        writer.WriteString("encrypt", encrypted);
        writer.WriteString("msgsignature", signature);
        writer.WriteNumber("timestamp", timestamp);
        writer.WriteString("nonce", nonce);
    });
}

internal static class ReplyJson
{
    // WeCom rejects \uXXXX escapes (errcode 40033): write Chinese as raw UTF-8.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
