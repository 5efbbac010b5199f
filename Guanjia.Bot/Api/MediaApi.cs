using Guanjia.Core.Photos;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Guanjia.Bot.Api;

internal static class MediaApi
{
    public static RouteGroupBuilder MapMediaApi(this RouteGroupBuilder api)
    {
        api.MapGet("/media/{id}", Get);
        return api;
    }

    private static Results<FileStreamHttpResult, ProblemHttpResult> Get(string id, string? size, PhotoStore store)
    {
        var stream = store.OpenRead(id, thumb: string.Equals(size, "thumb", StringComparison.OrdinalIgnoreCase));
        return stream is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Photo not found", detail: $"There is no photo '{id}'.")
            : TypedResults.File(stream, "image/jpeg", enableRangeProcessing: false);
    }
}
