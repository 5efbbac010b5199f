using System.Runtime.CompilerServices;
using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Core.Messages;

/// <summary>One <see cref="PlaceResolver"/> per loaded community file (building it reads every compound).</summary>
internal static class Places
{
    private static readonly ConditionalWeakTable<CommunityConfig, PlaceResolver> Resolvers = [];

    public static PlaceResolver For(CommunityConfig config) => Resolvers.GetValue(config, c => new PlaceResolver(c));
}
