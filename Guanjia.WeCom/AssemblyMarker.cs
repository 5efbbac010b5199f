namespace Guanjia.WeCom;
