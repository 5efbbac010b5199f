using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>Picks the department a ticket goes to.</summary>
public static class Router
{
    /// <summary>
    /// The category's department as-is; <c>property</c> → the compound's property company, or the
    /// community office when the compound has none or no compound is known; <c>community</c> → the community office.
    /// </summary>
    public static string Route(Category category, Compound? compound, CommunityInfo community) => category.Department switch
    {
        Category.PropertyRole => compound?.Property ?? community.Office,
        Category.CommunityRole => community.Office,
        var department => department,
    };
}
