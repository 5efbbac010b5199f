namespace Guanjia.WeCom.Fake;
