using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;

namespace Guanjia.WeCom.Callbacks;

/// <summary>The only way callback XML is parsed: no DTD, no resolver, bounded size, depth and element count.</summary>
internal static class SafeXml
{
    /// <summary>Deepest element allowed (the root is depth 0). WeCom's deepest is SendPicsInfo/PicList/item/PicMd5Sum (4).</summary>
    public const int MaxDepth = 16;

    /// <summary>Most elements allowed in one document. WeCom's callbacks carry a few dozen.</summary>
    public const int MaxElements = 4096;

    /// <summary>
    /// Most '=' signs allowed anywhere in a document. XmlReader checks a start tag's attributes
    /// for duplicates before it returns the element, in time that grows faster than their number
    /// (80,000 attributes took a second), so attribute and namespace floods are refused by
    /// counting before parsing. WeCom's XML has no attributes; a text message's content is at
    /// most 2,048 bytes, so this never refuses a real callback.
    /// </summary>
    public const int MaxEqualsSigns = 8192;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = CallbackLimits.MaxBodyBytes,
        // 0 would mean "unlimited" to XmlReader; DTDs are prohibited anyway, this is a second fence.
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    public static bool TryLoad(string xml, [NotNullWhen(true)] out XElement? root, out CallbackParseError error)
    {
        root = null;
        if (string.IsNullOrWhiteSpace(xml))
        {
            error = CallbackParseError.Empty;
            return false;
        }

        if (xml.Length > CallbackLimits.MaxBodyBytes)
        {
            error = CallbackParseError.TooLarge;
            return false;
        }

        try
        {
            // XDocument.Load costs the square of the nesting depth (100,000 nested elements took
            // 40 s); a forward-only XmlReader pass is linear and stops at the first element too
            // deep or too many, so a hostile document is refused before any tree is built.
            if (xml.AsSpan().Count('=') > MaxEqualsSigns || !WithinShape(xml))
            {
                error = CallbackParseError.TooComplex;
                return false;
            }

            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            // XDocument (not XElement) so trailing content after the root element is rejected too.
            var document = XDocument.Load(reader, LoadOptions.None);
            if (document.Root is null)
            {
                error = CallbackParseError.Malformed;
                return false;
            }

            root = document.Root;
            error = CallbackParseError.None;
            return true;
        }
        catch (XmlException)
        {
            // XmlReader reports a prohibited DTD as a plain XmlException; tell it apart so callers
            // can count attack attempts separately from garbage.
            error = xml.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase)
                ? CallbackParseError.DtdProhibited
                : CallbackParseError.Malformed;
            return false;
        }
    }

    private static bool WithinShape(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), Settings);
        var elements = 0;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && (reader.Depth > MaxDepth || ++elements > MaxElements))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Text of a direct child element; CDATA and plain text read the same.</summary>
    public static string? Child(XElement parent, string name) => parent.Element(name)?.Value;
}
