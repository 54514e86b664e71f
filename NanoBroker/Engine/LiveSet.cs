using NanoBroker.Messages;
using NanoBroker.Routing;
using NanoBroker.Sessions;

namespace NanoBroker
{
    /// <summary>
    /// The live durable state as records, for a compaction to write (or to add up, while
    /// <see cref="StorageKeeper.Measuring"/>): persistent sessions with their subscriptions, unacknowledged messages
    /// and PUBRELs owed, retained messages, and the wills of connected clients.
    /// </summary>
    internal sealed class LiveSet
    {
        private readonly BrokerOptions options;
        private readonly SessionTable sessions;
        private readonly SubscriptionTree subscriptions;
        private readonly RetainedTree retained;
        private readonly MessagePool pool;
        private readonly Wills wills;
        private readonly Journal journal;
        private readonly StorageKeeper keeper;
        private readonly MessageCopy copy;

        internal LiveSet(BrokerOptions options, SessionTable sessions, SubscriptionTree subscriptions, RetainedTree retained, MessagePool pool, Wills wills, Journal journal, StorageKeeper keeper, MessageCopy copy)
        {
            this.options = options;
            this.sessions = sessions;
            this.subscriptions = subscriptions;
            this.retained = retained;
            this.pool = pool;
            this.wills = wills;
            this.journal = journal;
            this.keeper = keeper;
            this.copy = copy;
        }

        /// <summary>Journals every record of the live state; with <paramref name="measure"/> nothing in the engine changes.</summary>
        internal void Write(bool measure)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Session s = sessions.At(i);
                if (!s.InUse || !s.Persistent)
                {
                    continue;
                }
                journal.SessionSaved(s);
                for (int e = subscriptions.FirstOf(s.Id); e >= 0; e = subscriptions.NextOf(e))
                {
                    int filterLength = subscriptions.CopyFilter(e, copy.Bytes, 0);
                    int flags = subscriptions.Qos[e] | subscriptions.Options[e] | (subscriptions.Group[e] != SubscriptionTree.None ? Journal.SharedFlag : 0);
                    journal.SubscriptionSet(s, flags, subscriptions.Identifier[e], copy.Bytes, 0, filterLength);
                }
                // What is still unacknowledged, oldest first; after a restart it is queued anew. An offline session
                // whose messages were kept in memory only (storage full or failing) has them written now.
                if (s.JournaledQueued > 0 || (options.PersistQueuedMessages && !s.IsOnline && (s.QueueCount > 0 || s.InflightCount > 0)))
                {
                    if (measure)
                    {
                        keeper.Measured(journal.PendingRecordBytes(s));
                    }
                    else
                    {
                        s.ResetJournal();
                        journal.Pending(s);
                    }
                }
                for (int q = 0; q < s.InflightCount; q++)
                {
                    if (s.InflightState[q] == InflightState.ReleasePending || s.InflightState[q] == InflightState.AwaitingComplete)
                    {
                        journal.ReleasePending(s, s.InflightPacketId[q]);
                    }
                }
            }
            for (int node = retained.Next(RetainedTree.None); node >= 0; node = retained.Next(node))
            {
                int m = retained.MessageAt(node);
                int topicLength = copy.CopyOut(m);
                if (!Topic.IsSys(copy.Bytes, 0, topicLength))
                {
                    journal.RetainedRewritten(m);
                }
            }
            wills.WriteLive();
        }
    }
}
