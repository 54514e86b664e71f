using NanoBroker.Protocol;
using NanoBroker.Routing;
using NanoBroker.Security;
using NanoBroker.Sessions;
using NanoBroker.Storage;

namespace NanoBroker
{
    // CONNECT (MQTT 3.1.1 section 3.1; MQTT 3.1 "MQIsdp" level 3 accepted) and the session table.
    public sealed partial class Broker
    {
        // The longest client identifier MQTT 3.1 allows.
        private const int Mqtt31MaxClientId = 23;

        // "nb-" and eight hex digits.
        private readonly byte[] assignedId = new byte[11];

        private readonly ConnectPacket connect = new ConnectPacket();

        private bool HandleConnect(Connection c, int flags, byte[] b, int p, int end)
        {
            byte decoded = connect.Decode(flags, b, p, end);
            int level = connect.Version;
            if (decoded == ReasonCode.UnsupportedProtocolVersion || level == ProtocolVersion.Mqtt5)
            {
                // [MQTT-3.1.2-2] an unsupported protocol level (MQTT 5.0 too, until the engine speaks it).
                return Refuse(c, ConnectReturnCode.UnacceptableProtocolVersion, "unsupported protocol level " + level);
            }
            if (decoded != ReasonCode.Success)
            {
                Violation(c, connect.Problem);
                return true;
            }
            bool cleanSession = connect.CleanSession;
            int idStart = connect.ClientIdStart;
            int idLength = connect.ClientIdLength;
            bool willFlag = connect.HasWill;
            if (idLength == 0 && (!cleanSession || level == ProtocolVersion.Mqtt31))
            {
                // [MQTT-3.1.3-8] an empty identifier needs clean session (MQTT 3.1 requires an identifier).
                return Refuse(c, ConnectReturnCode.IdentifierRejected, "empty client identifier without clean session");
            }
            if (idLength > options.MaxClientIdBytes || (level == ProtocolVersion.Mqtt31 && idLength > Mqtt31MaxClientId))
            {
                return Refuse(c, ConnectReturnCode.IdentifierRejected, "client identifier of " + idLength + " bytes is too long");
            }
            int user = AccessControl.Anonymous;
            if (Access != null)
            {
                byte code = Access.Authenticate(b, connect.UserNameStart, connect.UserNameLength, connect.HasUserName, connect.PasswordStart, connect.PasswordLength, connect.HasPassword, out user);
                if (code != ConnectReturnCode.Accepted)
                {
                    return Refuse(c, code, connect.HasUserName ? "bad user name or password" : "anonymous clients are not allowed");
                }
            }
            if (idLength == 0)
            {
                // [MQTT-3.1.3-6] assign a unique identifier.
                idLength = AssignClientId(assignedId);
                b = assignedId;
                idStart = 0;
            }
            if (willFlag && Access != null && !Access.MayPublish(user, b, idStart, idLength, c.ReceiveBuffer, connect.WillTopicStart, connect.WillTopicLength))
            {
                return Refuse(c, ConnectReturnCode.NotAuthorized, "the will topic is not writable for this client");
            }

            Session existing = FindSession(b, idStart, idLength);
            if (existing != null && Access != null && existing.Owner != user)
            {
                // A session belongs to the identity that made it: another user (or an anonymous client)
                // neither resumes it, nor ends it, nor takes its connection over.
                return Refuse(c, ConnectReturnCode.NotAuthorized, "client id " + Utf8.GetString(b, idStart, idLength) + " belongs to another user's session");
            }
            bool takeover = existing != null && existing.IsOnline;
            if (!takeover && connectedCount >= options.MaxClients)
            {
                return Refuse(c, ConnectReturnCode.ServerUnavailable, "client limit of " + options.MaxClients + " reached");
            }
            if (StorageRefuses && (willFlag || (!cleanSession && (existing == null || !existing.Persistent))))
            {
                // Storage full or failing: a will, or a persistent session that does not exist yet, cannot be made
                // durable. CONNACK 3, as for a will that does not fit the message store or a full session table.
                Stats.StorageRefused++;
                return Refuse(c, ConnectReturnCode.ServerUnavailable, "storage " + StateName(storageState) + ": "
                    + (willFlag ? "a will" : "a new persistent session") + " cannot be made durable");
            }
            int lostBefore = lostBatches;
            int will = -1;
            if (willFlag)
            {
                will = pool.Store(c.ReceiveBuffer, connect.WillTopicStart, connect.WillTopicLength, c.ReceiveBuffer, connect.WillMessageStart, connect.WillMessageLength, connect.WillQos);
                if (will < 0)
                {
                    return Refuse(c, ConnectReturnCode.ServerUnavailable, "no room to store the will message");
                }
            }
            if (takeover)
            {
                // [MQTT-3.1.4-2] the existing client is disconnected. Its will is published only when its session
                // ends here; one the new connection resumes goes on, as MQTT 5.0 rules ([MQTT-3.1.2-8] there:
                // not when a new connection for the client id comes first), so a device that reconnects does
                // not announce itself gone.
                bool resumed = !cleanSession && existing.Persistent;
                End(connections[existing.Connection], !resumed, "session taken over by a new connection");
                if (!existing.InUse)
                {
                    existing = null;
                }
            }
            bool sessionPresent = false;
            Session s;
            if (cleanSession)
            {
                if (existing != null)
                {
                    DiscardSession(existing);
                }
                s = NewSession(b, idStart, idLength, false, user);
            }
            else if (existing != null)
            {
                s = existing;
                sessionPresent = true;
            }
            else
            {
                s = NewSession(b, idStart, idLength, true, user);
            }
            if (s == null)
            {
                if (will >= 0)
                {
                    pool.Release(will);
                }
                return Refuse(c, ConnectReturnCode.ServerUnavailable, "session limit of " + options.MaxSessions + " reached");
            }

            c.State = ConnectionState.Connected;
            c.Session = s.Id;
            c.ProtocolLevel = (byte)level;
            c.User = user;
            c.KeepAliveMs = connect.KeepAliveSeconds * 1000;
            // [MQTT-3.1.2-24] the keep-alive period runs from this CONNECT, not from the socket's opening.
            c.LastReceivedMs = now;
            c.Will = will;
            c.WillRetain = connect.WillRetain;
            s.Connection = c.Id;
            s.LastSeenMs = now;
            connectedCount++;

            if (will >= 0)
            {
                JournalWill(c, s);
            }
            // [MQTT-3.2.0-1] CONNACK first; [MQTT-3.2.2-2, MQTT-3.2.2-3] session present.
            int connAckAt = c.Outbox.Count;
            WriteConnAck(c, sessionPresent, ConnectReturnCode.Accepted);
            if (urgentPending || lostBatches != lostBefore)
            {
                // The session and will records must be durable before the client hears it is connected (a failure
                // that lost them closes the connection without CONNACK: CloseWithheld).
                c.Outbox.Hold(connAckAt);
            }
            if (Verbose) Info("client " + ClientIdOf(s) + " connected (connection " + c.Id + ", MQTT " + (level == ProtocolVersion.Mqtt311 ? "3.1.1" : "3.1") + ", clean session " + (cleanSession ? 1 : 0) + ", keep-alive " + connect.KeepAliveSeconds + " s" + (sessionPresent ? ", session resumed" : "") + ")");

            // [MQTT-4.4.0-1] re-send unacknowledged PUBLISH (with DUP) and PUBREL packets, in order.
            for (int i = 0; i < s.InflightCount; i++)
            {
                if (s.InflightState[i] == InflightState.AwaitingAck)
                {
                    s.InflightState[i] = InflightState.RepublishPending;
                }
                else if (s.InflightState[i] == InflightState.AwaitingComplete)
                {
                    s.InflightState[i] = InflightState.ReleasePending;
                }
            }
            Pump(s);
            // A resumed session goes on with the retained messages its subscriptions had still to get.
            retainedDue |= s.RetainedPending;
            return true;
        }

