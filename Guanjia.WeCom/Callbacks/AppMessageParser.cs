using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Xml.Linq;

namespace Guanjia.WeCom.Callbacks;

/// <summary>Parses the decrypted plaintext XML of a self-built app callback (CDATA or not).</summary>
public static class AppMessageParser
{
    public static bool TryParse(
        string plaintextXml,
        [NotNullWhen(true)] out AppMessage? message,
        out CallbackParseError error)
    {
        message = null;
        if (!SafeXml.TryLoad(plaintextXml, out var root, out error))
        {
            return false;
        }

        var reader = new FieldReader(root);
        var toUser = reader.Required("ToUserName");
        var fromUser = reader.Required("FromUserName");
        var msgType = reader.Required("MsgType");
        var createTime = reader.RequiredInt64("CreateTime");
        var agentId = reader.Optional("AgentID");
        if (reader.Error != CallbackParseError.None)
        {
            error = reader.Error;
            return false;
        }

        message = msgType switch
        {
            "text" => new AppTextMessage(toUser, fromUser, createTime, agentId,
                reader.Required("Content"), reader.Required("MsgId")),
            "image" => new AppImageMessage(toUser, fromUser, createTime, agentId,
                reader.Required("PicUrl"), reader.Required("MediaId"), reader.Required("MsgId")),
            "voice" => new AppVoiceMessage(toUser, fromUser, createTime, agentId,
                reader.Required("MediaId"), reader.Required("Format"), reader.Optional("Recognition"), reader.Required("MsgId")),
            "video" => new AppVideoMessage(toUser, fromUser, createTime, agentId,
                reader.Required("MediaId"), reader.Required("ThumbMediaId"), reader.Required("MsgId")),
            "location" => new AppLocationMessage(toUser, fromUser, createTime, agentId,
                reader.RequiredDouble("Location_X"), reader.RequiredDouble("Location_Y"),
                reader.RequiredInt32("Scale"), reader.Optional("Label") ?? "", reader.Optional("Poiname"),
                reader.Required("MsgId")),
            "link" => new AppLinkMessage(toUser, fromUser, createTime, agentId,
                reader.Optional("Title") ?? "", reader.Optional("Description") ?? "",
                reader.Required("Url"), reader.Optional("PicUrl") ?? "", reader.Required("MsgId")),
            "event" => ParseEvent(reader, toUser, fromUser, createTime, agentId),
            _ => new AppUnknownMessage(toUser, fromUser, createTime, msgType, agentId, reader.AllFields()),
        };

        if (reader.Error != CallbackParseError.None)
        {
            message = null;
            error = reader.Error;
            return false;
        }

        return true;
    }

    private static AppEventMessage ParseEvent(FieldReader reader, string toUser, string fromUser, long createTime, string? agentId)
    {
        var name = reader.Required("Event");
        var key = reader.Optional("EventKey") ?? "";
        // WeCom sends "LOCATION" upper-case and the rest lower-case; don't depend on it.
        return name.ToUpperInvariant() switch
        {
            "SUBSCRIBE" => new AppSubscribeEvent(toUser, fromUser, createTime, agentId, key),
            "UNSUBSCRIBE" => new AppUnsubscribeEvent(toUser, fromUser, createTime, agentId, key),
            "ENTER_AGENT" => new AppEnterAgentEvent(toUser, fromUser, createTime, agentId, key),
            "LOCATION" => new AppLocationReportEvent(toUser, fromUser, createTime, agentId,
                reader.RequiredDouble("Latitude"), reader.RequiredDouble("Longitude"),
                reader.OptionalDouble("Precision") ?? 0),
            "CLICK" or "VIEW" or "VIEW_MINIPROGRAM" => new AppMenuEvent(toUser, fromUser, createTime, agentId, name, key),
            "TEMPLATE_CARD_EVENT" => new AppTemplateCardEvent(toUser, fromUser, createTime, agentId,
                key, reader.Required("TaskId"), reader.Optional("CardType") ?? "", reader.Optional("ResponseCode") ?? "",
                ReadSelectedItems(reader.Root)),
            "CHANGE_CONTACT" => new AppChangeContactEvent(toUser, fromUser, createTime, agentId,
                reader.Required("ChangeType"), reader.Optional("UserID"), reader.AllFields()),
            _ => new AppGenericEvent(toUser, fromUser, createTime, agentId, name, key, reader.AllFields()),
        };
    }

    // <SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/>…</OptionIds></SelectedItem>…</SelectedItems>
    private static List<CardSelectedItem> ReadSelectedItems(XElement root) =>
    [
        .. root.Elements("SelectedItems").Elements("SelectedItem").Select(item => new CardSelectedItem(
            item.Element("QuestionKey")?.Value ?? "",
            [.. item.Elements("OptionIds").Elements("OptionId").Select(o => o.Value)])),
    ];

    /// <summary>Reads fields and remembers the first failure, so the switch above stays flat.</summary>
    private sealed class FieldReader(XElement root)
    {
        public XElement Root { get; } = root;

        public CallbackParseError Error { get; private set; }

        public string? Optional(string name) => Root.Element(name)?.Value;

        public string Required(string name)
        {
            var value = Root.Element(name)?.Value;
            if (value is null)
            {
                Fail(CallbackParseError.MissingField);
                return "";
            }

            return value;
        }

        public long RequiredInt64(string name)
        {
            var text = Root.Element(name)?.Value;
            if (text is null)
            {
                Fail(CallbackParseError.MissingField);
                return 0;
            }

            if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                Fail(CallbackParseError.InvalidField);
            }

            return value;
        }

        public int RequiredInt32(string name)
        {
            var value = RequiredInt64(name);
            if (value is < int.MinValue or > int.MaxValue)
            {
                Fail(CallbackParseError.InvalidField);
                return 0;
            }

            return (int)value;
        }

        public double RequiredDouble(string name)
        {
            if (Root.Element(name) is null)
            {
                Fail(CallbackParseError.MissingField);
                return 0;
            }

            var value = OptionalDouble(name);
            if (value is null)
            {
                Fail(CallbackParseError.InvalidField);
            }

            return value ?? 0;
        }

        public double? OptionalDouble(string name)
        {
            var text = Root.Element(name)?.Value;
            return text is not null
                && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value)
                ? value
                : null;
        }

        public XmlFields AllFields()
        {
            var items = new List<KeyValuePair<string, string>>();
            foreach (var element in Root.Elements())
            {
                Collect(element, element.Name.LocalName, items);
            }

            return new XmlFields(items);
        }

        private static void Collect(XElement element, string path, List<KeyValuePair<string, string>> items)
        {
            if (!element.HasElements)
            {
                items.Add(new(path, element.Value));
                return;
            }

            foreach (var child in element.Elements())
            {
                Collect(child, path + "/" + child.Name.LocalName, items);
            }
        }

        private void Fail(CallbackParseError error)
        {
            if (Error == CallbackParseError.None)
            {
                Error = error;
            }
        }
    }
}
