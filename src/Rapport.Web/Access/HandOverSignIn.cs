using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Rapport.Access;
using Rapport.Accounts;
using Rapport.InRoom;

namespace Rapport.Web.Access;

/// <summary>
/// Handing the therapist's device to a member (<see cref="HandOver"/>): the care-team checks of
/// <see cref="StartInRoomCheckIn.HandOverAsync"/>, then the rules the member's own sign-in would meet (Identity's, not
/// hand-rolled: a hand-over skips only the password), then the therapist's sign-in ends and the member's starts,
/// marked as handed over. Returns the member's user id, or why the device cannot be handed to them.
/// </summary>
internal sealed class HandOverSignIn(StartInRoomCheckIn start, SignInManager<RapportUser> signIn, UserManager<RapportUser> users)
{
    public async Task<Outcome<string>> HandleAsync(Guid episodeId, Guid clientId, CancellationToken cancellationToken = default)
    {
        var outcome = await start.HandOverAsync(episodeId, clientId, RefusalAsync, cancellationToken);
        if (!outcome.Succeeded)
        {
            return outcome;
        }

        if (await users.FindByIdAsync(outcome.Value!) is not { } member)
        {
            return Outcome<string>.Invalid("ClientId", "This device cannot be handed over: their sign-in no longer exists.");
        }

        await signIn.SignOutAsync();
        await signIn.SignInWithClaimsAsync(member, new AuthenticationProperties { IsPersistent = false, AllowRefresh = false }, [new Claim(HandOver.Claim, "true")]);
        return outcome;
    }

    private async Task<string?> RefusalAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return "their sign-in no longer exists.";
        }

        if (await users.IsLockedOutAsync(user))
        {
            return "their sign-in is locked for now after too many tries. Show a QR code instead, or try again later.";
        }

        if (!await signIn.CanSignInAsync(user))
        {
            return "their sign-in is not confirmed or not allowed yet. Ask them to finish setting it up first.";
        }

        return null;
    }
}