        // CONNACK with a refusal code, then close [MQTT-3.2.2-4, MQTT-3.2.2-5].
        private bool Refuse(Connection c, byte code, string reason)
        {
            Stats.ConnectionsRefused++;
            WriteConnAck(c, false, code);
            Warn("connection " + c.Id + " refused (CONNACK " + code + "): " + reason);
            End(c, false, reason);
            return true;
        }

        private void WriteConnAck(Connection c, bool sessionPresent, byte code)
        {
            int at = Reserve(c, 4);
            byte[] b = c.Outbox.Buffer;
            b[at] = PacketType.ConnAck << 4;
            b[at + 1] = 2;
            b[at + 2] = (byte)(sessionPresent ? 1 : 0);
            b[at + 3] = code;
        }

        // Writes a fresh identifier "nb-<hex>" not used by any session; returns its length.
        private int AssignClientId(byte[] into)
        {
            while (true)
            {
                assignedIds++;
                int n = 0;
                into[n++] = (byte)'n';
                into[n++] = (byte)'b';
                into[n++] = (byte)'-';
                for (int shift = 28; shift >= 0; shift -= 4)
                {
                    int digit = (assignedIds >> shift) & 0xF;
                    into[n++] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
                }
                if (FindSession(into, 0, n) == null)
                {
                    return n;
                }
            }
        }

