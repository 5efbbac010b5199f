namespace Guanjia.Core;
