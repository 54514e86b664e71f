using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Security;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// Decides again what each subscription of a session may deliver, as SUBSCRIBE decided it, when its owner's
    /// rules may have changed since: at start (the rule file may differ) and when a token identity resumes its
    /// session with a new token (its rules claim may differ). A subscription the rules no longer grant is kept and
    /// delivers nothing, so rules that grant it again bring it back without the client subscribing again.
    /// </summary>
    internal sealed class AccessRecheck
    {
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly MessageCopy copy;
        private readonly EngineContext context;

        internal AccessRecheck(SessionTable sessions, SubscriptionTree subscriptions, MessageCopy copy, EngineContext context)
        {
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.copy = copy;
            this.context = context;
        }

        /// <summary>Checks the subscriptions of every session; each one refused is logged with <paramref name="why"/>.</summary>
        internal void All(string why)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Apply(sessions.At(i), why);
            }
        }

        /// <summary>Checks the subscriptions of the sessions user <paramref name="owner"/> owns.</summary>
        internal void OwnedBy(int owner, string why)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions.At(i);
                if (s.InUse && s.Owner == owner)
                {
                    Apply(s, why);
                }
            }
        }

        private void Apply(Session s, string why)
        {
            AccessControl access = context.Access;
            for (int e = subscriptions.FirstOf(s.Id); e >= 0; e = subscriptions.NextOf(e))
            {
                // The filter proper, as SUBSCRIBE checks it: a shared subscription's without "$share/{ShareName}/".
                int filterLength = subscriptions.Nodes.CopyPath(subscriptions.NodeOf(e), copy.Bytes, 0);
                byte given = access.SubscribeAccess(s.Owner, s.ClientId, 0, s.ClientIdLength, copy.Bytes, 0, filterLength,
                    subscriptions.Group[e] != SubscriptionTree.None);
                subscriptions.SetAccess(e, given);
                if (given == SubscribeAccess.Refused)
                {
                    context.Warn("the subscription of " + s.ClientIdText() + " to " + Utf8.GetString(copy.Bytes, 0, filterLength)
                        + " delivers nothing: " + why);
                }
            }
        }
    }
}
