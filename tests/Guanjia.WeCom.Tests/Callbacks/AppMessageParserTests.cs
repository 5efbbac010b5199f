using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class AppMessageParserTests
{
    // wecom.md §1.10 vector A2 plaintext: no CDATA, Chinese content.
    private const string A2Plaintext = "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>";

    // wecom.md §1.10 vector B2 plaintext: CDATA, real newlines, MsgId beyond int range.
    private const string B2Plaintext = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

    private const string Head = "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><FromUserName><![CDATA[0071]]></FromUserName><CreateTime>1700000000</CreateTime>";
    private const string Tail = "<AgentID>1000002</AgentID></xml>";

    private static AppMessage Parse(string xml)
    {
        var ok = AppMessageParser.TryParse(xml, out var message, out var error);
        Assert.True(ok, $"parse failed: {error}");
        Assert.Equal(CallbackParseError.None, error);
        return message!;
    }

    [Fact]
    public void TryParse_VectorA2PlaintextWithoutCData_ReturnsTextMessage()
    {
        var text = Assert.IsType<AppTextMessage>(Parse(A2Plaintext));

        Assert.Equal(new AppTextMessage("ww1436e0e65a779aee", "ChenJiaShun", 1476422779, "1000002", "你好", "1456453720"), text);
        Assert.Equal("text", text.MsgType);
    }

    [Fact]
    public void TryParse_VectorB2PlaintextWithCData_ReturnsTextMessageWithLongMsgIdAsString()
    {
        var text = Assert.IsType<AppTextMessage>(Parse(B2Plaintext));

        Assert.Equal("wx5823bf96d3bd56c7", text.ToUserName);
        Assert.Equal("mycreate", text.FromUserName);
        Assert.Equal(1409659813, text.CreateTime);
        Assert.Equal("hello", text.Content);
        Assert.Equal("4561255354251345929", text.MsgId);
        Assert.Equal("218", text.AgentId);
    }

    [Fact]
    public void TryParse_FromUserNameWithLeadingZeros_KeepsThem()
    {
        var msg = Parse(Head + "<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId>" + Tail);

        Assert.Equal("0071", msg.FromUserName);
    }

    [Fact]
    public void TryParse_TextContentWithSurroundingWhitespace_KeepsItVerbatim()
    {
        var text = Assert.IsType<AppTextMessage>(Parse(Head + "<MsgType>text</MsgType><Content><![CDATA[ 74号院 \n 漏水 ]]></Content><MsgId>1</MsgId>" + Tail));

        Assert.Equal(" 74号院 \n 漏水 ", text.Content);
    }

    [Fact]
    public void TryParse_Image_ReturnsPicUrlAndMediaId()
    {
        var image = Assert.IsType<AppImageMessage>(Parse(Head
            + "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://wework.qpic.cn/abc/0]]></PicUrl><MediaId><![CDATA[1Lq_media]]></MediaId><MsgId>1234567890123456</MsgId>" + Tail));

        Assert.Equal("https://wework.qpic.cn/abc/0", image.PicUrl);
        Assert.Equal("1Lq_media", image.MediaId);
        Assert.Equal("1234567890123456", image.MsgId);
        Assert.Equal("1000002", image.AgentId);
    }

    [Fact]
    public void TryParse_VoiceWithRecognition_ReturnsFormatAndTranscript()
    {
        var voice = Assert.IsType<AppVoiceMessage>(Parse(Head
            + "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[vmedia]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[楼道灯坏了]]></Recognition><MsgId>5</MsgId>" + Tail));

        Assert.Equal(("vmedia", "amr", "楼道灯坏了", "5"), (voice.MediaId, voice.Format, voice.Recognition, voice.MsgId));
    }

    [Fact]
    public void TryParse_VoiceWithoutRecognition_HasNullRecognition()
    {
        var voice = Assert.IsType<AppVoiceMessage>(Parse(Head
            + "<MsgType>voice</MsgType><MediaId>vmedia</MediaId><Format>speex</Format><MsgId>5</MsgId>" + Tail));

        Assert.Null(voice.Recognition);
        Assert.Equal("speex", voice.Format);
    }

    [Fact]
    public void TryParse_Video_ReturnsMediaAndThumb()
    {
        var video = Assert.IsType<AppVideoMessage>(Parse(Head
            + "<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[vid]]></MediaId><ThumbMediaId><![CDATA[thumb]]></ThumbMediaId><MsgId>6</MsgId>" + Tail));

        Assert.Equal(("vid", "thumb", "6"), (video.MediaId, video.ThumbMediaId, video.MsgId));
    }

    [Fact]
    public void TryParse_Location_ReturnsCoordinatesScaleLabelAndPoi()
    {
        var location = Assert.IsType<AppLocationMessage>(Parse(Head
            + "<MsgType><![CDATA[location]]></MsgType><Location_X>39.9042</Location_X><Location_Y>116.407396</Location_Y><Scale>15</Scale>"
            + "<Label><![CDATA[北京市东城区小巷74号院]]></Label><MsgId>7</MsgId><AppType><![CDATA[wxwork]]></AppType><Poiname><![CDATA[74号院]]></Poiname>" + Tail));

        Assert.Equal(39.9042, location.Latitude);
        Assert.Equal(116.407396, location.Longitude);
        Assert.Equal(15, location.Scale);
        Assert.Equal("北京市东城区小巷74号院", location.Label);
        Assert.Equal("74号院", location.PoiName);
        Assert.Equal("7", location.MsgId);
    }

    [Fact]
    public void TryParse_LocationWithNonNumericLatitude_ReturnsInvalidField()
    {
        var xml = Head + "<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>116.4</Location_Y><Scale>15</Scale><Label>x</Label><MsgId>7</MsgId>" + Tail;

        Assert.False(AppMessageParser.TryParse(xml, out var message, out var error));
        Assert.Null(message);
        Assert.Equal(CallbackParseError.InvalidField, error);
    }

    [Fact]
    public void TryParse_Link_ReturnsTitleDescriptionUrlAndPic()
    {
        var link = Assert.IsType<AppLinkMessage>(Parse(Head
            + "<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[停水通知]]></Title><Description><![CDATA[周三停水]]></Description>"
            + "<Url><![CDATA[https://example.org/n]]></Url><PicUrl><![CDATA[https://example.org/p.png]]></PicUrl><MsgId>8</MsgId>" + Tail));

        Assert.Equal(("停水通知", "周三停水", "https://example.org/n", "https://example.org/p.png", "8"),
            (link.Title, link.Description, link.Url, link.PicUrl, link.MsgId));
    }

    [Fact]
    public void TryParse_UnknownMsgType_ReturnsUnknownWithRawFields()
    {
        var unknown = Assert.IsType<AppUnknownMessage>(Parse(Head + "<MsgType>miniprogram</MsgType><AppId>wx1</AppId><MsgId>9</MsgId>" + Tail));

        Assert.Equal("miniprogram", unknown.MsgType);
        Assert.Equal("wx1", unknown.Fields.Get("AppId"));
        Assert.Equal("9", unknown.Fields.Get("MsgId"));
    }

    [Theory]
    [InlineData("subscribe", typeof(AppSubscribeEvent))]
    [InlineData("unsubscribe", typeof(AppUnsubscribeEvent))]
    [InlineData("enter_agent", typeof(AppEnterAgentEvent))]
    public void TryParse_LifecycleEvents_ReturnTypedEvents(string name, Type expected)
    {
        var msg = Parse("<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>\n"
            + $"<CreateTime>1408091189</CreateTime><MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[{name}]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1</AgentID></xml>");

        var evt = Assert.IsAssignableFrom<AppEventMessage>(msg);
        Assert.IsType(expected, evt);
        Assert.Equal(name, evt.Event);
        Assert.Equal("", evt.EventKey);
        Assert.Equal("event", evt.MsgType);
        Assert.Equal(("toUser", "FromUser", 1408091189L, "1"), (evt.ToUserName, evt.FromUserName, evt.CreateTime, evt.AgentId));
    }

    [Fact]
    public void TryParse_LocationEvent_ReturnsLatitudeLongitudePrecision()
    {
        var report = Assert.IsType<AppLocationReportEvent>(Parse(Head
            + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.104105</Latitude><Longitude>113.320107</Longitude><Precision>65.000000</Precision>" + Tail));

        Assert.Equal((23.104105, 113.320107, 65.0), (report.Latitude, report.Longitude, report.Precision));
        Assert.Equal("LOCATION", report.Event);
    }

    [Theory]
    [InlineData("click", "REPORT_PROBLEM")]
    [InlineData("view", "https://example.org/menu")]
    public void TryParse_MenuEvents_ReturnEventKey(string name, string key)
    {
        var menu = Assert.IsType<AppMenuEvent>(Parse(Head
            + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event><EventKey><![CDATA[{key}]]></EventKey>" + Tail));

        Assert.Equal(name, menu.Event);
        Assert.Equal(key, menu.EventKey);
    }

    [Fact]
    public void TryParse_TemplateCardEvent_ReturnsTaskResponseCodeAndSelections()
    {
        var card = Assert.IsType<AppTemplateCardEvent>(Parse(Head
            + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[accept]]></EventKey>"
            + "<TaskId><![CDATA[T-20240101-7]]></TaskId><CardType><![CDATA[vote_interaction]]></CardType><ResponseCode><![CDATA[RC_abc]]></ResponseCode>"
            + "<SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[o1]]></OptionId><OptionId><![CDATA[o2]]></OptionId></OptionIds></SelectedItem>"
            + "<SelectedItem><QuestionKey><![CDATA[q2]]></QuestionKey><OptionIds><OptionId><![CDATA[o9]]></OptionId></OptionIds></SelectedItem></SelectedItems>" + Tail));

        Assert.Equal(("accept", "T-20240101-7", "vote_interaction", "RC_abc"), (card.EventKey, card.TaskId, card.CardType, card.ResponseCode));
        Assert.Collection(card.SelectedItems,
            q => { Assert.Equal("q1", q.QuestionKey); Assert.Equal(["o1", "o2"], q.OptionIds); },
            q => { Assert.Equal("q2", q.QuestionKey); Assert.Equal(["o9"], q.OptionIds); });
    }

    [Fact]
    public void TryParse_TemplateCardEventWithoutSelections_HasEmptyList()
    {
        var card = Assert.IsType<AppTemplateCardEvent>(Parse(Head
            + "<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>done</EventKey><TaskId>t1</TaskId><CardType>button_interaction</CardType><ResponseCode>rc</ResponseCode>" + Tail));

        Assert.Empty(card.SelectedItems);
    }

    [Fact]
    public void TryParse_ChangeContactUpdateUser_ReturnsChangeTypeUserAndFields()
    {
        var change = Assert.IsType<AppChangeContactEvent>(Parse("<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
            + "<CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>"
            + "<ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><NewUserID><![CDATA[zhangsan001]]></NewUserID>"
            + "<Name><![CDATA[张三]]></Name><Department><![CDATA[1,2,3]]></Department></xml>"));

        Assert.Equal("sys", change.FromUserName);
        Assert.Equal("update_user", change.ChangeType);
        Assert.Equal("zhangsan", change.UserId);
        Assert.Equal("zhangsan001", change.Fields.Get("NewUserID"));
        Assert.Equal("1,2,3", change.Fields.Get("Department"));
        Assert.Null(change.AgentId);
    }

    [Fact]
    public void TryParse_ChangeContactParty_HasNoUserId()
    {
        var change = Assert.IsType<AppChangeContactEvent>(Parse(Head
            + "<MsgType>event</MsgType><Event>change_contact</Event><ChangeType>create_party</ChangeType><Id>2</Id><Name>网格一</Name>" + Tail));

        Assert.Null(change.UserId);
        Assert.Equal("2", change.Fields.Get("Id"));
    }

    [Fact]
    public void TryParse_OtherEvent_KeepsNestedFieldsByPath()
    {
        var generic = Assert.IsType<AppGenericEvent>(Parse(Head
            + "<MsgType>event</MsgType><Event>pic_photo_or_album</Event><EventKey>photo</EventKey>"
            + "<SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>aaa</PicMd5Sum></item><item><PicMd5Sum>bbb</PicMd5Sum></item></PicList></SendPicsInfo>" + Tail));

        Assert.Equal("pic_photo_or_album", generic.Event);
        Assert.Equal("photo", generic.EventKey);
        Assert.Equal("2", generic.Fields.Get("SendPicsInfo/Count"));
        Assert.Equal(["aaa", "bbb"], generic.Fields.GetAll("SendPicsInfo/PicList/item/PicMd5Sum"));
        Assert.Null(generic.Fields.Get("Nope"));
    }

    [Theory]
    [InlineData("<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><Content>x</Content><MsgId>1</MsgId></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType><PicUrl>p</PicUrl><MsgId>1</MsgId></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>")]
    [InlineData("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event></xml>")]
    public void TryParse_WithMissingRequiredField_ReturnsMissingField(string xml)
    {
        var ok = AppMessageParser.TryParse(xml, out var message, out var error);

        Assert.False(ok);
        Assert.Null(message);
        Assert.Equal(CallbackParseError.MissingField, error);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("99999999999999999999")]
    [InlineData("")]
    public void TryParse_WithNonNumericCreateTime_ReturnsInvalidField(string createTime)
    {
        var xml = $"<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>{createTime}</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>";

        Assert.False(AppMessageParser.TryParse(xml, out _, out var error));
        Assert.Equal(CallbackParseError.InvalidField, error);
    }

    [Fact]
    public void TryParse_LocationWithScaleBeyondInt32_ReturnsInvalidField()
    {
        var xml = Head + "<MsgType>location</MsgType><Location_X>1</Location_X><Location_Y>2</Location_Y><Scale>4294967311</Scale><Label>x</Label><MsgId>7</MsgId>" + Tail;

        Assert.False(AppMessageParser.TryParse(xml, out _, out var error));
        Assert.Equal(CallbackParseError.InvalidField, error);
    }

    [Theory]
    [InlineData("<xml><ToUserName>c</ToUserName>")]
    [InlineData("<xml><Content>a < b</Content></xml>")]
    [InlineData("not xml at all")]
    [InlineData("{\"msgtype\":\"text\"}")]
    public void TryParse_WithMalformedXml_ReturnsMalformed(string xml)
    {
        Assert.False(AppMessageParser.TryParse(xml, out _, out var error));
        Assert.Equal(CallbackParseError.Malformed, error);
    }
}