        private Session FindSession(byte[] id, int offset, int count)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                if (sessions[i].HasClientId(id, offset, count))
                {
                    return sessions[i];
                }
            }
            return null;
        }

        // A free session slot; when none is free, the least recently seen offline session is dropped.
        private Session NewSession(byte[] id, int offset, int count, bool persistent, int owner)
        {
            Session free = null;
            Session oldestOffline = null;
            for (int i = 0; i < sessions.Length && free == null; i++)
            {
                Session s = sessions[i];
                if (!s.InUse)
                {
                    free = s;
                }
                else if (!s.IsOnline && (oldestOffline == null || s.LastSeenMs < oldestOffline.LastSeenMs))
                {
                    oldestOffline = s;
                }
            }
            if (free == null && oldestOffline != null)
            {
                Stats.SessionsEvicted++;
                Warn("session limit reached: dropped the offline session of " + ClientIdOf(oldestOffline));
                DiscardSession(oldestOffline);
                free = oldestOffline;
            }
            if (free == null)
            {
                return null;
            }
            free.InUse = true;
            free.Persistent = persistent;
            System.Array.Copy(id, offset, free.ClientId, 0, count);
            free.ClientIdLength = count;
            free.Owner = owner;
            free.Connection = -1;
            free.LastSeenMs = now;
            if (persistent)
            {
                JournalSession(free);
            }
            return free;
        }

        // Forgets a session: its subscriptions, queued and inflight messages, pending QoS 2 state.
        private void DiscardSession(Session s)
        {
            if (s.Persistent && s.InUse)
            {
                Journal(RecordKind.SessionClear, 0, 0, s, null, 0, 0, null, 0, 0);
            }
            subscriptions.RemoveSession(s.Id);
            for (int i = 0; i < s.InflightCount; i++)
            {
                if (s.InflightMessage[i] >= 0)
                {
                    pool.Release(s.InflightMessage[i]);
                }
            }
            s.InflightCount = 0;
            ReleaseQueue(s);
            s.QueueHead = 0;
            s.ResetJournal();
            s.AwaitingReleaseCount = 0;
            s.LastPacketId = 0;
            s.RetainedPending = false;
            s.RetainedTurn = false;
            s.InUse = false;
            s.ClientIdLength = 0;
            retryBlocked = true;
        }
    }
}
