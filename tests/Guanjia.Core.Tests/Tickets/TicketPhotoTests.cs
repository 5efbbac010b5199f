using Guanjia.Core.Tickets;

namespace Guanjia.Core.Tests.Tickets;

public sealed class TicketPhotoTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 1, 0, 0, TimeSpan.Zero);

    private static Ticket NewTicket() => new()
    {
        Category = "garbage",
        Community = "wuhuashan",
        Department = "sanitation",
        Reporter = "lihua",
        Text = "垃圾桶满了",
        Conversation = "wrkSFfCgAAwuhuashan",
    };

    [Fact]
    public void AttachPhoto_SameBeforePhotoTwice_IsAttachedOnce()
    {
        var ticket = NewTicket();

        Assert.True(ticket.AttachPhoto("p1", PhotoStages.Before, 1600, 1200, 42, At));
        Assert.False(ticket.AttachPhoto("p1", PhotoStages.Before, 1600, 1200, 42, At));

        var photo = Assert.Single(ticket.Photos);
        Assert.Equal(("p1", PhotoStages.Before, 1600, 1200, 42L, At), (photo.PhotoId, photo.Stage, photo.Width, photo.Height, photo.PerceptualHash, photo.CreatedAt));
    }

    [Fact]
    public void AttachPhoto_AfterPhotoRepeatingABeforePhoto_IsAttached_ButNotTwiceAsAfter()
    {
        var ticket = NewTicket();
        ticket.AttachPhoto("p1", PhotoStages.Before, 800, 600, 1, At);

        Assert.True(ticket.AttachPhoto("p1", PhotoStages.After, 800, 600, 1, At));
        Assert.False(ticket.AttachPhoto("p1", PhotoStages.After, 800, 600, 1, At));
        Assert.False(ticket.AttachPhoto("p1", PhotoStages.Before, 800, 600, 1, At));

        Assert.Equal([PhotoStages.Before, PhotoStages.After], ticket.Photos.Select(p => p.Stage));
    }
}
